// ampd wallboard: a live view of queues and agents over ampd's WebSocket listener.
//
// One JSON object per WebSocket text message, both ways. The page logs in with Format json, asks
// StatisticInfo at login, again (debounced, one request in flight at most) after every queue or
// agent event, and every 5 s as a safety net; between answers the waiting times tick locally.
// Everything the server sends is written with textContent, never parsed as HTML. The credentials
// are kept in memory only, to log in again after a reconnect.
'use strict';

(() => {
  const DEBOUNCE_MS = 250;
  const REFRESH_MS = 5000;
  const STATS_TIMEOUT_MS = 10000;
  const BACKOFF_MIN_MS = 1000;
  const BACKOFF_MAX_MS = 30000;
  const TICKER_SIZE = 8;

  // Events that change what the board shows: modern Asterisk names and Asterisk 1.4's.
  const WATCHED = new Set([
    'queuecallerjoin', 'queuecallerleave', 'queuecallerabandon', 'agentcalled', 'agentconnect',
    'agentcomplete', 'agentringnoanswer', 'agentdump', 'queuememberstatus', 'queuememberpause',
    'queuememberpaused', 'queuememberadded', 'queuememberremoved', 'agentlogin', 'agentlogoff',
    'agentcallbacklogin', 'agentcallbacklogoff', 'join', 'leave',
  ]);

  const $ = (sel) => document.querySelector(sel);
  const el = {
    connection: $('#connection'),
    link: $('#link'),
    clock: $('#clock'),
    logout: $('#logout'),
    loginView: $('#login-view'),
    loginForm: $('#login-form'),
    username: $('#username'),
    secret: $('#secret'),
    login: $('#login'),
    loginError: $('#login-error'),
    board: $('#board'),
    queues: $('#queues'),
    agents: $('#agents'),
    agentsEmpty: $('#agents-empty'),
    events: $('#events'),
  };

  const state = {
    creds: null,          // {username, secret}: memory only
    authenticated: false, // these credentials were accepted once: reconnect with them
    ws: null,
    backoff: BACKOFF_MIN_MS,
    reconnectTimer: 0,
    statsSeq: 0,
    statsInFlight: null,  // ActionID of the outstanding StatisticInfo
    statsTimer: 0,        // its timeout
    statsDirty: false,    // an event arrived while a request was in flight
    statsList: null,      // records gathered from list events (see onStats)
    debounceTimer: 0,
    queues: new Map(),    // key -> {node, fields, data, at}
    agents: new Map(),    // key -> {node, fields, data}
  };

  // ------------------------------------------------------------------ helpers

  const str = (v) => (Array.isArray(v) ? v.join(', ') : v == null ? '' : String(v));
  const int = (v) => {
    const n = parseInt(str(v), 10);
    return Number.isFinite(n) ? n : 0;
  };
  const pad2 = (n) => String(n).padStart(2, '0');
  // Seconds as m:ss (h:mm:ss past an hour).
  function duration(total) {
    const s = Math.max(0, Math.floor(total));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h > 0 ? `${h}:${pad2(m)}:${pad2(s % 60)}` : `${pad2(m)}:${pad2(s % 60)}`;
  }
  const clockText = (d) => `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
  // A key in a case-insensitive way (Asterisk's keys are case-insensitive; JSON's are not).
  function get(obj, key) {
    if (key in obj) return obj[key];
    const low = key.toLowerCase();
    for (const k of Object.keys(obj)) if (k.toLowerCase() === low) return obj[k];
    return undefined;
  }
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }
  function make(tag, cls, text) {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }

  // ------------------------------------------------------------------ header

  function setConnection(stateName, text) {
    el.connection.dataset.state = stateName;
    setText(el.connection, text);
  }

  function setLinks(links) {
    if (links.length === 0) return;
    const down = links.filter((l) => str(get(l, 'Link')).toLowerCase() !== 'up');
    const names = links.map((l) => `${str(get(l, 'Server'))} ${str(get(l, 'Link')) || '?'}`);
    el.link.dataset.state = down.length ? 'down' : 'up';
    setText(el.link, `Asterisk: ${names.join(', ')}`);
  }

  function tickClock() {
    setText(el.clock, clockText(new Date()));
    el.clock.dateTime = new Date().toISOString();
  }

  // ------------------------------------------------------------------ queues

  const QUEUE_FIELDS = [
    ['answered', 'Answered', 'Calls answered today'],
    ['abandoned', 'Abandoned', 'Callers who hung up while waiting, today'],
    ['average', 'Avg wait', 'Average wait before answer'],
    ['longest-now', 'Longest wait', 'The longest wait of the callers waiting now'],
    ['longest', 'Max today', 'The longest wait today'],
    ['talk', 'Avg talk', 'Average talk time'],
  ];

  function queueCard(name, server, showServer) {
    const node = make('article', 'queue');
    node.dataset.queue = name;
    node.dataset.server = server;
    const title = make('h3', 'queue-name', name);
    if (showServer && server) title.append(make('span', 'queue-server', server));
    node.append(title);
    const fields = {};
    const waiting = make('div', 'waiting');
    fields.waiting = make('span', 'waiting-value', '0');
    fields.waiting.dataset.field = 'waiting';
    waiting.append(fields.waiting, make('span', 'waiting-label', 'waiting'));
    node.append(waiting);
    const dl = make('dl', 'queue-stats');
    for (const [field, label, title] of QUEUE_FIELDS) {
      const box = make('div', 'stat');
      box.title = title;
      const dd = make('dd', 'stat-value', '0');
      dd.dataset.field = field;
      box.append(make('dt', 'stat-label', label), dd);
      dl.append(box);
      fields[field] = dd;
    }
    node.append(dl);
    return {node, fields, data: null, at: 0};
  }

  function renderQueue(q, now) {
    const d = q.data;
    const waiting = int(get(d, 'Waiting'));
    // The live figures: what the last answer said, plus the time since it came.
    const elapsed = waiting > 0 ? Math.max(0, (now - q.at) / 1000) : 0;
    const longestNow = waiting > 0 ? int(get(d, 'LongestWaitNow')) + elapsed : 0;
    const longest = Math.max(int(get(d, 'LongestWait')), longestNow);
    setText(q.fields.waiting, String(waiting));
    q.node.classList.toggle('has-waiting', waiting > 0);
    setText(q.fields.answered, String(int(get(d, 'Answered'))));
    setText(q.fields.abandoned, String(int(get(d, 'Abandoned'))));
    q.fields.abandoned.classList.toggle('bad', int(get(d, 'Abandoned')) > 0);
    setText(q.fields['longest-now'], duration(longestNow));
    q.fields['longest-now'].classList.toggle('warn', longestNow >= 60);
    setText(q.fields.longest, duration(longest));
    setText(q.fields.average, duration(int(get(d, 'AverageWait'))));
    setText(q.fields.talk, duration(int(get(d, 'AverageTalkTime'))));
  }

  function updateQueues(records, now) {
    const servers = new Set(records.map((r) => str(get(r, 'Server'))));
    const seen = new Set();
    const sorted = [...records].sort((a, b) =>
      str(get(a, 'Queue')).localeCompare(str(get(b, 'Queue'))) ||
      str(get(a, 'Server')).localeCompare(str(get(b, 'Server'))));
    let prev = null;
    for (const r of sorted) {
      const name = str(get(r, 'Queue'));
      const server = str(get(r, 'Server'));
      const key = `${server}\u0000${name}`;
      seen.add(key);
      let q = state.queues.get(key);
      if (!q) {
        q = queueCard(name, server, servers.size > 1);
        state.queues.set(key, q);
      }
      q.data = r;
      q.at = now;
      renderQueue(q, now);
      // Keep the order without moving nodes that are already in place.
      const want = prev ? prev.nextSibling : el.queues.firstChild;
      if (want !== q.node) el.queues.insertBefore(q.node, want);
      prev = q.node;
    }
    for (const [key, q] of state.queues) {
      if (!seen.has(key)) {
        q.node.remove();
        state.queues.delete(key);
      }
    }
    el.queues.classList.toggle('is-empty', state.queues.size === 0);
  }

  // ------------------------------------------------------------------ agents

  function agentState(d) {
    if (str(get(d, 'LoggedIn')) !== '1') return ['loggedout', 'Logged out'];
    if (str(get(d, 'Paused')) === '1') return ['paused', 'Paused'];
    const s = str(get(d, 'State')).toLowerCase();
    if (/ring/.test(s)) return ['ringing', 'Ringing'];
    if (/incall|busy|inuse|in use|onhold|on hold|talk/.test(s)) return ['oncall', 'On call'];
    if (/unavail|invalid/.test(s)) return ['unavailable', 'Unavailable'];
    return ['idle', 'Idle'];
  }

  function agentRow(id, server) {
    const node = make('tr', 'agent');
    node.dataset.agent = id;
    node.dataset.server = server;
    const fields = {};
    const cells = [['agent', 'th'], ['state', 'td'], ['reason', 'td'], ['calls', 'td'],
      ['talk', 'td']];
    for (const [field, tag] of cells) {
      const cell = make(tag, `col-${field}`);
      if (tag === 'th') cell.scope = 'row';
      if (field === 'calls' || field === 'talk') cell.classList.add('num');
      const span = make('span', field === 'state' ? 'badge' : null, '');
      span.dataset.field = field;
      cell.append(span);
      node.append(cell);
      fields[field] = span;
    }
    // Interfaces (Local/100@agents, PJSIP/1001) may wrap after '/' and '@': text nodes and <wbr>.
    for (const part of id.split(/(?<=[/@])/)) {
      if (fields.agent.firstChild) fields.agent.append(document.createElement('wbr'));
      fields.agent.append(document.createTextNode(part));
    }
    return {node, fields, data: null};
  }

  function renderAgent(a) {
    const d = a.data;
    const [cls, label] = agentState(d);
    a.node.dataset.state = cls;
    a.fields.state.dataset.state = cls;
    setText(a.fields.state, label);
    setText(a.fields.reason, cls === 'paused' ? str(get(d, 'PausedReason')) : '');
    setText(a.fields.calls, String(int(get(d, 'CallsTaken'))));
    setText(a.fields.talk, duration(int(get(d, 'TalkTime'))));
    a.node.title = str(get(d, 'Queues')) ? `Queues: ${str(get(d, 'Queues'))}` : '';
  }

  function updateAgents(records) {
    const seen = new Set();
    // By id, so a row stays where the room expects it whatever its state.
    const sorted = [...records].sort((a, b) =>
      str(get(a, 'Agent')).localeCompare(str(get(b, 'Agent')), undefined, {numeric: true}) ||
      str(get(a, 'Server')).localeCompare(str(get(b, 'Server'))));
    let prev = null;
    for (const r of sorted) {
      const id = str(get(r, 'Agent'));
      const server = str(get(r, 'Server'));
      const key = `${server}\u0000${id}`;
      seen.add(key);
      let a = state.agents.get(key);
      if (!a) {
        a = agentRow(id, server);
        state.agents.set(key, a);
      }
      a.data = r;
      renderAgent(a);
      const want = prev ? prev.nextSibling : el.agents.firstChild;
      if (want !== a.node) el.agents.insertBefore(a.node, want);
      prev = a.node;
    }
    for (const [key, a] of state.agents) {
      if (!seen.has(key)) {
        a.node.remove();
        state.agents.delete(key);
      }
    }
    el.agentsEmpty.hidden = state.agents.size > 0;
  }

  // ------------------------------------------------------------------ ticker

  function describe(name, ev) {
    const low = name.toLowerCase();
    const parts = [];
    const queue = str(get(ev, 'Queue'));
    if (queue) parts.push(queue);
    const who = str(get(ev, 'Agent')) || str(get(ev, 'MemberName')) || str(get(ev, 'Interface'));
    if (who) parts.push(who);
    const caller = str(get(ev, 'CallerIDNum')) || str(get(ev, 'CallerID'));
    if (caller && caller !== who) parts.push(`caller ${caller}`);
    const pos = str(get(ev, 'Position'));
    if (pos) parts.push(`pos ${pos}`);
    const hold = str(get(ev, 'HoldTime'));
    if (hold) parts.push(`held ${duration(int(hold))}`);
    const talk = str(get(ev, 'TalkTime'));
    if (talk && low === 'agentcomplete') parts.push(`talked ${duration(int(talk))}`);
    const reason = str(get(ev, 'Reason')) || str(get(ev, 'PausedReason'));
    if (reason) parts.push(low === 'agentcomplete' ? `ended by ${reason}` : reason);
    const count = str(get(ev, 'Count'));
    if (count && !queue) parts.push(count);
    return parts.join(' · ');
  }

  function addTicker(name, detail, kind) {
    const li = make('li', `event event-${kind || 'info'}`);
    li.dataset.event = name;
    const t = make('time', 'event-time', clockText(new Date()));
    li.append(t, make('span', 'event-name', name), make('span', 'event-detail', detail));
    el.events.prepend(li);
    while (el.events.children.length > TICKER_SIZE) el.events.lastElementChild.remove();
  }

  // ------------------------------------------------------------------ statistics

  function requestStats() {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN || !state.authenticated) return;
    if (state.statsInFlight) {
      state.statsDirty = true;
      return;
    }
    state.statsDirty = false;
    const id = `stats-${++state.statsSeq}`;
    state.statsInFlight = id;
    clearTimeout(state.statsTimer);
    state.statsTimer = setTimeout(() => {
      // No answer: don't block the next ones forever.
      if (state.statsInFlight === id) {
        state.statsInFlight = null;
        state.statsList = null;
      }
    }, STATS_TIMEOUT_MS);
    send({Action: 'StatisticInfo', ActionID: id});
  }

  function scheduleStats() {
    if (state.debounceTimer) return;
    state.debounceTimer = setTimeout(() => {
      state.debounceTimer = 0;
      requestStats();
    }, DEBOUNCE_MS);
  }

  // The answer carries its list as "records". Should the list come instead as separate events
  // with the same ActionID, closed by StatisticInfoComplete, they are gathered first.
  function onStats(msg) {
    const id = str(get(msg, 'ActionID'));
    // A late answer to a request given up on (timeout) might be older than what is shown.
    if (id !== state.statsInFlight) return;
    const ok = str(get(msg, 'Response')) === 'Success';
    if (ok && get(msg, 'records') === undefined && get(msg, 'ListItems') === undefined &&
        (/^start$/i.test(str(get(msg, 'EventList'))) || /follow/i.test(str(get(msg, 'Message'))))) {
      state.statsList = [];
      return;
    }
    state.statsInFlight = null;
    clearTimeout(state.statsTimer);
    if (!ok) {
      addTicker('StatisticInfo', str(get(msg, 'Message')) || 'failed', 'error');
    } else {
      let records = get(msg, 'records') || [];
      if (!Array.isArray(records)) records = [records];
      const kind = (r) => str(get(r, 'event') ?? get(r, 'Event')).toLowerCase();
      const now = performance.now();
      updateQueues(records.filter((r) => kind(r) === 'queuestatistic'), now);
      updateAgents(records.filter((r) => kind(r) === 'agentstatistic'));
      setLinks(records.filter((r) => kind(r) === 'linkstatistic'));
    }
    if (state.statsDirty) scheduleStats();
  }

  // Between answers: the waiting times go on.
  function tickQueues() {
    const now = performance.now();
    for (const q of state.queues.values()) if (q.data) renderQueue(q, now);
  }

  // ------------------------------------------------------------------ connection

  function wsUrl() {
    return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  }

  function send(obj) {
    if (state.ws && state.ws.readyState === WebSocket.OPEN) state.ws.send(JSON.stringify(obj));
  }

  function connect() {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = 0;
    setConnection('connecting', state.authenticated ? 'Reconnecting…' : 'Connecting…');
    let ws;
    try {
      ws = new WebSocket(wsUrl());
    } catch (e) {
      onClosed(null, `Cannot connect: ${e.message}`);
      return;
    }
    state.ws = ws;
    ws.onopen = () => {
      if (state.ws !== ws || !state.creds) return;
      sendLogin(false);
    };
    ws.onmessage = (e) => {
      if (state.ws !== ws) return;
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch (err) {
        console.warn('wallboard: not JSON', e.data);
        return;
      }
      if (msg && typeof msg === 'object') onMessage(msg);
    };
    ws.onclose = (e) => {
      if (state.ws === ws) onClosed(ws, e.reason);
    };
    ws.onerror = () => {}; // onclose follows and says it
  }

  function onClosed(ws, reason) {
    state.ws = null;
    state.statsInFlight = null;
    state.statsList = null;
    clearTimeout(state.statsTimer);
    if (!state.creds) return; // signed out
    if (!state.authenticated) {
      // Never logged in with these credentials: back to the form, no retry loop.
      showLogin(reason || 'Cannot reach ampd');
      setConnection('disconnected', 'Not connected');
      return;
    }
    const delay = state.backoff;
    state.backoff = Math.min(state.backoff * 2, BACKOFF_MAX_MS);
    setConnection('reconnecting', `Reconnecting in ${Math.round(delay / 1000)} s`);
    el.link.dataset.state = 'unknown';
    state.reconnectTimer = setTimeout(connect, delay);
  }

  function onMessage(msg) {
    const event = get(msg, 'event') ?? get(msg, 'Event');
    if (event != null && get(msg, 'Response') == null) {
      if (state.statsList && str(get(msg, 'ActionID')) === state.statsInFlight) {
        if (/complete$/i.test(str(event))) {
          const records = state.statsList;
          state.statsList = null;
          onStats({Response: 'Success', ActionID: state.statsInFlight, records});
        } else {
          state.statsList.push(msg);
        }
        return;
      }
      onEvent(str(event), msg);
      return;
    }
    const id = str(get(msg, 'ActionID'));
    if (id === 'login') onLogin(msg);
    else if (id.startsWith('stats-')) onStats(msg);
    else if (str(get(msg, 'Response')) === 'Error') {
      addTicker(str(get(msg, 'Action')) || 'Error', str(get(msg, 'Message')), 'error');
    }
  }

  // Without Type first (a monitor-only user needs none); a user allowed several types is asked
  // for one, and then the wallboard logs in again as a monitor.
  function sendLogin(withType) {
    const login = {
      Action: 'Login', Username: state.creds.username, Secret: state.creds.secret,
      Format: 'json', ActionID: 'login',
    };
    if (withType) login.Type = 'monitor';
    state.loginWithType = withType;
    send(login);
  }

  function onLogin(msg) {
    if (str(get(msg, 'Response')) !== 'Success' && !state.loginWithType && state.creds &&
        /requires Type/i.test(str(get(msg, 'Message'))) &&
        /monitor/i.test(str(get(msg, 'Message')))) {
      sendLogin(true);
      return;
    }
    if (str(get(msg, 'Response')) === 'Success') {
      state.authenticated = true;
      state.backoff = BACKOFF_MIN_MS;
      setConnection('connected', 'Connected');
      showBoard();
      requestStats();
      return;
    }
    const text = str(get(msg, 'Message')) || 'Login failed';
    // Refused (wrong secret, user deleted...): forget the credentials and ask again.
    state.authenticated = false;
    const ws = state.ws;
    state.ws = null;
    if (ws) ws.close();
    state.creds = null;
    setConnection('disconnected', 'Not connected');
    showLogin(text);
  }

  function onEvent(name, ev) {
    const low = name.toLowerCase();
    if (low === 'shutdown') {
      setConnection('reconnecting', 'ampd is shutting down');
      addTicker(name, str(get(ev, 'Message')) || str(get(ev, 'Shutdown')) || 'ampd stops', 'error');
      return;
    }
    if (low === 'eventsdropped') {
      addTicker(name, `${str(get(ev, 'Count'))} events dropped`, 'error');
      scheduleStats();
      return;
    }
    if (!WATCHED.has(low)) return;
    const kind = /abandon|logoff|leave/.test(low) ? 'warn' : /join|connect|login/.test(low)
      ? 'good' : 'info';
    addTicker(name, describe(name, ev), kind);
    scheduleStats();
  }

  // ------------------------------------------------------------------ views

  function showLogin(error) {
    el.board.hidden = true;
    el.logout.hidden = true;
    el.loginView.hidden = false;
    el.login.disabled = false;
    setText(el.loginError, error || '');
    el.loginError.hidden = !error;
    el.secret.value = '';
    (el.username.value ? el.secret : el.username).focus();
  }

  function showBoard() {
    el.loginView.hidden = true;
    el.board.hidden = false;
    el.logout.hidden = false;
    el.login.disabled = false;
    setText(el.loginError, '');
    el.secret.value = '';
  }

  el.loginForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const username = el.username.value.trim();
    const secret = el.secret.value;
    if (!username || !secret) {
      setText(el.loginError, 'Enter a username and a password');
      el.loginError.hidden = false;
      return;
    }
    if (state.ws) {
      const old = state.ws;
      state.ws = null;
      old.close();
    }
    state.creds = {username, secret};
    state.authenticated = false;
    state.backoff = BACKOFF_MIN_MS;
    el.login.disabled = true;
    setText(el.loginError, '');
    connect();
  });

  el.logout.addEventListener('click', () => {
    state.creds = null;
    state.authenticated = false;
    clearTimeout(state.reconnectTimer);
    const ws = state.ws;
    state.ws = null;
    if (ws) {
      try {
        ws.send(JSON.stringify({Action: 'Logoff', ActionID: 'logoff'}));
      } catch (e) { /* closing anyway */ }
      ws.close();
    }
    setConnection('disconnected', 'Not connected');
    showLogin('');
  });

  el.loginError.hidden = true;
  tickClock();
  setInterval(() => {
    tickClock();
    tickQueues();
  }, 1000);
  setInterval(() => {
    if (state.authenticated) requestStats();
  }, REFRESH_MS);
})();
