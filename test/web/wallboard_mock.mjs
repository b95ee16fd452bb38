#!/usr/bin/env node
// The wallboard's page logic without a server: etc/www/index.html from file://, with
// window.WebSocket replaced by a fake ampd that answers Login and StatisticInfo and pushes events.
//
//   node wallboard_mock.mjs [--screenshot-dir DIR]      (env: CHROMIUM, AMPD_WEB_ROOT)
//
// Checks: a refused login shows its message; login shows the board; a QueueCallerJoin makes the
// queue's waiting figure 1 without re-creating the card; events are debounced (one request in
// flight); the waiting time ticks between answers; server text is never parsed as HTML; a closed
// socket reconnects and logs in again; nothing is kept in localStorage; both 1920x1080 and
// 1280x720 layouts fit. Exit 0 when all pass, 1 otherwise (77: no chromium).
import {dirname, resolve} from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';
import {mkdirSync} from 'node:fs';
import {assert, dump, globalTimeout, launch, log, openPage, queueField, until} from './lib.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const webRoot = resolve(process.env.AMPD_WEB_ROOT || resolve(here, '../../etc/www'));
const argShot = process.argv.indexOf('--screenshot-dir');
const shotDir = argShot > 0 ? process.argv[argShot + 1] : process.env.AMPD_SCREENSHOT_DIR;

// Runs in the page before its scripts: the fake ampd.
function installFakeAmpd() {
  const XSS = '<img src=x onerror="window.__xss=1">';
  const mock = {
    sockets: [],
    sent: [],
    logins: 0,
    statsRequests: 0,
    statsDelayMs: 150,
    queues: {
      support: {Waiting: '0', Entered: '4', Answered: '3', Abandoned: '1', Completed: '3',
        LongestWait: '42', LongestWaitNow: '0', AverageWait: '12', AverageTalkTime: '80'},
      sales: {Waiting: '0', Entered: '0', Answered: '0', Abandoned: '0', Completed: '0',
        LongestWait: '0', LongestWaitNow: '0', AverageWait: '0', AverageTalkTime: '0'},
      [XSS]: {Waiting: '0', Entered: '0', Answered: '0', Abandoned: '0', Completed: '0',
        LongestWait: '0', LongestWaitNow: '0', AverageWait: '0', AverageTalkTime: '0'},
    },
    agents: {
      1001: {LoggedIn: '1', State: 'incall', Paused: '0', PausedReason: '', CallsTaken: '3',
        TalkTime: '240', Queues: 'support,sales'},
      1002: {LoggedIn: '1', State: 'idle', Paused: '1', PausedReason: `lunch ${XSS}`,
        CallsTaken: '1', TalkTime: '65', Queues: 'support'},
      1003: {LoggedIn: '0', State: 'unavailable', Paused: '0', PausedReason: '',
        CallsTaken: '0', TalkTime: '0', Queues: ''},
    },
    link: 'up',
    listMode: false, // answer StatisticInfo as separate list events + StatisticInfoComplete
    push(obj) {
      for (const s of this.sockets) if (s.readyState === 1) s._deliver(obj);
    },
    // A caller joins: the statistics change, then the event is pushed.
    callerJoins(queue, wait = 0) {
      const q = this.queues[queue];
      q.Waiting = String(Number(q.Waiting) + 1);
      q.Entered = String(Number(q.Entered) + 1);
      q.LongestWaitNow = String(wait);
      this.push({event: 'QueueCallerJoin', Queue: queue, Position: q.Waiting, Count: q.Waiting,
        CallerIDNum: '5552000', Channel: 'PJSIP/5552000-00000001'});
    },
    drop() {
      for (const s of this.sockets) if (s.readyState === 1) s._serverClose();
    },
  };
  window.__mock = mock;

  class FakeWebSocket extends EventTarget {
    static CONNECTING = 0;
    static OPEN = 1;
    static CLOSING = 2;
    static CLOSED = 3;
    constructor(url) {
      super();
      this.url = url;
      this.readyState = 0;
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      mock.sockets.push(this);
      setTimeout(() => {
        if (this.readyState !== 0) return;
        this.readyState = 1;
        this._fire('open', new Event('open'));
      }, 20);
    }
    _fire(type, ev) {
      if (typeof this['on' + type] === 'function') this['on' + type](ev);
      this.dispatchEvent(ev);
    }
    _deliver(obj) {
      setTimeout(() => {
        if (this.readyState === 1) {
          this._fire('message', new MessageEvent('message', {data: JSON.stringify(obj)}));
        }
      }, 0);
    }
    _serverClose() {
      this.readyState = 3;
      this._fire('close', new CloseEvent('close', {code: 1006, reason: ''}));
    }
    send(text) {
      if (this.readyState !== 1) throw new Error('send on a socket that is not open');
      const msg = JSON.parse(text);
      mock.sent.push(msg);
      if (msg.Action === 'Login') {
        mock.logins++;
        if (msg.Username === 'multi' && msg.Secret === 'board' && msg.Type === undefined) {
          this._deliver({Action: 'Login', Response: 'Error', ActionID: msg.ActionID,
            Message: 'Login requires Type: this user may log in as administrator, monitor'});
        } else if ((msg.Username === 'wall' || (msg.Username === 'multi' && msg.Type === 'monitor')) &&
            msg.Secret === 'board' && msg.Format === 'json') {
          this._deliver({Action: 'Login', Response: 'Success', ActionID: msg.ActionID,
            Message: 'Authentication accepted'});
        } else {
          this._deliver({Action: 'Login', Response: 'Error', ActionID: msg.ActionID,
            Message: 'Authentication failed'});
        }
      } else if (msg.Action === 'StatisticInfo') {
        mock.statsRequests++;
        const records = [];
        for (const [name, q] of Object.entries(mock.queues)) {
          records.push({event: 'QueueStatistic', Queue: name, Server: 'demo', ...q});
        }
        for (const [id, a] of Object.entries(mock.agents)) {
          records.push({event: 'AgentStatistic', Agent: id, Server: 'demo', PausedTime: '0',
            LastCall: '0', ...a});
        }
        records.push({event: 'ServerStatistic', StartTime: '0', Uptime: '10',
          ClientsConnected: '1', ActionsRun: '1', EventsDelivered: '0', AsteriskServers: '1'});
        records.push({event: 'LinkStatistic', Server: 'demo', Link: mock.link, Since: '0',
          Duration: '10'});
        const answer = {Action: 'StatisticInfo', Response: 'Success', ActionID: msg.ActionID,
          Message: 'Statistics will follow', ListItems: String(records.length), records};
        // Deep copy now: later changes to the mock must not leak into an answer in flight.
        const frozen = JSON.parse(JSON.stringify(answer));
        if (mock.listMode) {
          const head = {...frozen, EventList: 'start', Message: 'Results will follow'};
          delete head.records;
          delete head.ListItems;
          const parts = [head, ...frozen.records.map((r) => ({...r, ActionID: msg.ActionID})),
            {event: 'StatisticInfoComplete', ActionID: msg.ActionID, EventList: 'Complete',
              ListItems: String(frozen.records.length)}];
          setTimeout(() => parts.forEach((p) => this._deliver(p)), mock.statsDelayMs);
        } else {
          setTimeout(() => this._deliver(frozen), mock.statsDelayMs);
        }
      } else if (msg.Action === 'Logoff') {
        this._deliver({Action: 'Logoff', Response: 'Goodbye', ActionID: msg.ActionID});
      }
    }
    close() {
      if (this.readyState >= 2) return;
      this.readyState = 3;
      setTimeout(() => this._fire('close', new CloseEvent('close', {code: 1000})), 0);
    }
  }
  window.WebSocket = FakeWebSocket;
}

const browser = await launch();
let page = null;
let seen = [];
globalTimeout(60000, () => dump(page, seen));

const checks = [];
async function check(name, fn) {
  log(`check: ${name}`);
  await fn();
  checks.push(name);
}

try {
  ({page, seen} = await openPage(browser, {width: 1920, height: 1080}));
  await page.addInitScript(installFakeAmpd);
  await page.goto(pathToFileURL(resolve(webRoot, 'index.html')).href);

  await check('a refused login shows the error and keeps the form', async () => {
    await page.fill('#username', 'wall');
    await page.fill('#secret', 'wrong');
    await page.click('#login');
    await until(page, 'the login error', () =>
      document.querySelector('#login-error').textContent.includes('Authentication failed'));
    assert(await page.isVisible('#login-form'), 'login form still visible');
    assert(await page.isHidden('#board'), 'board hidden');
  });

  await check('login shows the board with the queues and agents', async () => {
    await page.fill('#secret', 'board');
    await page.click('#login');
    await until(page, 'the queues panel', () =>
      document.querySelectorAll('#queues [data-queue]').length === 3);
    assert(await page.isHidden('#login-view'), 'login form hidden');
    assert(await page.$eval('#secret', (n) => n.value) === '', 'password field cleared');
    assert(await page.$eval('#connection', (n) => n.dataset.state) === 'connected',
      'connection connected');
    assert((await page.textContent('#link')).includes('demo up'), 'link state shown');
    assert(await queueField(page, 'support', 'waiting') === '0', 'support waiting 0');
    assert(await queueField(page, 'support', 'answered') === '3', 'support answered 3');
    assert(await queueField(page, 'support', 'longest') === '00:42', 'support longest 00:42');
    assert(await queueField(page, 'support', 'talk') === '01:20', 'support average talk 01:20');
    const agents = await page.$$eval('#agents [data-agent]', (rows) => rows.map((r) => [
      r.dataset.agent, r.querySelector('[data-field=state]').textContent,
      r.querySelector('[data-field=calls]').textContent,
      r.querySelector('[data-field=talk]').textContent]));
    assert(JSON.stringify(agents) === JSON.stringify([['1001', 'On call', '3', '04:00'],
      ['1002', 'Paused', '1', '01:05'], ['1003', 'Logged out', '0', '00:00']]),
    `agent rows ${JSON.stringify(agents)}`);
  });

  await check('server text is never parsed as HTML', async () => {
    const xss = await page.evaluate(() => ({
      flag: window.__xss,
      imgs: document.querySelectorAll('#board img').length,
      card: [...document.querySelectorAll('#queues [data-queue]')]
        .some((n) => n.dataset.queue.startsWith('<img') &&
          n.querySelector('.queue-name').textContent.startsWith('<img')),
      reason: document.querySelector('[data-agent="1002"] [data-field=reason]').textContent,
    }));
    assert(xss.flag === undefined && xss.imgs === 0, 'no element made from server text');
    assert(xss.card, 'the odd queue name shown as text');
    assert(xss.reason.startsWith('lunch <img'), `paused reason as text: ${xss.reason}`);
  });

  await check('a QueueCallerJoin updates the card in place (debounced, one request)', async () => {
    await page.evaluate(() => {
      window.__card = [...document.querySelectorAll('#queues [data-queue]')]
        .find((n) => n.dataset.queue === 'support');
      window.__statsBefore = window.__mock.statsRequests;
      // A burst of events: one StatisticInfo in flight at a time, debounced.
      window.__mock.callerJoins('support', 5);
      for (let i = 0; i < 4; i++) {
        window.__mock.push({event: 'QueueMemberStatus', Queue: 'sales', Interface: 'Local/101'});
      }
    });
    await until(page, 'support waiting 1', () => {
      const card = [...document.querySelectorAll('#queues [data-queue]')]
        .find((n) => n.dataset.queue === 'support');
      return card?.querySelector('[data-field=waiting]').textContent === '1';
    });
    const r = await page.evaluate(() => ({
      same: window.__card.isConnected && [...document.querySelectorAll('#queues [data-queue]')]
        .find((n) => n.dataset.queue === 'support') === window.__card,
      highlighted: window.__card.classList.contains('has-waiting'),
      requests: window.__mock.statsRequests - window.__statsBefore,
      ticker: [...document.querySelectorAll('#events li')].map((li) => li.dataset.event),
    }));
    assert(r.same, 'the same card node was updated');
    assert(r.highlighted, 'the card is highlighted while a caller waits');
    assert(r.requests >= 1 && r.requests <= 2, `StatisticInfo requests for the burst: ${r.requests}`);
    assert(r.ticker[r.ticker.length - 1] === 'QueueCallerJoin' || r.ticker.includes('QueueCallerJoin'),
      `ticker shows QueueCallerJoin: ${r.ticker}`);
    assert(r.ticker.length <= 8, 'ticker keeps at most 8 events');
  });

  await check('the waiting time ticks between answers', async () => {
    const first = await queueField(page, 'support', 'longest-now');
    await until(page, 'longest wait to move', (before) => {
      const card = [...document.querySelectorAll('#queues [data-queue]')]
        .find((n) => n.dataset.queue === 'support');
      const now = card.querySelector('[data-field="longest-now"]').textContent;
      return now !== before && now >= '00:06';
    }, first, 5000);
  });

  if (shotDir) {
    mkdirSync(shotDir, {recursive: true});
    await page.screenshot({path: resolve(shotDir, 'mock-1920x1080.png')});
    await page.setViewportSize({width: 1280, height: 720});
    await page.screenshot({path: resolve(shotDir, 'mock-1280x720.png')});
    await page.setViewportSize({width: 1920, height: 1080});
  }

  await check('the layout fits 1920x1080 and 1280x720 without horizontal scrolling', async () => {
    for (const vp of [{width: 1920, height: 1080}, {width: 1280, height: 720}]) {
      await page.setViewportSize(vp);
      const m = await page.evaluate(() => ({
        sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
        waiting: parseFloat(getComputedStyle(document.querySelector('.waiting-value')).fontSize),
      }));
      assert(m.sw <= m.cw, `${vp.width}x${vp.height}: scrollWidth ${m.sw} > ${m.cw}`);
      assert(m.waiting >= 40, `${vp.width}x${vp.height}: waiting figure ${m.waiting}px is big`);
    }
  });

  await check('a dropped socket reconnects and logs in again', async () => {
    const before = await page.evaluate(() => window.__mock.logins);
    await page.evaluate(() => window.__mock.drop());
    await until(page, 'the reconnecting state', () =>
      document.querySelector('#connection').dataset.state === 'reconnecting', null, 2000);
    await until(page, 'a new login', (n) => window.__mock.logins > n &&
      document.querySelector('#connection').dataset.state === 'connected', before, 5000);
    assert(await page.isVisible('#board'), 'board still shown');
  });

  await check('a list answered as separate events is gathered, not shown as events', async () => {
    await page.evaluate(() => {
      window.__mock.listMode = true;
      window.__mock.callerJoins('sales', 3);
      window.__mock.callerJoins('sales', 3);
    });
    await until(page, 'sales waiting 2', () => {
      const card = [...document.querySelectorAll('#queues [data-queue]')]
        .find((n) => n.dataset.queue === 'sales');
      return card?.querySelector('[data-field=waiting]').textContent === '2';
    });
    const r = await page.evaluate(() => ({
      queues: document.querySelectorAll('#queues [data-queue]').length,
      agents: document.querySelectorAll('#agents [data-agent]').length,
      ticker: [...document.querySelectorAll('#events li')].map((li) => li.dataset.event),
    }));
    assert(r.queues === 3 && r.agents === 3, `cards ${r.queues}, rows ${r.agents}`);
    assert(!r.ticker.some((e) => /Statistic/.test(e)), `no statistics in the ticker: ${r.ticker}`);
    await page.evaluate(() => { window.__mock.listMode = false; });
  });

  await check('nothing is stored in localStorage or sessionStorage', async () => {
    const n = await page.evaluate(() => localStorage.length + sessionStorage.length);
    assert(n === 0, `web storage has ${n} items`);
  });

  await check('a Shutdown event and sign out', async () => {
    await page.evaluate(() => window.__mock.push({event: 'Shutdown', Shutdown: 'Uncleanly'}));
    await until(page, 'the Shutdown event in the ticker', () =>
      document.querySelector('#events li')?.dataset.event === 'Shutdown');
    await page.click('#logout');
    await until(page, 'the login form', () => !document.querySelector('#login-view').hidden);
  });

  await check('a user allowed several types logs in again as monitor', async () => {
    await page.fill('#username', 'multi');
    await page.fill('#secret', 'board');
    await page.click('#login');
    await until(page, 'the board', () => !document.querySelector('#board').hidden &&
      document.querySelector('#connection').dataset.state === 'connected');
    const types = await page.evaluate(() =>
      window.__mock.sent.filter((m) => m.Action === 'Login' && m.Username === 'multi')
        .map((m) => m.Type ?? '-'));
    assert(JSON.stringify(types) === '["-","monitor"]', `login types ${types}`);
  });

  const errors = seen.filter((l) => l.startsWith('pageerror') || l.startsWith('console.error'));
  assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
  log(`PASS: ${checks.length} checks`);
  console.log(`${checks.length} passed, 0 failed`);
  await browser.close();
  process.exit(0);
} catch (e) {
  console.error(`FAIL: ${e.message}`);
  await dump(page, seen);
  console.log(`${checks.length} passed, 1 failed`);
  await browser.close().catch(() => {});
  process.exit(1);
}
