// What every browser scenario needs: a real aggregator process on loopback (its own
// data directory, ports chosen by the kernel, the sandbox payment provider, three
// operator keys of different roles), Debian's chromium driven headless by
// playwright-core, screenshots written under the build folder, and bounded waits.
//
// Environment: AGG_BINARY (the aggregator executable, required), AGG_WEB_DIR (the
// web/ folder; default: this repository's), AGG_SCREENSHOT_DIR (default:
// ./screenshots), CHROMIUM (default /usr/bin/chromium).

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));

export const keys = {
  admin: 'web-test-admin-key-0123456789abcdef',
  support: 'web-test-support-key-0123456789abcdef',
  read_only: 'web-test-viewer-key-0123456789abcdef',
};

// Starts the server with `extra` lines appended to its [aggregator] section and
// `sections` appended after it; resolves once it printed its ready line.
export async function start_server({ extra = [], sections = [] } = {}) {
  const binary = process.env.AGG_BINARY;
  if (!binary) throw new Error('AGG_BINARY must name the aggregator executable');
  const web_dir = process.env.AGG_WEB_DIR || path.resolve(here, '../../web');
  const dir = mkdtempSync(path.join(tmpdir(), 'agg-web-'));
  const conf = [
    '[aggregator]',
    `data_dir="${dir}/data"`,
    'ws_bind_address="127.0.0.1"',
    'ws_port=0',
    'http_bind_address="127.0.0.1"',
    'http_port=0',
    `web_dir="${web_dir}"`,
    `api_keys=["ops:admin:${keys.admin}", "desk:support:${keys.support}", "viewer:read_only:${keys.read_only}"]`,
    'payments=["sandbox"]',
    'withdrawal_auto_approve_max=[]',
    ...extra,
    '[payments.sandbox]',
    'kind="sandbox"',
    'secret="web-test-sandbox-secret-0123456789"',
    'delay_ms=100',
    ...sections,
  ].join('\n');
  writeFileSync(path.join(dir, 'aggregator.conf'), conf + '\n');
  const child = spawn(binary, [`--config-file=${dir}/aggregator.conf`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.on('data', (d) => process.stderr.write(d));
  const ready = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('no ready line within 30 s')), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('aggregator ready'));
      if (line) {
        clearTimeout(timer);
        resolve(line);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`aggregator exited with ${code} before it was ready`));
    });
  });
  const ws_port = Number(/players ws:\/\/[^:]+:(\d+)/.exec(ready)[1]);
  const http_port = Number(/operators http:\/\/[^:]+:(\d+)/.exec(ready)[1]);
  return {
    child,
    dir,
    ws_port,
    http_port,
    app_url: `http://127.0.0.1:${ws_port}/app/`,
    console_url: `http://127.0.0.1:${http_port}/console/`,
    // The operator API, for checks made beside the browser.
    async api(method, route, body, key = keys.admin) {
      const res = await fetch(`http://127.0.0.1:${http_port}${route}`, {
        method,
        headers: {
          Authorization: `Bearer ${key}`,
          ...(body ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.on('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// A headless chromium; every page's console errors and failed requests are collected
// so that a scenario can assert there were none.
export async function start_browser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  return browser;
}

export async function new_page(browser, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') page.problems.push(`console error: ${m.text()}`);
  });
  return page;
}

// Screenshots of one scenario go to <AGG_SCREENSHOT_DIR>/<scenario>/<nn>-<name>.png.
export function screenshots(scenario) {
  const dir = path.join(process.env.AGG_SCREENSHOT_DIR || 'screenshots', scenario);
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (page, name) => {
    n += 1;
    const file = path.join(dir, `${String(n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };
}

// Waits until `probe` returns a truthy value (polled every 50 ms) or throws after
// `timeout_ms` with `what` in the message.
export async function eventually(what, probe, timeout_ms = 10_000) {
  const deadline = Date.now() + timeout_ms;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out: ${what} (last: ${last})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`);
}

// Runs one scenario: starts what it needs, runs it, stops everything, and exits
// non-zero with the failure (and any page problems) printed.
export async function run_scenario(name, body) {
  let server;
  let browser;
  try {
    server = await start_server(body.server || {});
    browser = await start_browser();
    await body(server, browser, screenshots(name));
    console.log(`${name}: passed`);
  } catch (e) {
    console.error(`${name}: FAILED: ${e.stack || e}`);
    process.exitCode = 1;
  } finally {
    if (browser) await browser.close();
    if (server) await server.stop();
  }
}
