// ampd through the npm package asterisk-manager (pipobscure/NodeJS-AsteriskManager), used as
// its README shows: the constructor logs in, ami.action(..., callback), ami.on(event, ...).
//
// Run by ../run_client_test.sh, which starts the simulator and ampd and sets AMPD_HOST,
// AMPD_PORT and the two users (a monitor and an administrator, each with one type: no Type at
// login). Exit 0 pass, 1 fail, 77 skipped (the package cannot be loaded).
'use strict';

let AsteriskManager;
try {
  AsteriskManager = require('asterisk-manager');
} catch (error) {
  console.log(`SKIP: asterisk-manager cannot be loaded (${error.message}); npm ci in ${__dirname}`);
  process.exit(77);
}

const TIMEOUT = 10000; // ms, for every single wait

function fail(message) {
  throw new Error(message);
}

function check(condition, message) {
  if (!condition) fail(message);
}

// what: a string, or a function giving it when the wait has timed out.
function withTimeout(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(
      `no ${typeof what === 'function' ? what() : what} within ${TIMEOUT / 1000} s`)), TIMEOUT);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// One client: keeps every event and answer it gets, for the checks and for failure messages.
function connect(user, secret) {
  const ami = AsteriskManager(process.env.AMPD_PORT, process.env.AMPD_HOST, user, secret, true);
  ami.events = [];
  ami.responses = [];
  ami.on('managerevent', (evt) => ami.events.push(evt));
  ami.on('response', (res) => ami.responses.push(res));
  return ami;
}

// ami.action with a promise: the answer (the library holds actions until it is logged in).
function action(ami, fields, what) {
  let id;
  const answered = new Promise((resolve, reject) => {
    id = ami.action(fields, (err, res) => (err ? reject(new Error(
      `${what}: ${JSON.stringify(err)}`)) : resolve(res)));
  });
  return withTimeout(answered, () => `answer to ${what} (answers so far: ${
    JSON.stringify(ami.responses)})`).then((res) => ({ id, res }));
}

function waitForEvent(ami, match, what) {
  return withTimeout(new Promise((resolve) => {
    const poll = () => {
      const evt = ami.events.find(match);
      if (evt) resolve(evt); else setTimeout(poll, 50);
    };
    poll();
  }), what);
}

function userClassOnly(ami) {
  const others = ami.events.filter((e) => !String(e.privilege).split(',').includes('user'));
  check(others.length === 0, `the user-class client got events of other classes: ${
    others.map((e) => e.event).join(', ')}`);
}

async function run(boss, wallboard) {
  const ping = (await action(boss, { action: 'Ping' }, 'Ping')).res;
  check(ping.response === 'Success' && ping.ping === 'Pong', `Ping: ${JSON.stringify(ping)}`);
  console.log('ok: Ping');

  const version = (await action(boss, { action: 'Command', command: 'core show version' },
    'Command')).res;
  const output = [].concat(version.output || []);
  check(version.response === 'Success' && output.some((line) => line.includes('Asterisk')),
    `Command 'core show version' does not mention Asterisk: ${JSON.stringify(version)}`);
  console.log(`ok: Command: ${output[0]}`);

  // A list: the answer comes to the callback, the records as events with its ActionID.
  const listed = await action(boss, { action: 'QueueStatus' }, 'QueueStatus');
  check(listed.res.eventlist === 'start', `QueueStatus: ${JSON.stringify(listed.res)}`);
  await waitForEvent(boss, (e) => e.event === 'QueueStatusComplete' && e.actionid === listed.id,
    'QueueStatusComplete');
  const records = boss.events.filter((e) => e.actionid === listed.id);
  check(records.some((e) => e.event === 'QueueParams'),
    `QueueStatus has no QueueParams: ${records.map((e) => e.event).join(', ')}`);
  console.log(`ok: QueueStatus: ${records.length} records`);

  // The library's login sends "Event: on|off", which Asterisk does not read: the documented
  // way to choose classes is the Events action. Only user-class events from here on.
  const mask = (await action(wallboard, { action: 'Events', eventmask: 'user' }, 'Events')).res;
  check(mask.response === 'Success', `Events: ${JSON.stringify(mask)}`);
  wallboard.events = [];

  // Call and agent events first: the boss (all events) sees them; the user-class wallboard
  // must not. Asterisk's events reach each client in order, so once the later UserEvent has
  // reached the wallboard, these would have reached it too.
  const queued = (await action(boss, {
    action: 'Custom', caction: 'SimQueueCall', queue: 'support', outcome: 'answer',
    interface: 'Local/100@agents', waitms: 10, talkms: 10,
  }, 'SimQueueCall')).res;
  check(queued.response === 'Success', `SimQueueCall: ${JSON.stringify(queued)}`);
  await waitForEvent(boss, (e) => e.event === 'QueueCallerJoin', 'QueueCallerJoin at the boss');
  await waitForEvent(boss, (e) => e.event === 'Newchannel', 'Newchannel at the boss');
  const sent = (await action(boss, {
    action: 'UserEvent', userevent: 'AmpdClientTest', library: 'asterisk-manager',
  }, 'UserEvent')).res;
  check(sent.response === 'Success', `UserEvent: ${JSON.stringify(sent)}`);
  const got = await waitForEvent(wallboard, (e) => e.event === 'UserEvent',
    'UserEvent at the user-class client');
  check(got.userevent === 'AmpdClientTest' && got.library === 'asterisk-manager',
    `wrong UserEvent: ${JSON.stringify(got)}`);
  userClassOnly(wallboard);
  console.log('ok: events by class: UserEvent arrived, the call/agent events did not');

  // Async Originate: the answer, then OriginateResponse carrying this action's ActionID.
  const originate = await action(boss, {
    action: 'Originate', channel: 'Local/100@default', application: 'Wait', data: 1,
    async: 'true',
  }, 'Originate');
  check(originate.res.response === 'Success', `Originate: ${JSON.stringify(originate.res)}`);
  const result = await waitForEvent(boss,
    (e) => e.event === 'OriginateResponse' && e.actionid === originate.id,
    `OriginateResponse with ActionID ${originate.id}`);
  check(result.response === 'Success', `OriginateResponse: ${JSON.stringify(result)}`);
  console.log(`ok: async Originate: OriginateResponse ${result.channel} `
    + `(ActionID ${result.actionid})`);
  // The queue call's later events and the Originate's have come by now: still none.
  userClassOnly(wallboard);
}

async function main() {
  const boss = connect(process.env.AMPD_ADMIN_USER, process.env.AMPD_ADMIN_SECRET);
  const wallboard = connect(process.env.AMPD_MONITOR_USER, process.env.AMPD_MONITOR_SECRET);
  let code = 0;
  try {
    await run(boss, wallboard);
    console.log('asterisk-manager: all checks passed');
  } catch (error) {
    console.log(`FAIL: ${error.message}`);
    code = 1;
  }
  boss.disconnect();
  wallboard.disconnect();
  process.exit(code);
}

main();
