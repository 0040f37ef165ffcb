#!/usr/bin/env node
// UI benchmark of the autoscaling frontend plugin (`npm run bench` in plugins/autoscaling).
//
// (a) Bundle: builds the demo app for production (`backstage-cli package build` in packages/app),
//     then reports the total JS (raw and gzip), and the chunks that hold the plugin's own code,
//     attributing each chunk's bytes to their sources through the emitted source maps.
// (b) Time to first chart: starts the portal the way e2e/run.mjs does (simulated cluster, backend,
//     dev app on :3000, empty temp data folder), serves the production build beside it on :3001,
//     and measures in Chromium (playwright-core, the e2e launch flags) the time from navigation
//     start to the first visible recharts `.recharts-surface` on checkout-api's Autoscaling tab.
//     Median of N loads, cold (fresh browser context: empty cache) and warm (reload).
//
// Prints tables and writes JSON to artifacts/ui-bench/ (git-ignored).
//
// Flags: --skip-build (reuse artifacts/ui-bench/app-dist), --bundle-only, --browser-only,
//        --runs=N (default 5), --modes=prod,dev (default both).
import { spawn, spawnSync } from 'node:child_process';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, extname, join, normalize, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const pluginDir = join(here, '..');
const root = join(pluginDir, '..', '..');
const appDir = join(root, 'packages', 'app');
const outDir = join(root, 'artifacts', 'ui-bench');
const distCopy = join(outDir, 'app-dist');

const args = process.argv.slice(2);
const flag = name => args.includes(`--${name}`);
const option = (name, fallback) => {
  const hit = args.find(a => a.startsWith(`--${name}=`));
  return hit ? hit.slice(name.length + 3) : fallback;
};
const RUNS = Number(option('runs', '5'));
const MODES = option('modes', 'prod,dev').split(',').filter(Boolean);
const PORTAL_PORTS = [3000, 7007, 6550];
const PROD_PORT = Number(option('prod-port', '3001'));
const PORT_WAIT_MS = Number(process.env.UI_BENCH_PORT_WAIT_MIN ?? 30) * 60_000;
const SERVICE_PATH = '/catalog/default/component/checkout-api/autoscaling';

const out = (...lines) => process.stdout.write(`${lines.join('\n')}\n`);
const kb = bytes => `${(bytes / 1024).toFixed(1)} KiB`;
const median = values => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function table(headers, rows) {
  const cells = [headers, ...rows].map(r => r.map(String));
  const widths = headers.map((_, i) =>
    Math.max(...cells.map(r => r[i].length)),
  );
  const line = r =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ');
  return [
    line(cells[0]),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// (a) Bundle size

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Decodes one source-map segment (base64 VLQ) into its numbers. */
function decodeSegment(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = B64_INDEX.get(char);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/**
 * Splits the generated code of a chunk by original source: each mapping segment owns the
 * generated characters up to the next segment on its line. Returns characters per source path
 * (minified JS is ASCII, so characters are bytes) and the unattributed rest.
 */
function attributeChunk(code, map) {
  const lines = code.split('\n');
  const perSource = new Map();
  let attributed = 0;
  let source = 0;
  const mappingLines = map.mappings.split(';');
  for (let l = 0; l < mappingLines.length && l < lines.length; l++) {
    const segments = mappingLines[l] ? mappingLines[l].split(',') : [];
    let column = 0;
    const decoded = [];
    for (const segment of segments) {
      const v = decodeSegment(segment);
      column += v[0];
      if (v.length >= 4) source += v[1];
      decoded.push({ column, source: v.length >= 4 ? source : -1 });
    }
    for (let i = 0; i < decoded.length; i++) {
      const end =
        i + 1 < decoded.length ? decoded[i + 1].column : lines[l].length;
      const span = Math.max(0, end - decoded[i].column);
      if (decoded[i].source < 0 || span === 0) continue;
      const path = map.sources[decoded[i].source] ?? '?';
      perSource.set(path, (perSource.get(path) ?? 0) + span);
      attributed += span;
    }
  }
  return { perSource, unattributed: code.length - attributed };
}

/** Source groups worth reporting: the plugin's own code and what it pulls in. */
const GROUPS = [
  [
    'plugin (plugins/autoscaling/src)',
    p => /plugins\/autoscaling\/src\//.test(p),
  ],
  ['autoscaling-common', p => /plugins\/autoscaling-common\//.test(p)],
  [
    'recharts + d3',
    p =>
      /node_modules\/(recharts|recharts-scale|react-smooth|victory-vendor|d3-[a-z-]+|internmap|decimal\.js-light)\//.test(
        p,
      ),
  ],
  ['@mui/material 5 + @mui/*', p => /node_modules\/@mui\//.test(p)],
  [
    'react-hook-form',
    p => /node_modules\/(react-hook-form|@hookform)\//.test(p),
  ],
  ['@tanstack/react-query', p => /node_modules\/@tanstack\//.test(p)],
  ['zod', p => /node_modules\/zod\//.test(p)],
];

function buildApp() {
  out(
    '',
    `== Building the app for production (backstage-cli package build in packages/app) ==`,
  );
  const started = Date.now();
  const result = spawnSync('npx', ['backstage-cli', 'package', 'build'], {
    cwd: appDir,
    stdio: 'inherit',
    env: { ...process.env, CI: 'true' },
  });
  if (result.status !== 0)
    throw new Error(`app build failed (exit ${result.status})`);
  const seconds = (Date.now() - started) / 1000;
  // Keep the tree as it was: a dist in packages/app would make the backend serve it on :7007.
  rmSync(distCopy, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  renameSync(join(appDir, 'dist'), distCopy);
  return seconds;
}

function bundleReport(buildSeconds) {
  const staticDir = join(distCopy, 'static');
  if (!existsSync(staticDir))
    throw new Error(`no build at ${distCopy}; run without --skip-build`);
  const files = readdirSync(staticDir).filter(f => f.endsWith('.js'));
  const chunks = files.map(file => {
    const code = readFileSync(join(staticDir, file), 'utf8');
    const raw = Buffer.byteLength(code);
    const gzip = gzipSync(code).length;
    const mapPath = join(staticDir, `${file}.map`);
    const groups = Object.fromEntries(GROUPS.map(([name]) => [name, 0]));
    if (existsSync(mapPath)) {
      const { perSource } = attributeChunk(
        code,
        JSON.parse(readFileSync(mapPath, 'utf8')),
      );
      for (const [path, bytes] of perSource) {
        const group = GROUPS.find(([, test]) => test(path));
        if (group) groups[group[0]] += bytes;
      }
    }
    return { file, raw, gzip, groups };
  });
  const total = {
    files: chunks.length,
    raw: chunks.reduce((s, c) => s + c.raw, 0),
    gzip: chunks.reduce((s, c) => s + c.gzip, 0),
  };
  const pluginKey = GROUPS[0][0];
  const pluginChunks = chunks
    .filter(c => c.groups[pluginKey] > 0)
    .sort((a, b) => b.groups[pluginKey] - a.groups[pluginKey]);
  const groupTotals = Object.fromEntries(
    GROUPS.map(([name]) => [
      name,
      chunks.reduce((s, c) => s + c.groups[name], 0),
    ]),
  );
  const pluginChunkTotals = {
    count: pluginChunks.length,
    raw: pluginChunks.reduce((s, c) => s + c.raw, 0),
    gzip: pluginChunks.reduce((s, c) => s + c.gzip, 0),
  };

  out(
    '',
    `== Production bundle (packages/app, built in ${
      buildSeconds?.toFixed(0) ?? '?'
    } s) ==`,
  );
  out(
    table(
      ['', 'files', 'raw', 'gzip'],
      [
        [
          'all JS (dist/static/*.js)',
          total.files,
          kb(total.raw),
          kb(total.gzip),
        ],
        [
          'chunks holding plugin code',
          pluginChunkTotals.count,
          kb(pluginChunkTotals.raw),
          kb(pluginChunkTotals.gzip),
        ],
      ],
    ),
  );
  out(
    '',
    "Chunks holding the plugin's code (bytes from source maps; minified, before gzip):",
  );
  out(
    table(
      ['chunk', 'raw', 'gzip', 'plugin code', 'recharts+d3', '@mui'],
      pluginChunks.map(c => [
        c.file,
        kb(c.raw),
        kb(c.gzip),
        kb(c.groups[pluginKey]),
        kb(c.groups['recharts + d3']),
        kb(c.groups['@mui/material 5 + @mui/*']),
      ]),
    ),
  );
  const chartChunks = chunks
    .filter(c => c.groups['recharts + d3'] > 0)
    .sort((a, b) => b.groups['recharts + d3'] - a.groups['recharts + d3']);
  out('', "Chunks holding recharts + d3 (the charts' library):");
  out(
    table(
      ['chunk', 'raw', 'gzip', 'recharts+d3'],
      chartChunks.map(c => [
        c.file,
        kb(c.raw),
        kb(c.gzip),
        kb(c.groups['recharts + d3']),
      ]),
    ),
  );
  out(
    '',
    'Bytes by source group across all chunks (minified, before gzip; libraries may be shared with other plugins):',
  );
  out(
    table(
      ['group', 'bytes'],
      Object.entries(groupTotals).map(([k, v]) => [k, kb(v)]),
    ),
  );
  return {
    total,
    pluginChunks: pluginChunkTotals,
    chunks: pluginChunks,
    chartChunks: chartChunks.map(c => ({
      file: c.file,
      raw: c.raw,
      gzip: c.gzip,
      rechartsBytes: c.groups['recharts + d3'],
    })),
    groups: groupTotals,
  };
}

// ---------------------------------------------------------------------------------------------
// (b) Time to first chart

function portInUse(port) {
  const attempt = host =>
    new Promise(resolve => {
      const socket = connect({ port, host });
      socket.setTimeout(1000);
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(false));
    });
  return Promise.all([attempt('127.0.0.1'), attempt('::1')]).then(r =>
    r.some(Boolean),
  );
}

async function waitForFreePorts(ports) {
  const deadline = Date.now() + PORT_WAIT_MS;
  for (;;) {
    const busy = [];
    for (const port of ports) if (await portInUse(port)) busy.push(port);
    if (busy.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`ports ${busy.join(', ')} still in use; giving up`);
    out(
      `[ui-bench] ports ${busy.join(
        ', ',
      )} are in use (another portal?); waiting...`,
    );
    await new Promise(r => setTimeout(r, 30_000));
  }
}

async function waitForUrl(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise(r => setTimeout(r, 2000));
  }
  throw new Error(`timed out waiting for ${url}: ${last}`);
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.map']);

/**
 * Serves the production build like a static host would: gzip for text, hashed assets cached
 * for a year, index.html revalidated, SPA fallback.
 */
function serveDist(dir, port) {
  const gzipped = new Map();
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let file = normalize(join(dir, decodeURIComponent(url.pathname)));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory())
      file = join(dir, 'index.html');
    const hashed = file.includes(`${join(dir, 'static')}`);
    const headers = {
      'content-type': MIME[extname(file)] ?? 'application/octet-stream',
      'cache-control': hashed
        ? 'public, max-age=31536000, immutable'
        : 'no-cache',
      vary: 'accept-encoding',
    };
    if (
      COMPRESSIBLE.has(extname(file)) &&
      /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
    ) {
      if (!gzipped.has(file)) gzipped.set(file, gzipSync(readFileSync(file)));
      res.writeHead(200, { ...headers, 'content-encoding': 'gzip' });
      res.end(gzipped.get(file));
      return;
    }
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve(server));
  });
}

function startPortal(extraEnv) {
  const dataDir = mkdtempSync(join(tmpdir(), 'autoscaling-ui-bench-'));
  const portal = spawn('bash', ['scripts/start.sh'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      AUTOSCALING_DATA_DIR: join(dataDir, 'sqlite'),
      AUTOSCALING_E2E: '1',
      BROWSER: 'none',
      ...extraEnv,
    },
  });
  const stop = () => {
    try {
      process.kill(-portal.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  return { stop, dataDir };
}

/** Records (in the page) when the first chart surface is laid out with a size, at its frame. */
function firstChartProbe(user) {
  window.localStorage.setItem('autoscaling-demo-user', user);
  const observer = new MutationObserver(() => {
    if (window.__firstChartAt !== undefined) return;
    const el = document.querySelector('.recharts-surface');
    if (!el) return;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) {
      window.__firstChartAt = null;
      observer.disconnect();
      requestAnimationFrame(() => {
        window.__firstChartAt = performance.now();
      });
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

async function loadOnce(page, url, timeout) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(
    () => typeof window.__firstChartAt === 'number',
    null,
    {
      timeout,
      polling: 100,
    },
  );
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const scripts = performance
      .getEntriesByType('resource')
      .filter(r => r.initiatorType === 'script' || r.name.endsWith('.js'));
    return {
      firstChartMs: window.__firstChartAt,
      domContentLoadedMs: nav?.domContentLoadedEventEnd ?? null,
      scripts: scripts.length,
      scriptBytes: scripts.reduce((s, r) => s + (r.decodedBodySize || 0), 0),
      scriptTransferBytes: scripts.reduce(
        (s, r) => s + (r.transferSize || 0),
        0,
      ),
    };
  });
}

async function measureMode(browser, name, baseUrl) {
  const url = `${baseUrl}${SERVICE_PATH}`;
  const newPage = async () => {
    const context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
    });
    await context.addInitScript(firstChartProbe, 'bob');
    const page = await context.newPage();
    return { context, page };
  };
  // Warm-up (not counted): the dev server compiles on first request and a fresh data folder
  // has no history until the engine has evaluated the service a few times.
  out(`[ui-bench] ${name}: warm-up load of ${url}`);
  {
    const { context, page } = await newPage();
    await loadOnce(page, url, 900_000);
    await context.close();
  }
  const cold = [];
  for (let i = 0; i < RUNS; i++) {
    const { context, page } = await newPage();
    cold.push(await loadOnce(page, url, 120_000));
    await context.close();
  }
  const warm = [];
  {
    const { context, page } = await newPage();
    await loadOnce(page, url, 120_000);
    for (let i = 0; i < RUNS; i++)
      warm.push(await loadOnce(page, url, 120_000));
    await context.close();
  }
  const summarize = runs => ({
    runs: runs.map(r => Math.round(r.firstChartMs)),
    medianFirstChartMs: Math.round(median(runs.map(r => r.firstChartMs))),
    medianDomContentLoadedMs: Math.round(
      median(runs.map(r => r.domContentLoadedMs ?? 0)),
    ),
    scripts: runs[0].scripts,
    scriptBytes: runs[0].scriptBytes,
    scriptTransferBytes: median(runs.map(r => r.scriptTransferBytes)),
  });
  return { mode: name, url, cold: summarize(cold), warm: summarize(warm) };
}

async function browserReport() {
  const ports = [
    ...PORTAL_PORTS,
    ...(MODES.includes('prod') ? [PROD_PORT] : []),
  ];
  await waitForFreePorts(ports);
  const origins = ['http://localhost:3000', `http://localhost:${PROD_PORT}`];
  const portal = startPortal({
    APP_CONFIG_backend_cors_origin: JSON.stringify(origins),
  });
  process.on('exit', portal.stop);
  let server;
  try {
    if (MODES.includes('prod')) server = await serveDist(distCopy, PROD_PORT);
    await waitForUrl(
      'http://localhost:7007/.backstage/health/v1/readiness',
      900_000,
    );
    if (MODES.includes('dev'))
      await waitForUrl('http://localhost:3000', 900_000);
    const { launchBrowser } = await import(
      pathToFileURL(join(root, 'e2e', 'lib', 'browser.mjs')).href
    );
    const browser = await launchBrowser();
    try {
      const results = [];
      if (MODES.includes('prod')) {
        results.push(
          await measureMode(
            browser,
            'production build',
            `http://localhost:${PROD_PORT}`,
          ),
        );
      }
      if (MODES.includes('dev')) {
        results.push(
          await measureMode(
            browser,
            'dev server (npm run portal)',
            'http://localhost:3000',
          ),
        );
      }
      out(
        '',
        `== Time to first chart on ${SERVICE_PATH} (median of ${RUNS}) ==`,
      );
      out(
        table(
          [
            'app',
            'load',
            'first chart',
            'DOMContentLoaded',
            'JS files',
            'JS decoded',
            'JS transferred',
            'runs (ms)',
          ],
          results.flatMap(r => [
            [
              r.mode,
              'cold',
              `${r.cold.medianFirstChartMs} ms`,
              `${r.cold.medianDomContentLoadedMs} ms`,
              r.cold.scripts,
              kb(r.cold.scriptBytes),
              kb(r.cold.scriptTransferBytes),
              r.cold.runs.join(' '),
            ],
            [
              r.mode,
              'warm',
              `${r.warm.medianFirstChartMs} ms`,
              `${r.warm.medianDomContentLoadedMs} ms`,
              r.warm.scripts,
              kb(r.warm.scriptBytes),
              kb(r.warm.scriptTransferBytes),
              r.warm.runs.join(' '),
            ],
          ]),
        ),
      );
      out(
        'cold: a fresh browser context (empty cache) per load; warm: reloads in one context.',
      );
      return results;
    } finally {
      await browser.close();
    }
  } finally {
    server?.close();
    portal.stop();
    rmSync(portal.dataDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  note: 'shared machine: other builds and tests may run at the same time',
};
out(
  `[ui-bench] ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, node ${machine.node}`,
);

const report = { at: new Date().toISOString(), machine, runs: RUNS };
if (!flag('browser-only')) {
  const buildSeconds = flag('skip-build') ? undefined : buildApp();
  report.bundle = { buildSeconds, ...bundleReport(buildSeconds) };
}
if (!flag('bundle-only')) {
  if (!existsSync(join(distCopy, 'index.html')) && MODES.includes('prod')) {
    throw new Error(
      `no production build at ${relative(
        root,
        distCopy,
      )}; run without --skip-build`,
    );
  }
  report.timeToFirstChart = await browserReport();
}
mkdirSync(outDir, { recursive: true });
const json = JSON.stringify(report, null, 2);
writeFileSync(join(outDir, 'ui-bench.json'), json);
writeFileSync(
  join(outDir, `ui-bench-${report.at.replace(/[:.]/g, '-')}.json`),
  json,
);
out('', `[ui-bench] wrote ${relative(root, join(outDir, 'ui-bench.json'))}`);
process.exit(0);
