#!/usr/bin/env node
// The wallboard end to end: Debian's chromium opens the page that ampd serves on its WebSocket
// listener, logs in, and watches a queue call that the Asterisk simulator plays.
//
//   node wallboard_e2e.mjs --ws-port N --sim-port N [--user U --secret S --screenshot FILE]
//
// Options may also come from the environment: AMPD_WS_PORT, AMPD_SIM_PORT, AMPD_USER,
// AMPD_SECRET, AMPD_SCREENSHOT, AMPD_QUEUE (default support), AMPD_SIM_USER / AMPD_SIM_SECRET
// (the simulator's manager login, default admin / amp111), CHROMIUM. This script starts nothing
// but the browser: test/web/run_e2e.sh starts the simulator and ampd.
//
// Steps: sign in, wait for the Queues panel, log agent 1001 in on the simulator (its row appears),
// pause a member of sales with a reason (a Paused row), let a caller abandon sales, play a call
// to the queue that is answered at once (the Answered figure moves), then a caller who keeps waiting
// (the waiting figure becomes 1, QueueCallerJoin reaches the ticker, the longest wait ticks), and
// save a 1600x900 screenshot. Exit 0 on success, 1 with what the page showed otherwise.
import net from 'node:net';
import {assert, dump, globalTimeout, launch, log, openPage, queueField, until} from './lib.mjs';

function option(name, env, def) {
  const i = process.argv.indexOf(`--${name}`);
  if (i > 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  return process.env[env] ?? def;
}
const wsPort = Number(option('ws-port', 'AMPD_WS_PORT'));
const simPort = Number(option('sim-port', 'AMPD_SIM_PORT'));
const user = option('user', 'AMPD_USER', 'wallboard');
const secret = option('secret', 'AMPD_SECRET', 'wallboard');
const screenshot = option('screenshot', 'AMPD_SCREENSHOT', 'wallboard.png');
const queue = option('queue', 'AMPD_QUEUE', 'support');
const simUser = option('sim-user', 'AMPD_SIM_USER', 'admin');
const simSecret = option('sim-secret', 'AMPD_SIM_SECRET', 'amp111');
if (!(wsPort > 0) || !(simPort > 0)) {
  console.error('usage: wallboard_e2e.mjs --ws-port N --sim-port N (or AMPD_WS_PORT, AMPD_SIM_PORT)');
  process.exit(2);
}

// ------------------------------------------------------------------ a tiny AMI client

class Ami {
  constructor(port) {
    this.port = port;
    this.buf = '';
    this.waiters = new Map(); // ActionID -> resolve
    this.seq = 0;
  }

  connect(ms = 5000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('simulator: no banner')), ms);
      this.sock = net.createConnection({host: '127.0.0.1', port: this.port});
      this.sock.setEncoding('utf8');
      this.sock.on('error', (e) => reject(new Error(`simulator: ${e.message}`)));
      let banner = true;
      this.sock.on('data', (chunk) => {
        this.buf += chunk;
        if (banner) {
          const nl = this.buf.indexOf('\n');
          if (nl < 0) return;
          log(`simulator banner: ${this.buf.slice(0, nl).trim()}`);
          this.buf = this.buf.slice(nl + 1);
          banner = false;
          clearTimeout(timer);
          resolve();
        }
        this.parse();
      });
    });
  }

  parse() {
    for (;;) {
      const end = this.buf.search(/\r?\n\r?\n/);
      if (end < 0) return;
      const block = this.buf.slice(0, end);
      this.buf = this.buf.slice(end).replace(/^\r?\n\r?\n/, '');
      const msg = {};
      for (const line of block.split(/\r?\n/)) {
        const c = line.indexOf(':');
        if (c > 0) msg[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
      }
      const w = msg.actionid && this.waiters.get(msg.actionid);
      if (w && msg.response) {
        this.waiters.delete(msg.actionid);
        w(msg);
      }
    }
  }

  // Sends one action; resolves with its response, rejects on Error or after `ms`.
  action(fields, ms = 5000) {
    const id = `e2e-${++this.seq}`;
    const lines = Object.entries(fields).map(([k, v]) => `${k}: ${v}`);
    lines.push(`ActionID: ${id}`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(id);
        reject(new Error(`simulator: no answer to ${fields.Action} in ${ms / 1000} s`));
      }, ms);
      this.waiters.set(id, (msg) => {
        clearTimeout(timer);
        if (msg.response.toLowerCase() === 'error') {
          reject(new Error(`simulator: ${fields.Action}: ${msg.message}`));
        } else {
          resolve(msg);
        }
      });
      this.sock.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
  }

  close() {
    this.sock?.destroy();
  }
}

// ------------------------------------------------------------------ the test

const browser = await launch();
let page = null;
let seen = [];
let ami = null;
globalTimeout(60000, () => dump(page, seen));

const field = (name) => queueField(page, queue, name);

try {
  ({page, seen} = await openPage(browser, {width: 1600, height: 900}));
  const url = `http://127.0.0.1:${wsPort}/`;
  log(`open ${url}`);
  const resp = await page.goto(url, {timeout: 10000});
  assert(resp && resp.ok(), `GET / answered ${resp?.status()}`);
  assert(await page.title() === 'ampd wallboard', `page title ${await page.title()}`);

  log(`sign in as ${user}`);
  await page.fill('#username', user);
  await page.fill('#secret', secret);
  await page.click('#login');
  await until(page, 'the login to succeed (board shown) or fail (#login-error)', () =>
    !document.querySelector('#board').hidden || document.querySelector('#login-error').textContent);
  const loginError = await page.textContent('#login-error');
  assert(!loginError, `login refused: ${loginError}`);
  // The Queues panel; ampd lists a queue once it has seen activity, so it may still be empty.
  await until(page, 'the Queues panel', () => {
    const panel = document.querySelector('#queues');
    return panel && panel.getClientRects().length > 0;
  });
  assert(await page.$eval('#connection', (n) => n.dataset.state) === 'connected', 'connected');
  await until(page, 'the Asterisk link up (first StatisticInfo answered)', () =>
    document.querySelector('#link').dataset.state === 'up', null, 10000);
  const waiting0 = (await field('waiting')) ?? '0';
  const answered0 = Number((await field('answered')) ?? '0');
  log(`queue ${queue}: waiting ${waiting0}, answered ${answered0}`);
  assert(waiting0 === '0', `nobody waits in ${queue} at the start (${waiting0})`);

  ami = new Ami(simPort);
  await ami.connect();
  await ami.action({Action: 'Login', Username: simUser, Secret: simSecret});

  log('simulator: agent 1001 logs in');
  await ami.action({Action: 'SimAgent', Agent: '1001', Do: 'login'});
  await until(page, 'agent 1001 on the Agents panel, not logged out', () => {
    const row = document.querySelector('#agents [data-agent="1001"]');
    return row && row.dataset.state !== 'loggedout';
  }, null, 10000);

  // Some colour for the screenshot, and more of the page's paths: a paused member with a reason,
  // and a caller who gives up in another queue.
  log('simulator: member Local/101@agents of sales pauses (Lunch); a caller abandons sales');
  await ami.action({Action: 'SimAgent', Agent: '1002', Do: 'pause', Queue: 'sales',
    Interface: 'Local/101@agents', Reason: 'Lunch'});
  await ami.action({Action: 'SimQueueCall', Queue: 'sales', Outcome: 'abandon', WaitMs: '700',
    CallerIDNum: '5553000'});
  await until(page, 'a paused row with its reason', () =>
    [...document.querySelectorAll('#agents [data-agent]')].some((r) =>
      r.dataset.state === 'paused' &&
      r.querySelector('[data-field=reason]').textContent === 'Lunch'), null, 10000);

  log(`simulator: a call to ${queue}, answered after 0.5 s, 1 s of talk`);
  await ami.action({Action: 'SimQueueCall', Queue: queue, Outcome: 'answer', WaitMs: '500',
    RingMs: '0', TalkMs: '1000', CallerIDNum: '5551001', CallerIDName: 'First Caller'});
  await until(page, `the Answered figure of ${queue} to move`, ([q, before]) => {
    const card = [...document.querySelectorAll('#queues [data-queue]')]
      .find((n) => n.dataset.queue === q);
    return card && Number(card.querySelector('[data-field=answered]').textContent) > before &&
      card.querySelector('[data-field=waiting]').textContent === '0';
  }, [queue, answered0], 15000);

  await until(page, 'the abandoned call in sales', () => {
    const card = document.querySelector('#queues [data-queue="sales"]');
    return card?.querySelector('[data-field=abandoned]').textContent === '1' &&
      card.querySelector('[data-field=waiting]').textContent === '0';
  }, null, 10000);

  log(`simulator: a caller waits in ${queue}`);
  await ami.action({Action: 'SimQueueCall', Queue: queue, Outcome: 'none',
    CallerIDNum: '5552000', CallerIDName: 'Waiting Caller'});
  await until(page, `the waiting figure of ${queue} to become 1`, (q) => {
    const card = [...document.querySelectorAll('#queues [data-queue]')]
      .find((n) => n.dataset.queue === q);
    return card?.querySelector('[data-field=waiting]').textContent === '1' &&
      card.classList.contains('has-waiting');
  }, queue, 15000);
  await until(page, 'QueueCallerJoin (or Join) in the ticker', () =>
    [...document.querySelectorAll('#events li')]
      .some((li) => ['QueueCallerJoin', 'Join'].includes(li.dataset.event)), null, 5000);
  await until(page, 'the longest wait to tick', (q) => {
    const card = [...document.querySelectorAll('#queues [data-queue]')]
      .find((n) => n.dataset.queue === q);
    return card.querySelector('[data-field="longest-now"]').textContent >= '00:02';
  }, queue, 6000);

  const errors = seen.filter((l) => l.startsWith('pageerror') || l.startsWith('console.error'));
  assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
  await page.screenshot({path: screenshot});
  log(`screenshot: ${screenshot}`);
  console.log(`PASS: waiting ${await field('waiting')}, answered ${await field('answered')}, ` +
    `longest wait ${await field('longest-now')}`);
  ami.close();
  await browser.close();
  process.exit(0);
} catch (e) {
  console.error(`FAIL: ${e.message}`);
  await dump(page, seen);
  ami?.close();
  await browser.close().catch(() => {});
  process.exit(1);
}
