// What every browser scenario shares: its own Orion server (a fresh SQLite database set up with
// the orion CLI, `orion serve` on a free port), Debian's Chromium driven by playwright-core, a
// screenshot, a time limit, and the clean-up that always runs (server and browser killed,
// temporary folder removed), whether the scenario passed, failed or ran out of time.
//
// Environment (set by tests/browser/CMakeLists.txt):
//   ORION_BIN                 the orion binary under test
//   ORION_SCREENSHOTS         where <scenario>.png goes
//   ORION_BROWSER_TIMEOUT     seconds the whole scenario may take (default 60)
//   ORION_CHROMIUM            the browser (default /usr/bin/chromium)
//   NODE_PATH                 the build folder's node_modules (playwright-core)
'use strict';

const assert = require('node:assert/strict');
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const PLATFORM = 'platform.test';
const PASSWORD = 'correct horse battery staple';

// Chromium as the machine allows it: no sandbox (root), no GPU, no network of its own (this
// machine's network is closed: background requests would fail by the dozen), and every
// *.platform.test name on loopback, so a store's subdomain reaches the test's server.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-proxy-server',
  `--host-resolver-rules=MAP *.${PLATFORM} 127.0.0.1, MAP ${PLATFORM} 127.0.0.1`,
];

function need(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set (run the scenarios through ctest)`);
  }
  return value;
}

// A port nothing listens on right now.
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// One HTTP request to the server (Host header `host`); resolves {status, headers, body}.
function request(port, host, method, target, { body, headers } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path: target, headers: { Host: host, ...headers } },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (data += chunk));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: data }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

class OrionServer {
  constructor(work) {
    this.bin = need('ORION_BIN');
    this.work = work;
    this.db = `sqlite:${path.join(work, 'orion.db')}`;
    this.child = null;
    this.port = 0;
    this.logFile = path.join(work, 'server.log');
  }

  // `orion <args> --db <this database>`, `input` on its standard input; its standard output.
  cli(args, input = '') {
    try {
      return execFileSync(this.bin, [...args, '--db', this.db], {
        input,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
      });
    } catch (error) {
      throw new Error(`orion ${args.join(' ')} failed: ${error.stderr || error.message}`);
    }
  }

  createStore(code, name) {
    this.cli(['store', 'create', '--code', code, '--name', name]);
  }

  // A user with the scenarios' password: `orion user create` reads it on standard input.
  createUser(email, { admin = false, store, role } = {}) {
    const args = ['user', 'create', '--email', email];
    if (admin) args.push('--admin');
    if (store) args.push('--store', store, '--role', role || 'owner');
    this.cli(args, `${PASSWORD}\n`);
  }

  token({ store } = {}) {
    const out = this.cli(['token', 'create', ...(store ? ['--store', store] : ['--admin'])]);
    const match = out.match(/orion_[0-9a-f]{64}/);
    assert.ok(match, `no token in: ${out}`);
    return match[0];
  }

  async start() {
    this.port = await freePort();
    const log = fs.openSync(this.logFile, 'a');
    this.child = spawn(
      this.bin,
      ['serve', '--db', this.db, '--listen', `127.0.0.1:${this.port}`, '--platform-domain', PLATFORM],
      { stdio: ['ignore', log, log] },
    );
    fs.closeSync(log);
    this.child.on('exit', () => (this.child = null));
    // The sanitized debug build takes a while to start: poll /healthz until it answers.
    for (;;) {
      if (!this.child) {
        throw new Error(`orion serve exited at start:\n${this.log()}`);
      }
      try {
        const health = await request(this.port, PLATFORM, 'GET', '/healthz');
        if (health.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
  }

  // Graceful stop (SIGTERM), then SIGKILL if it does not end within ten seconds. Resolves the
  // exit code: 0 for a clean stop (a sanitizer report at exit makes it non-zero).
  async stop() {
    const child = this.child;
    if (!child) return null;
    const ended = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10000);
    const code = await ended;
    clearTimeout(timer);
    return code;
  }

  kill() {
    if (this.child) this.child.kill('SIGKILL');
  }

  log() {
    try {
      return fs.readFileSync(this.logFile, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '(no server log)';
    }
  }

  // URLs: the platform host, a store's subdomain.
  url(target) {
    return `http://${PLATFORM}:${this.port}${target}`;
  }

  storeUrl(code, target) {
    return `http://${code}.${PLATFORM}:${this.port}${target}`;
  }

  // The management API as an admin or store token holder: resolves the parsed JSON body.
  async api(method, target, token, payload) {
    const response = await request(this.port, PLATFORM, method, target, {
      body: payload === undefined ? undefined : JSON.stringify(payload),
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    });
    assert.ok(response.status < 300, `${method} ${target}: ${response.status} ${response.body}`);
    return response.body ? JSON.parse(response.body) : null;
  }
}

// Fills the POST form whose action ends with `action` (inputs found by name attribute), submits
// it, and resolves the response of the page the browser lands on (after redirects).
async function submitForm(page, action, fields) {
  const form = page.locator(`form[method="post"][action$="${action}"]`).first();
  for (const [name, value] of Object.entries(fields)) {
    const field = form.locator(`[name="${name}"]`).first();
    const type = await field.getAttribute('type');
    if (type === 'checkbox') {
      await field.setChecked(Boolean(value));
    } else if ((await field.evaluate((el) => el.tagName)) === 'SELECT') {
      await field.selectOption(String(value));
    } else {
      await field.fill(String(value));
    }
  }
  const [response] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    form.locator('button[type="submit"]').first().click(),
  ]);
  return response;
}

// Signs in at a console's login page ("/admin" or "/store/{code}"); resolves the landing response.
async function signIn(page, server, console, email) {
  const login = await page.goto(server.url(`${console}/login`));
  assert.equal(login.status(), 200, `${console}/login`);
  return submitForm(page, `${console}/login`, { email, password: PASSWORD });
}

// Runs one scenario: `orion migrate`, `setup(server)` (CLI work before the server starts), then
// `body({server, page, shot})` against the running server. Exits 0 on success, 1 on failure or when the time limit passes; the server and
// the browser never outlive it.
function scenario(name, { setup, body }) {
  const seconds = Number(process.env.ORION_BROWSER_TIMEOUT || 60);
  const screenshots = need('ORION_SCREENSHOTS');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `orion-browser-${name}-`));
  const server = new OrionServer(work);
  let context = null;
  let page = null;

  // Last resort, synchronous: Playwright kills its Chromium on exit by itself.
  process.on('exit', () => {
    server.kill();
    fs.rmSync(work, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`${name}: ${signal}`);
      process.exit(1);
    });
  }

  const fail = async (why) => {
    console.error(`${name}: FAILED: ${why}`);
    if (page) {
      const file = path.join(screenshots, `${name}.failed.png`);
      await page.screenshot({ path: file, fullPage: true, timeout: 5000 }).catch(() => {});
      console.error(`${name}: at ${page.url()} (screenshot ${file})`);
    }
    console.error(`${name}: server log:\n${server.log()}`);
    process.exit(1);
  };
  const watchdog = setTimeout(
    () => fail(`did not finish within ${seconds} s (ORION_BROWSER_TIMEOUT)`),
    seconds * 1000,
  );

  (async () => {
    fs.mkdirSync(screenshots, { recursive: true });
    server.cli(['migrate']);
    if (setup) setup(server);
    await server.start();
    context = await chromium.launchPersistentContext(path.join(work, 'chromium-profile'), {
      executablePath: process.env.ORION_CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_ARGS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(15000);
    context.setDefaultNavigationTimeout(20000);
    page = context.pages()[0] || (await context.newPage());
    const shot = async (label = name) => {
      const file = path.join(screenshots, `${label}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    };
    await body({ server, page, context, shot });
    const file = await shot();
    clearTimeout(watchdog);
    await context.close();
    context = null;
    const exit = await server.stop();
    assert.equal(exit, 0, `orion serve did not stop cleanly on SIGTERM:\n${server.log()}`);
    console.log(`${name}: passed (screenshot ${file})`);
  })().catch((error) => fail(error && error.stack ? error.stack : String(error)));
}

module.exports = { PASSWORD, PLATFORM, request, scenario, signIn, submitForm };
