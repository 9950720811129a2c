#!/usr/bin/env node
// Counts the AWS calls a gate makes, against the in-process sandbox, from the ports' call counter: per evaluation
// and per canary step, for a gate of 3 alarms and 4 metric checks (2 with a stable baseline) plus minRequests.
// The canary example's world with the new revision at 10 %, held on the sandbox's virtual clock (instant).
//   node bench/gate-calls.mjs [--pause 10m] [--interval 1m]
// The sandbox and the gate are TypeScript, so this bundles a small entry with esbuild first (a second or so).
import { root, withTsEntry } from './ts-entry.mjs';
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const PAUSE = arg('--pause', '10m');
const INTERVAL = arg('--interval', '1m');
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const entry = `
import { holdGate } from './src/gates/runner.ts';
import { planMetricQueries } from './src/gates/metric-queries.ts';
import { resolveGateTargets } from './src/gates/target-groups.ts';
import { resolveGate } from './src/manifest/strategy.ts';
import { parseDuration } from './src/util/duration.ts';
import { canaryWorld, loadCanaryExample } from './test/gates/canary-world.ts';

const q = (metric, stat, targetGroup = 'canary') => ({ metric: 'AWS/ApplicationELB ' + metric, targetGroup, stat });

export async function bench({ root, pause, interval }) {
  const gate = resolveGate({
    interval,
    minRequests: 20,
    alarms: ['shop-web-canary-5xx', 'shop-web-canary-p99-latency', 'shop-web-canary-unhealthy'],
    metrics: [
      { name: 'error-rate', expression: '100 * FILL(errors, 0) / requests',
        queries: { errors: q('HTTPCode_Target_5XX_Count', 'Sum'), requests: q('RequestCount', 'Sum') },
        max: 5, baseline: { maxIncrease: 1 } },
      { name: 'p99-latency', expression: 'latency', queries: { latency: q('TargetResponseTime', 'p99') },
        max: 0.5, baseline: { maxRatio: 1.5 } },
      { name: 'success-rate', expression: '100 * FILL(ok, 0) / requests',
        queries: { ok: q('HTTPCode_Target_2XX_Count', 'Sum'), requests: q('RequestCount', 'Sum') }, min: 95 },
      { name: 'healthy-hosts', expression: 'healthy', queries: { healthy: q('HealthyHostCount', 'Minimum') }, min: 1 },
    ],
  });
  const example = loadCanaryExample(root);
  const service = example.services[0];
  const manifest = { ...example, services: [{ ...service, strategy: { ...service.strategy, gate } }] };
  const world = await canaryWorld({ scenario: 'healthy-canary.yaml', manifest, root });
  await world.shift(10);
  const { ports, sb, strategy } = world;
  const signal = new AbortController().signal;
  const diff = (before) => {
    const after = ports.calls.counts();
    return Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]).filter(([, v]) => v > 0));
  };
  let before = ports.calls.counts();
  const targets = await resolveGateTargets(ports, { canary: strategy.canary.targetGroup, stable: strategy.stable.targetGroup }, [gate], signal);
  const setup = diff(before);
  const queries = planMetricQueries(gate, targets).groups.flat().length;
  before = ports.calls.counts();
  const result = await holdGate(
    { gate, targets, holdMs: parseDuration(pause), service: 'web', step: 1, name: 'canary' },
    { ports, clock: sb.clock, signal, emit: () => {} },
  );
  return { setup, step: diff(before), evaluations: result.evaluations.length, verdict: result.verdict, queries };
}
`;

await withTsEntry(entry, async ({ bench }) => {
  const r = await bench({ root, pause: PAUSE, interval: INTERVAL });
  const n = r.evaluations;
  const fmt = (counts, per = 1) =>
    Object.entries(counts)
      .map(([k, v]) => `${k} ${Number.isInteger(v / per) ? v / per : (v / per).toFixed(2)}`)
      .join(', ');
  const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);
  process.stdout.write(
    'gate: 3 alarms, 4 metric checks (2 with a stable baseline), minRequests 20; canary at 10 % of the canary example\n' +
      `  before the first step (target groups, once): ${fmt(r.setup)}\n` +
      `  GetMetricData queries per evaluation: ${r.queries} (one call holds up to 500)\n` +
      `  per evaluation: ${fmt(r.step, n)} — ${total(r.step) / n} calls\n` +
      `  per step (pause ${PAUSE}, interval ${INTERVAL}): ${n} evaluations, ${fmt(r.step)} — ${total(r.step)} calls; verdict ${r.verdict}\n`,
  );
});
