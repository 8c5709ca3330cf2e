// Drives the Hearth page in headless Chromium against a running gateway:
//   HEARTH_URL=http://127.0.0.1:8181 HEARTH_PASSWORD=... node hearth-page.test.mjs
// Optional: HEARTH_USER (admin), HEARTH_EXPECT_DEVICES (comma-separated device ids that must get a row),
// HEARTH_HOSTILE_DEVICE (a device id full of markup that must show as text and run nothing),
// HEARTH_RESTART_CMD (a shell command that restarts the page's bundle, e.g. bin/hearth shell 'felix:update 35':
// the open page must then start its chart afresh and keep growing, without a reload),
// HEARTH_SCREENSHOT (default ../../../target/hearth-page.png, i.e. bundles/webconsole/target/),
// CHROMIUM (default /usr/bin/chromium), HEARTH_TIMEOUT_MS (default 60000).
// Exits 0 when every check passed, 1 otherwise; prints one line per check.
import { chromium } from 'playwright-core';
import { execSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const base = (process.env.HEARTH_URL || 'http://127.0.0.1:8181').replace(/\/$/, '');
const user = process.env.HEARTH_USER || 'admin';
const password = process.env.HEARTH_PASSWORD;
const expectDevices = (process.env.HEARTH_EXPECT_DEVICES || '').split(',').map((s) => s.trim()).filter(Boolean);
const hostile = process.env.HEARTH_HOSTILE_DEVICE || '';
const shot = resolve(process.env.HEARTH_SCREENSHOT || join(here, '../../../target/hearth-page.png'));
const timeout = Number(process.env.HEARTH_TIMEOUT_MS || 60000);
const pageUrl = base + '/system/console/hearth';

let failed = 0;
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail ? ': ' + detail : ''}`);
  if (!ok) failed++;
}

if (!password) {
  console.error('HEARTH_PASSWORD is required (data/console-password of the gateway)');
  process.exit(2);
}

// 1. The page and its data need the console login.
const basic = (u, p) => ({ Authorization: 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64') });
for (const [what, url, headers] of [
  ['page without login', pageUrl, {}],
  ['data.json without login', pageUrl + '/data.json', {}],
  ['page with a wrong password', pageUrl, basic(user, password + 'x')],
]) {
  const r = await fetch(url, { headers, redirect: 'manual' });
  check(r.status === 401, `${what} is refused with 401`, `HTTP ${r.status}`);
}
const json = await fetch(pageUrl + '/data.json?since=0', { headers: basic(user, password) });
check(json.status === 200 && (json.headers.get('content-type') || '').startsWith('application/json'),
  'data.json with login is JSON', `HTTP ${json.status} ${json.headers.get('content-type')}`);

// 2. The page in a real browser.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
const offsite = [];
const errors = [];
let restarting = false; // while the bundle restarts, the page's polls may fail: that is expected
try {
  const context = await browser.newContext({ httpCredentials: { username: user, password }, viewport: { width: 1280, height: 1000 } });
  const host = new URL(base).host;
  await context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.host !== host && u.protocol !== 'data:') { offsite.push(u.href); return route.abort(); }
    return route.continue();
  });
  const page = await context.newPage();
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (e) => errors.push('page error: ' + e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !(restarting && m.text().startsWith('Failed to load resource'))) errors.push('console: ' + m.text());
  });

  const resp = await page.goto(pageUrl);
  check(resp && resp.status() === 200, 'the page opens after login', `HTTP ${resp && resp.status()}`);
  check((await page.title()).length > 0 && await page.locator('#hearth').count() === 1, 'the page is inside the web console frame');

  await page.waitForSelector('#hearth-devices tbody tr[data-device]');
  const rows = await page.$$eval('#hearth-devices tbody tr', (trs) => trs.map((tr) => ({
    device: tr.getAttribute('data-device'), state: tr.children[1] && tr.children[1].textContent })));
  check(rows.length > 0 && rows.every((r) => r.state && r.state.length > 0), 'devices are listed with a state',
    rows.map((r) => `${r.device}=${r.state}`).join(', '));
  for (const d of expectDevices) {
    const ok = await page.waitForFunction((name) => [...document.querySelectorAll('#hearth-devices tbody tr')]
      .some((tr) => tr.getAttribute('data-device') === name), d, { timeout }).then(() => true, () => false);
    check(ok, `device ${d} has a row`);
  }

  const sinks = await page.$$eval('#hearth-sinks tbody tr', (trs) => trs.map((tr) => ({
    id: tr.getAttribute('data-sink'), backlog: tr.children[2] && tr.children[2].textContent })));
  check(sinks.some((s) => s.id === 'webconsole') && sinks.every((s) => /^\d+$/.test(s.backlog)),
    'sinks are listed with their backlog', sinks.map((s) => `${s.id}=${s.backlog}`).join(', '));

  // The chart: points are drawn, then more are drawn as readings arrive (no reload).
  const chart = () => page.$eval('#hearth-chart', (c) => ({ points: Number(c.dataset.points), seq: Number(c.dataset.seq) }));
  await page.waitForFunction(() => Number(document.querySelector('#hearth-chart').dataset.points) > 0);
  const first = await chart();
  const grew = await page.waitForFunction((f) => {
    const c = document.querySelector('#hearth-chart');
    return Number(c.dataset.seq) > f.seq && Number(c.dataset.points) > f.points;
  }, first, { timeout }).then(() => true, () => false);
  const second = await chart();
  check(first.points > 0 && grew, 'the chart draws readings and grows as they arrive',
    `points ${first.points} -> ${second.points}, seq ${first.seq} -> ${second.seq}`);
  const painted = await page.$eval('#hearth-chart', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let coloured = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && !(d[i] === d[i + 1] && d[i + 1] === d[i + 2])) coloured++;
    return coloured;
  });
  check(painted > 50, 'the canvas has coloured lines on it', `${painted} coloured pixels`);

  if (hostile) {
    const ok = await page.waitForFunction((name) => [...document.querySelectorAll('#hearth-devices tbody tr')]
      .some((tr) => tr.getAttribute('data-device') === name && tr.children[0].textContent === name), hostile, { timeout })
      .then(() => true, () => false);
    check(ok, 'a device id full of markup is shown as text');
    const options = await page.$$eval('#hearth-series option', (os) => os.map((o) => o.textContent));
    const mine = options.find((t) => t.startsWith(hostile + ' '));
    check(mine !== undefined, 'and its series is offered in the series list as text');
    if (mine !== undefined) { // the single-series view of it: a legend entry, as text
      await page.selectOption('#hearth-series', { label: mine });
      const legend = await page.$$eval('#hearth-legend li', (lis) => lis.map((li) => li.textContent));
      check(legend.length === 1 && legend[0].startsWith(hostile + ' '), 'and the single chart of it is labelled as text', legend.join());
      await page.selectOption('#hearth-series', { value: '' });
    }
    const injected = await page.evaluate(() => ({ xss: window.__hearthXss, imgs: document.querySelectorAll('#hearth img, #hearth script:not([src])').length }));
    check(injected.xss === undefined && injected.imgs === 0, 'and nothing in it ran or became an element', JSON.stringify(injected));
  }

  if (process.env.HEARTH_RESTART_CMD) {
    const before = await page.$eval('#hearth-chart', (c) => c.dataset.epoch);
    restarting = true;
    execSync(process.env.HEARTH_RESTART_CMD, { stdio: 'inherit', shell: '/bin/sh', timeout: 60000 });
    const fresh = await page.waitForFunction((e) => {
      const c = document.querySelector('#hearth-chart');
      return c.dataset.epoch && c.dataset.epoch !== e && Number(c.dataset.points) > 0;
    }, before, { timeout }).then(() => true, () => false);
    restarting = false;
    const a = await chart();
    const again = fresh && await page.waitForFunction((f) => {
      const c = document.querySelector('#hearth-chart');
      return Number(c.dataset.seq) > f.seq && Number(c.dataset.points) > f.points;
    }, a, { timeout }).then(() => true, () => false);
    const b = await chart();
    check(fresh && again, 'after the bundle restarts the open page starts its chart afresh and it grows again',
      `points ${a.points} -> ${b.points}, seq ${a.seq} -> ${b.seq}`);
    const rowsAfter = await page.$$eval('#hearth-devices tbody tr', (trs) => trs.length);
    check(rowsAfter > 0 && await page.$eval('#hearth', (r) => !r.hasAttribute('data-error')), 'and its tables are filled again');
  }

  mkdirSync(dirname(shot), { recursive: true });
  await page.screenshot({ path: shot, fullPage: true });
  console.log('screenshot ' + shot);
} finally {
  await browser.close();
}
check(offsite.length === 0, 'nothing is fetched from anywhere but the gateway', offsite.join(' '));
check(errors.length === 0, 'no script errors', errors.join(' | '));
console.log(failed ? `${failed} check(s) failed` : 'all checks passed');
process.exit(failed ? 1 : 0);
