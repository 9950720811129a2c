#!/usr/bin/env node
/**
 * How `ecsdeploy plan` scales: 200 services over 4 clusters, every AWS call slowed by at least 30 ms.
 *
 *   npm run build && node bench/plan-scale.mjs [--services 200] [--clusters 4] [--latency 30] [--concurrency N] [--cli PATH]
 *
 * Starts moto (an AWS emulator; `pip install 'moto[server]'`), creates the services in it, puts a small proxy in
 * front that holds every request for `--latency` ms (real wall time: a sandbox latency fault would only advance
 * virtual time), then runs the built CLI twice with a fresh cache directory: cold, then warm. Prints wall time,
 * AWS calls by operation, and the minimum possible number of calls (10 services per DescribeServices, one
 * DescribeTaskDefinition per distinct task definition). Exits 1 when an aim is missed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';

const ROOT = resolve(import.meta.dirname, '..');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SERVICES = flag('services', 200);
const CLUSTERS = flag('clusters', 4);
const LATENCY_MS = flag('latency', 30);
const CONCURRENCY = flag('concurrency', undefined);
const cliIndex = args.indexOf('--cli');
/** The CLI to run: the built one unless `--cli PATH` names another entry. */
const CLI = cliIndex >= 0 ? resolve(args[cliIndex + 1]) : join(ROOT, 'bin/ecsdeploy.js');
const AIM_WALL_MS = 2000;
const REGION = 'us-east-1';

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

async function startMoto() {
  if (spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status !== 0) {
    console.error('moto_server is not installed: pip install "moto[server]"');
    process.exit(1);
  }
  const port = await freePort();
  const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      await fetch(`${url}/moto-api/`);
      return { url, stop: () => child.kill('SIGTERM') };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error('moto_server did not start');
}

/** Forwards every request to `target` after holding it `latencyMs`: the round trip to a far AWS region. */
async function startDelayingProxy(target, latencyMs) {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const body = [];
    req.on('data', (c) => body.push(c));
    req.on('end', () => {
      setTimeout(() => {
        const out = request(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        out.on('error', () => {
          res.writeHead(502);
          res.end();
        });
        out.end(Buffer.concat(body));
      }, latencyMs);
    });
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}`, stop: () => server.close() };
}

function serviceName(i) {
  return `svc-${String(i).padStart(3, '0')}`;
}

function taskDefinition(i) {
  return {
    family: `bench-${serviceName(i)}`,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'app',
        image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/${serviceName(i)}:1.0.0`,
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        environment: [{ name: 'SERVICE', value: serviceName(i) }],
      },
    ],
  };
}

function writeManifest(dir) {
  const lines = ['version: 1', `region: ${REGION}`, 'services:'];
  for (let i = 0; i < SERVICES; i++) {
    lines.push(`  ${serviceName(i)}:`);
    lines.push(`    cluster: bench-${i % CLUSTERS}`);
    lines.push(`    taskDefinition: ${JSON.stringify(taskDefinition(i))}`);
    // No network settings: moto checks subnet ids exist, and they do not change what plan reads.
    lines.push('    desiredCount: 1');
  }
  const file = join(dir, 'ecsdeploy.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function seed(motoUrl) {
  const ecs = new ECSClient({ region: REGION, endpoint: motoUrl, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  for (let c = 0; c < CLUSTERS; c++) await ecs.send(new CreateClusterCommand({ clusterName: `bench-${c}` }));
  const work = Array.from({ length: SERVICES }, (_, i) => i);
  const worker = async () => {
    for (let i = work.shift(); i !== undefined; i = work.shift()) {
      const td = await ecs.send(new RegisterTaskDefinitionCommand(taskDefinition(i)));
      await ecs.send(
        new CreateServiceCommand({
          cluster: `bench-${i % CLUSTERS}`,
          serviceName: serviceName(i),
          taskDefinition: td.taskDefinition.taskDefinitionArn,
          desiredCount: 1,
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function runPlan(manifest, endpoint, cacheDir) {
  return new Promise((res, rej) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [CLI, 'plan', '-f', manifest, '--format', 'json', '--verbose', ...(CONCURRENCY ? ['--concurrency', String(CONCURRENCY)] : [])],
      {
        env: {
          PATH: process.env.PATH,
          HOME: cacheDir,
          XDG_CACHE_HOME: cacheDir,
          AWS_ENDPOINT_URL: endpoint,
          AWS_ACCESS_KEY_ID: 'bench',
          AWS_SECRET_ACCESS_KEY: 'bench',
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', rej);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      if (code !== 0) return rej(new Error(`plan exited ${code}: ${stderr}`));
      const plan = JSON.parse(stdout);
      const read = /reading AWS took ([\d.]+) s/.exec(stderr);
      res({ wallMs, readMs: read ? Number(read[1]) * 1000 : undefined, calls: plan.calls ?? {}, summary: plan.summary });
    });
  });
}

/** Wall time of starting the CLI and doing nothing (`--version`): the part of every run that is not plan's. */
function startupMs() {
  const started = performance.now();
  spawnSync(process.execPath, [CLI, '--version'], { stdio: 'ignore' });
  return performance.now() - started;
}

function total(calls) {
  return Object.values(calls).reduce((a, b) => a + b, 0);
}

function printRun(label, r) {
  const read = r.readMs === undefined ? '' : ` (reading AWS ${(r.readMs / 1000).toFixed(2)} s of it)`;
  console.log(`${label}: wall ${(r.wallMs / 1000).toFixed(2)} s${read}, ${total(r.calls)} calls`);
  for (const [op, n] of Object.entries(r.calls)) console.log(`  ${op.padEnd(28)} ${n}`);
}

const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-bench-'));
const moto = await startMoto();
const proxy = await startDelayingProxy(moto.url, LATENCY_MS);
let failed = false;
// Never leave moto running behind an interrupted bench.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    proxy.stop();
    moto.stop();
    process.exit(130);
  });
}
try {
  const manifest = writeManifest(dir);
  const seedStart = performance.now();
  await seed(moto.url);
  console.log(`${SERVICES} services over ${CLUSTERS} clusters created in moto in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
  console.log(`every AWS call held ${LATENCY_MS} ms by the proxy\n`);

  const perCluster = Array.from({ length: CLUSTERS }, (_, c) =>
    Math.ceil(Array.from({ length: SERVICES }).filter((_, i) => i % CLUSTERS === c).length / 10),
  );
  const minDescribeServices = perCluster.reduce((a, b) => a + b, 0);
  const minimum = { 'ECS.DescribeServices': minDescribeServices, 'ECS.DescribeTaskDefinition': SERVICES };
  console.log(`minimum possible: ${total(minimum)} calls (${minDescribeServices} DescribeServices + ${SERVICES} DescribeTaskDefinition)\n`);

  const startup = Math.min(startupMs(), startupMs(), startupMs());
  console.log(`process start alone (node + bundle, --version): ${(startup / 1000).toFixed(2)} s\n`);

  const cacheDir = join(dir, 'cache');
  const cold = await runPlan(manifest, proxy.url, cacheDir);
  printRun('cold cache', cold);
  const warm = await runPlan(manifest, proxy.url, cacheDir);
  printRun('warm cache', warm);
  console.log('');

  const aims = [
    [`cold wall time under ${AIM_WALL_MS / 1000} s`, cold.wallMs < AIM_WALL_MS],
    ['cold calls within 10 % of the minimum', total(cold.calls) <= total(minimum) * 1.1],
    ['warm run makes no DescribeTaskDefinition calls', !warm.calls['ECS.DescribeTaskDefinition']],
    [`plan found ${SERVICES} unchanged services`, cold.summary?.noChange === SERVICES],
  ];
  for (const [aim, ok] of aims) {
    console.log(`${ok ? 'ok  ' : 'MISS'} ${aim}`);
    if (!ok) failed = true;
  }
} finally {
  proxy.stop();
  moto.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
