#!/usr/bin/env node
// How soon `apply` notices that ECS finished a deployment: for 1 and 10 rolling services deployed at once on the
// in-process sandbox, the delay between the sandbox's clock marking each deployment COMPLETED (the deployment's
// `updatedAt`) and ecsdeploy reporting it (the `service.progress` event that first shows COMPLETED), and how many
// DescribeServices calls the shared poller made per poll while it waited. A peer that polls every second notices
// within 1 s. Times are simulated (the virtual clock), so the figures do not depend on the machine.
//   node bench/notice-latency.mjs [--services 1,10] [--start-seconds 45]
// The engine and the sandbox are TypeScript, so this bundles a small entry with esbuild first (a second or so).
import { withTsEntry } from './ts-entry.mjs';
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const COUNTS = arg('--services', '1,10').split(',').map(Number);
const START_SECONDS = Number(arg('--start-seconds', '45'));
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const entry = `
import { setMaxListeners } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsPorts } from './src/aws/clients.ts';
import { applyPlan } from './src/engine/apply.ts';
import { MemorySink } from './src/events/types.ts';
import { readLiveState } from './src/live/read-live-state.ts';
import { loadManifest } from './src/manifest/index.ts';
import { buildPlan } from './src/plan/build.ts';
import { createSandboxRuntime } from './src/sandbox/runtime.ts';

const service = (key) => ({
  taskDefinition: {
    family: key, networkMode: 'awsvpc', requiresCompatibilities: ['FARGATE'], cpu: '256', memory: '512',
    containerDefinitions: [{ name: key, image: 'repo/' + key + ':v1', essential: true }],
  },
  images: { [key]: 'repo/' + key + ':\${env:TAG:-v2}' },
  desiredCount: 2,
});

export async function bench({ count, startSeconds }) {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-notice-'));
  try {
    const keys = Array.from({ length: count }, (_, i) => 'svc' + i);
    const doc = {
      version: 1,
      region: 'us-east-1',
      defaults: {
        cluster: 'prod',
        launchType: 'FARGATE',
        networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
        deployment: { minimumHealthyPercent: 100, maximumPercent: 200, circuitBreaker: { enable: true, rollback: true } },
      },
      keepRevisions: 0,
      services: Object.fromEntries(keys.map((k) => [k, service(k)])),
    };
    writeFileSync(join(dir, 'ecsdeploy.yaml'), JSON.stringify(doc));
    const manifest = loadManifest({ cwd: dir, env: {} });
    const sandbox = createSandboxRuntime({
      manifest,
      randomSeed: 1,
      // Each service's new tasks start a little later than the one before, so completions fall anywhere
      // between two polls.
      scenario: { images: keys.map((k, i) => ({ match: '*' + k + ':v2', startSeconds: startSeconds + i * 1.37 })), faults: [] },
    });
    const config = { region: sandbox.region, env: {}, requestHandler: sandbox.requestHandler, credentials: sandbox.credentials, retryClock: sandbox.clock };
    const ports = createAwsPorts(config);
    const admin = createAwsPorts(config);
    const plan = buildPlan(manifest, await readLiveState(admin, manifest), { now: new Date(sandbox.clock.now()).toISOString(), toolVersion: 'bench' });
    // Every DescribeServices the engine makes, with the simulated time it was made at.
    const describes = [];
    const describe = ports.ecs.describeServices;
    ports.ecs.describeServices = (input, o) => {
      describes.push({ at: sandbox.clock.now(), names: input.services.length, tags: Boolean(input.include) });
      return describe(input, o);
    };
    const sink = new MemorySink();
    const started = sandbox.clock.now();
    // As the CLI does: every wait of the run listens on the signal.
    const signal = new AbortController().signal;
    const hardSignal = new AbortController().signal;
    setMaxListeners(0, signal, hardSignal);
    const result = await applyPlan(
      plan,
      { ports, sink, clock: sandbox.clock, signal, hardSignal },
      { concurrency: count, dryRun: false, force: false, onInterrupt: 'rollback', runId: 'bench' },
    );
    if (result.outcome !== 'succeeded') throw new Error('the deploy did not succeed: ' + JSON.stringify(result.services));
    const out = await admin.ecs.describeServices({ cluster: 'prod', services: keys.slice(0, 10) });
    const more = count > 10 ? (await admin.ecs.describeServices({ cluster: 'prod', services: keys.slice(10, 20) })).services : [];
    const completedAt = new Map([...out.services, ...more].map((s) => [s.serviceName, new Date(s.deployments[0].updatedAt).getTime()]));
    const noticed = new Map();
    for (const e of sink.events) {
      if (e.type === 'service.progress' && e.rolloutState === 'COMPLETED' && !noticed.has(e.service)) noticed.set(e.service, Date.parse(e.time));
    }
    const delays = keys.map((k) => noticed.get(k) - completedAt.get(k));
    const firstStart = Math.min(...sink.events.filter((e) => e.type === 'service.started').map((e) => Date.parse(e.time)));
    const lastNotice = Math.max(...noticed.values());
    const polls = describes.filter((d) => !d.tags && d.at > firstStart && d.at <= lastNotice);
    const rounds = new Set(polls.map((d) => d.at)).size;
    return {
      delays,
      polls: polls.length,
      rounds,
      namesPerCall: polls.reduce((a, d) => a + d.names, 0) / Math.max(1, polls.length),
      waitMs: lastNotice - firstStart,
      runMs: sandbox.clock.now() - started,
      lastCompletedMs: Math.max(...completedAt.values()) - started,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
`;

await withTsEntry(
  entry,
  async ({ bench }) => {
    const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
    console.log(
      `rolling deploys on the in-process sandbox; new tasks take ${START_SECONDS} s to start (+1.37 s per further service) (simulated time)`,
    );
    for (const count of COUNTS) {
      const r = await bench({ count, startSeconds: START_SECONDS });
      const sorted = [...r.delays].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      console.log(
        `${String(count).padStart(3)} service${count === 1 ? ' ' : 's'}: noticed ${s(median)} after ECS completed (median; max ${s(sorted.at(-1))})` +
          `; ${r.polls} DescribeServices in ${r.rounds} polls while waiting (${(r.polls / Math.max(1, r.rounds)).toFixed(2)} per poll,` +
          ` ${r.namesPerCall.toFixed(1)} services per call); run ${s(r.runMs)}, last deployment completed at ${s(r.lastCompletedMs)}`,
      );
    }
  },
  { define: { __ECSDEPLOY_VERSION__: '"bench"' } },
);
