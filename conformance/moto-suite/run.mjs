#!/usr/bin/env node
// Runs moto's own boto3 test suite (from moto's source distribution on PyPI) in server mode against the sandbox,
// and compares the outcome with expectations.json: every test passes unless it is listed there with a reason.
//
//   node conformance/moto-suite/run.mjs                 # the whole suite; exit 1 on any surprise
//   node conformance/moto-suite/run.mjs -k alarm        # a subset (pytest -k); listed tests that did not run are fine
//   node conformance/moto-suite/run.mjs --json out.json # also write every test's outcome and unserved operations
//   node conformance/moto-suite/run.mjs --moto-only     # the baseline: the same suite against moto's own server
//   node conformance/moto-suite/run.mjs -k name --tb short  # pytest's tracebacks of the failures
//
// Steps: a venv under .cache with requirements.txt (system packages visible, so CI's moto install is reused when it
// matches the pins); `pip download` of moto's sdist at the pinned version; its tests/ for the services under test;
// a moto server and the routing front (front.ts: sandbox + router, bundled with esbuild) on loopback; pytest with
// TEST_SERVER_MODE=true pointed at the front; a per-file table of the results.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cache = join(here, '.cache');
const expectations = JSON.parse(readFileSync(join(here, 'expectations.json'), 'utf8'));
const MOTO_VERSION = expectations.moto;

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const keyword = option('-k');
const jsonOut = option('--json');
const traceback = option('--tb') ?? 'no';
const onlyFiles = option('--files')?.split(',');
const files = onlyFiles ?? expectations.files;
const motoOnly = args.includes('--moto-only');
const partial = keyword !== undefined || onlyFiles !== undefined || motoOnly;

const log = (line) => process.stderr.write(`moto-suite: ${line}\n`);

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** A venv that sees the system's packages: pip installs only what the pins do not find there. */
function ensureVenv() {
  const venv = join(cache, 'venv');
  const python = join(venv, 'bin', 'python');
  const requirements = readFileSync(join(here, 'requirements.txt'), 'utf8');
  const stamp = join(venv, '.requirements-sha256');
  const digest = createHash('sha256').update(requirements).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) return python;
  rmSync(venv, { recursive: true, force: true });
  log('creating the Python environment (requirements.txt)');
  run('python3', ['-m', 'venv', '--system-site-packages', venv]);
  run(python, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', join(here, 'requirements.txt')]);
  writeFileSync(stamp, digest);
  return python;
}

/** moto's sdist from PyPI, and from it the test files under test plus what they import from tests/. */
function ensureSuite(python) {
  const dir = join(cache, `moto-${MOTO_VERSION}`);
  if (existsSync(join(dir, '.complete'))) return dir;
  const sdists = join(cache, 'sdist');
  log(`downloading moto ${MOTO_VERSION}'s source distribution from PyPI`);
  run(python, [
    '-m',
    'pip',
    'download',
    '--quiet',
    '--disable-pip-version-check',
    '--no-deps',
    '--no-binary',
    ':all:',
    `moto==${MOTO_VERSION}`,
    '-d',
    sdists,
  ]);
  rmSync(dir, { recursive: true, force: true });
  const wanted = ['pyproject.toml', 'setup.cfg', ...expectations.extract].map((p) => `moto-${MOTO_VERSION}/${p}`);
  run('tar', ['-xzf', join(sdists, `moto-${MOTO_VERSION}.tar.gz`), '-C', cache, ...wanted]);
  writeFileSync(join(dir, '.complete'), '');
  return dir;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startMoto(python) {
  const port = await freePort();
  const child = spawn(python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).status < 500) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`moto's server exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`moto's server did not start in 60 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { endpoint, stop: () => child.kill('SIGTERM') };
}

async function loadFront() {
  const outfile = join(cache, 'front.mjs');
  await build({
    entryPoints: [join(here, 'front.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return import(pathToFileURL(outfile).href);
}

function runPytest(python, suite, frontEndpoint, resultsFile) {
  const argv = ['-m', 'pytest', '-p', 'harness_plugin', '-p', 'no:cacheprovider', '-q', '--color=no', '-rN', `--tb=${traceback}`, ...files];
  if (keyword) argv.push('-k', keyword);
  return new Promise((resolve) => {
    const child = spawn(python, argv, {
      cwd: suite,
      stdio: ['ignore', traceback === 'no' ? 'pipe' : 'inherit', 'inherit'],
      env: {
        ...process.env,
        PYTHONPATH: here,
        TEST_SERVER_MODE: 'true',
        TEST_SERVER_MODE_ENDPOINT: frontEndpoint,
        ECSDEPLOY_HARNESS_FRONT: frontEndpoint,
        ECSDEPLOY_HARNESS_RESULTS: resultsFile,
        ECSDEPLOY_HARNESS_TIMEOUTS: JSON.stringify(
          Object.fromEntries(Object.entries(expectations.tests).flatMap(([t, e]) => (e.timeoutSeconds ? [[t, e.timeoutSeconds]] : []))),
        ),
        AWS_ACCESS_KEY_ID: 'testing',
        AWS_SECRET_ACCESS_KEY: 'testing',
        AWS_DEFAULT_REGION: 'us-east-1',
        // A retried 5xx only slows the run; a failure is a failure.
        AWS_RETRY_MODE: 'standard',
        AWS_MAX_ATTEMPTS: '1',
      },
    });
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => resolve({ code, tail: out.trim().split('\n').slice(-1)[0] ?? '' }));
  });
}

const SERVICE_IDS = { ecs: 'ecs', elasticloadbalancing: 'elbv2', monitoring: 'cloudwatch', codedeploy: 'codedeploy' };

/**
 * Each test's outcome, with the operations the sandbox answered UnknownOperationException to, and those of the
 * services it does not serve at all (EC2, ACM, S3...) that moto answered for the test.
 */
function results(resultsFile, calls) {
  const unserved = new Map();
  const elsewhere = new Map();
  const add = (map, test, op) => map.set(test, (map.get(test) ?? new Set()).add(op));
  for (const c of calls) {
    if (!c.test) continue;
    const op = `${SERVICE_IDS[c.service] ?? c.service}:${c.operation}`;
    if (c.to === 'sandbox' && c.errorCode === 'UnknownOperationException') add(unserved, c.test, op);
    if (c.to === 'moto') add(elsewhere, c.test, op);
  }
  const lines = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8').trim().split('\n').filter(Boolean) : [];
  return lines.map((l) => {
    const r = JSON.parse(l);
    return { ...r, unserved: [...(unserved.get(r.test) ?? [])], elsewhere: [...(elsewhere.get(r.test) ?? [])] };
  });
}

/** Compares outcomes with the expectations; returns the surprises. */
function compare(outcomes) {
  const listed = expectations.tests;
  const seen = new Set(outcomes.map((o) => o.test));
  const surprises = [];
  for (const o of outcomes) {
    const entry = listed[o.test];
    if (o.outcome === 'skipped') {
      if (entry) surprises.push(`${o.test}: listed, but moto's suite skipped it (${o.message})`);
      continue;
    }
    if (o.outcome === 'passed' && entry) surprises.push(`${o.test}: passes now; remove it from expectations.json (${entry.category})`);
    if (o.outcome === 'failed' && !entry) {
      const why = o.unserved.length ? `unserved ${o.unserved.join(', ')}` : o.message;
      surprises.push(`${o.test}: FAILED: ${why}`);
    }
    if (o.outcome === 'failed' && entry?.category === 'not-served') {
      // An operation of a service the sandbox serves must have been answered UnknownOperationException; one of a
      // service it does not serve (EC2 state, certificates) must have been made, so the test still depends on it.
      const sandboxService = (op) => Object.values(SERVICE_IDS).includes(op.split(':')[0]);
      const hit = (entry.operations ?? []).some((op) => (sandboxService(op) ? o.unserved : o.elsewhere).includes(op));
      if (!hit) {
        surprises.push(`${o.test}: listed as not-served (${(entry.operations ?? []).join(', ')}) but fails otherwise: ${o.message}`);
      }
    }
  }
  if (!partial) for (const t of Object.keys(listed)) if (!seen.has(t)) surprises.push(`${t}: listed, but no such test ran`);
  return surprises;
}

function table(outcomes) {
  const rows = new Map();
  for (const o of outcomes) {
    const file = o.test.split('::')[0];
    const r = rows.get(file) ?? { tests: 0, passed: 0, notServed: 0, sidesWithSandbox: 0, unclear: 0, skipped: 0, unexpected: 0 };
    r.tests++;
    const entry = expectations.tests[o.test];
    if (o.outcome === 'skipped') r.skipped++;
    else if (o.outcome === 'passed') r.passed++;
    else if (entry?.category === 'not-served') r.notServed++;
    else if (entry?.category === 'aws-sides-with-sandbox') r.sidesWithSandbox++;
    else if (entry?.category === 'unclear') r.unclear++;
    else r.unexpected++;
    rows.set(file, r);
  }
  const head = ['file', 'tests', 'pass', 'not served', 'AWS sides with sandbox', 'unclear', 'skipped by moto', 'unexpected'];
  const lines = [head.join(' | ')];
  const total = { tests: 0, passed: 0, notServed: 0, sidesWithSandbox: 0, unclear: 0, skipped: 0, unexpected: 0 };
  for (const [file, r] of [...rows].sort()) {
    for (const k of Object.keys(total)) total[k] += r[k];
    lines.push([file, r.tests, r.passed, r.notServed, r.sidesWithSandbox, r.unclear, r.skipped, r.unexpected].join(' | '));
  }
  lines.push(['total', ...Object.values(total)].join(' | '));
  return lines.join('\n');
}

async function main() {
  const started = Date.now();
  mkdirSync(cache, { recursive: true });
  const python = ensureVenv();
  const suite = ensureSuite(python);
  const { startFront } = await loadFront();
  const moto = await startMoto(python);
  const front = await startFront({ motoEndpoint: moto.endpoint, motoOnly });
  const resultsFile = join(cache, 'results.jsonl');
  rmSync(resultsFile, { force: true });
  log(`running ${files.length} test files of moto ${MOTO_VERSION} against the sandbox${keyword ? ` (-k ${keyword})` : ''}`);
  let pytest;
  try {
    pytest = await runPytest(python, suite, front.endpoint, resultsFile);
  } finally {
    await front.close();
    moto.stop();
  }
  const outcomes = results(resultsFile, front.calls);
  if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify(outcomes, null, 2)}\n`);
  process.stdout.write(`${table(outcomes)}\n`);
  const surprises = compare(outcomes);
  if (!outcomes.length) surprises.push(`no test ran: pytest said ${pytest.tail}`);
  const seconds = Math.round((Date.now() - started) / 1000);
  if (surprises.length) {
    process.stdout.write(`\n${surprises.length} difference(s) from ${relative(root, join(here, 'expectations.json'))}:\n`);
    for (const s of surprises) process.stdout.write(`  ${s}\n`);
    log(`failed in ${seconds} s`);
    return 1;
  }
  log(`${outcomes.length} tests as expected in ${seconds} s`);
  return 0;
}

process.exitCode = await main().catch((error) => {
  process.stderr.write(`moto-suite: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
});
