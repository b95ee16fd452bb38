// Shared by the wallboard tests: launching Debian's chromium through playwright-core, bounded
// waits, and a failure report that says what the page showed.
import {existsSync} from 'node:fs';
import {chromium} from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// Exit code ctest reads as "skipped" (SKIP_RETURN_CODE 77).
export const SKIP = 77;

export function log(...args) {
  console.log(`[${new Date().toISOString().slice(11, 23)}]`, ...args);
}

// Kills the whole test after `ms`, whatever it is waiting for.
export function globalTimeout(ms, onTimeout) {
  const t = setTimeout(async () => {
    console.error(`FAIL: global timeout of ${ms / 1000} s`);
    try {
      await Promise.race([onTimeout(), new Promise((r) => setTimeout(r, 5000))]);
    } finally {
      process.exit(1);
    }
  }, ms);
  t.unref();
  return t;
}

export async function launch() {
  if (!existsSync(CHROMIUM)) {
    console.log(`SKIP: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`);
    process.exit(SKIP);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30000,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
      '--disable-background-networking', '--no-first-run'],
  });
}

// A page that records its console messages, errors and failed requests.
export async function openPage(browser, viewport = {width: 1600, height: 900}) {
  const context = await browser.newContext({viewport});
  const page = await context.newPage();
  page.setDefaultTimeout(10000);
  const seen = [];
  page.on('console', (m) => seen.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => seen.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('websocket', (ws) => {
    seen.push(`websocket open: ${ws.url()}`);
    ws.on('close', () => seen.push(`websocket closed: ${ws.url()}`));
  });
  return {context, page, seen};
}

// What the page showed: for failure reports.
export async function dump(page, seen) {
  console.error('---- console / page errors ----');
  for (const line of seen.slice(-60)) console.error(line);
  if (!page) return;
  try {
    const text = await Promise.race([
      page.evaluate(() => document.body.innerText),
      new Promise((_, rej) => setTimeout(() => rej(new Error('page did not answer')), 3000)),
    ]);
    console.error('---- page text ----');
    console.error(text);
  } catch (e) {
    console.error(`(could not read the page: ${e.message})`);
  }
}

// Polls `fn` (evaluated in the page) until it returns a truthy value, at most `ms`.
export async function until(page, what, fn, arg, ms = 15000) {
  try {
    const handle = await page.waitForFunction(fn, arg, {timeout: ms, polling: 100});
    return await handle.jsonValue();
  } catch (e) {
    throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
  }
}

export function assert(cond, what) {
  if (!cond) throw new Error(`assertion failed: ${what}`);
}

// Text of [data-queue=Q] [data-field=F].
export function queueField(page, queue, field) {
  return page.evaluate(([q, f]) => {
    const card = [...document.querySelectorAll('#queues [data-queue]')]
      .find((n) => n.dataset.queue === q);
    return card?.querySelector(`[data-field="${f}"]`)?.textContent ?? null;
  }, [queue, field]);
}
