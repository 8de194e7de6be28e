#!/usr/bin/env node
// Measures the console with Lighthouse (accessibility and best practices) on the sign-in,
// classes and sync pages, in Debian's Chromium, and the initial JavaScript (gzipped) of the
// build. Starts `homeroom serve --demo` on a temporary SQLite file by itself:
//
//   node scripts/lighthouse.mjs [--bin PATH/TO/homeroom]      (default ../../target/debug/homeroom)
//   HOMEROOM_URL=http://127.0.0.1:8080 HOMEROOM_TOKEN=… node scripts/lighthouse.mjs   (a running server)
//
// Prints a table, writes lighthouse-report/summary.json and one HTML report per page, and exits
// non-zero when a score is under 95 or the initial JavaScript is over 250 kB gzipped.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import lighthouse from 'lighthouse';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const outDir = path.join(root, 'lighthouse-report');
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
const MIN_SCORE = 95;
const MAX_INITIAL_JS_KB = 250;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** Gzipped size of the scripts index.html loads before any route chunk. */
function initialJs() {
  const dist = path.join(root, 'dist');
  const html = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
  const srcs = [...html.matchAll(/<script[^>]+src="([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1]);
  let bytes = 0;
  const files = [];
  for (const src of new Set(srcs)) {
    const body = fs.readFileSync(path.join(dist, src.replace(/^\//, '')));
    const gz = zlib.gzipSync(body).length;
    bytes += gz;
    files.push({ file: src, gzipBytes: gz });
  }
  return { kB: Math.round(bytes / 100) / 10, files }; // kB = 1000 bytes
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts `serve --demo` and resolves with its URL and admin token. */
async function startDemo(bin) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeroom-lighthouse-'));
  const port = await freePort();
  const child = spawn(bin, ['serve', '--demo', '--database-url', `sqlite://${path.join(dir, 'demo.db')}`, '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, HOMEROOM_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const token = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/^Admin token: (\S+)$/m);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`homeroom serve exited with ${code}`)));
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { url, token, stop };
}

async function main() {
  let server;
  if (process.env.HOMEROOM_URL && process.env.HOMEROOM_TOKEN) {
    server = { url: process.env.HOMEROOM_URL, token: process.env.HOMEROOM_TOKEN, stop: async () => {} };
  } else {
    const target = process.env.CARGO_TARGET_DIR ?? path.join(root, '../../target');
    const bin = path.resolve(root, arg('--bin', path.join(target, 'debug/homeroom')));
    if (!fs.existsSync(bin)) throw new Error(`no homeroom binary at ${bin}: build it (cargo build -p homeroom --bin homeroom) or pass --bin`);
    server = await startDemo(bin);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await puppeteer.launch({
    executablePath: chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const results = [];
  try {
    const pages = [
      { name: 'sign-in', path: '/signin', signedIn: false, ready: 'button[type=submit]' },
      { name: 'classes', path: '/classes', signedIn: true, ready: '[data-testid=class-count]' },
      { name: 'sync', path: '/sync', signedIn: true, ready: 'section' },
    ];
    for (const p of pages) {
      const page = await browser.newPage();
      // The session lives in the tab's sessionStorage, as after "Use token".
      await page.goto(`${server.url}/signin`);
      await page.evaluate((t) => (t ? sessionStorage.setItem('homeroom.session', t) : sessionStorage.clear()), p.signedIn ? server.token : null);
      const runner = await lighthouse(
        `${server.url}${p.path}`,
        { output: 'html', onlyCategories: ['accessibility', 'best-practices'], disableStorageReset: true, logLevel: 'error' },
        undefined,
        page,
      );
      const cats = runner.lhr.categories;
      // Audits that count towards a score and did not pass.
      const failed = Object.values(cats)
        .flatMap((c) => c.auditRefs.filter((r) => r.weight > 0).map((r) => runner.lhr.audits[r.id]))
        .filter((a) => a.score !== null && a.score < 1)
        .map((a) => a.id);
      fs.writeFileSync(path.join(outDir, `${p.name}.html`), runner.report);
      results.push({
        page: p.name,
        accessibility: Math.round(cats.accessibility.score * 100),
        bestPractices: Math.round(cats['best-practices'].score * 100),
        failedAudits: failed,
      });
      await page.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const js = initialJs();
  const summary = { lighthouse: results, initialJsGzipKB: js.kB, initialJsFiles: js.files };
  fs.writeFileSync(path.join(outDir, 'summary.json'), JSON.stringify(summary, null, 2));
  console.log('page       accessibility  best-practices  failed audits');
  for (const r of results) {
    console.log(`${r.page.padEnd(10)} ${String(r.accessibility).padStart(13)}  ${String(r.bestPractices).padStart(14)}  ${r.failedAudits.join(', ') || '—'}`);
  }
  console.log(`initial JavaScript: ${js.kB} kB gzipped (${js.files.map((f) => f.file).join(', ')})`);
  const bad = results.some((r) => r.accessibility < MIN_SCORE || r.bestPractices < MIN_SCORE) || js.kB > MAX_INITIAL_JS_KB;
  if (bad) {
    console.error(`below target: scores must be ≥ ${MIN_SCORE}, initial JavaScript ≤ ${MAX_INITIAL_JS_KB} kB gzipped`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
