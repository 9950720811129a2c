#!/usr/bin/env node
// Counts the AWS calls a whole canary makes, running the real CLI and strategy (`ecsdeploy apply`) against the
// in-process sandbox on its virtual clock (instant): the canary example (steps 10/50/100 %, follow-weight, 4 stable
// tasks) with a gate of 3 alarms and 4 metric checks (2 with a stable baseline) plus minRequests, healthy release.
// Prints the calls per gate evaluation and per step (the strategy's own and the gate's), and for the start and the
// promotion. Calls are the ports' logical calls (an SDK retry is not counted twice).
//   node bench/canary-calls.mjs
// The CLI and the sandbox are TypeScript, so this bundles a small entry with esbuild first (a second or so).
import { withTsEntry } from './ts-entry.mjs';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const GATE = `      gate:
        interval: 1m
        failureLimit: 1
        minRequests: 20
        alarms: [shop-web-canary-5xx, shop-web-canary-p99-latency, shop-web-canary-unhealthy]
        metrics:
          - name: error-rate
            expression: 100 * FILL(errors, 0) / requests
            queries:
              errors: { metric: AWS/ApplicationELB HTTPCode_Target_5XX_Count, targetGroup: canary, stat: Sum }
              requests: { metric: AWS/ApplicationELB RequestCount, targetGroup: canary, stat: Sum }
            max: 5
            baseline: { maxIncrease: 1 }
          - name: p99-latency
            expression: latency
            queries:
              latency: { metric: AWS/ApplicationELB TargetResponseTime, targetGroup: canary, stat: p99 }
            max: 0.5
            baseline: { maxRatio: 1.5 }
          - name: success-rate
            expression: 100 * FILL(ok, 0) / requests
            queries:
              ok: { metric: AWS/ApplicationELB HTTPCode_Target_2XX_Count, targetGroup: canary, stat: Sum }
              requests: { metric: AWS/ApplicationELB RequestCount, targetGroup: canary, stat: Sum }
            min: 95
          - name: healthy-hosts
            expression: healthy
            queries:
              healthy: { metric: AWS/ApplicationELB HealthyHostCount, targetGroup: canary, stat: Minimum }
            min: 1
`;

const entry = `
import { Writable } from 'node:stream';
import { createAwsPorts } from './src/aws/clients.ts';
import { run } from './src/cli/main.ts';
import { canaryExample, canaryWorld, ENV } from './test/e2e/canary-world.ts';

export async function bench(gate) {
  const cwd = canaryExample({ gate });
  const world = canaryWorld({ cwd, scenario: 'healthy-canary.yaml' });
  const ports = createAwsPorts(world.sb.awsConfig());
  // Each call is counted in the phase the run is in when it is made, as told by the events it emits (NDJSON).
  const phases = new Map();
  let phase = 'start';
  let steps = 0;
  const count = (name) => {
    const p = phases.get(phase) ?? { calls: {}, evaluations: 0 };
    p.calls[name] = (p.calls[name] ?? 0) + 1;
    phases.set(phase, p);
  };
  for (const service of ['ecs', 'elbv2', 'cloudwatch', 'sns', 'codedeploy', 'events']) {
    for (const [method, fn] of Object.entries(ports[service])) {
      ports[service][method] = (input, options) => {
        count(service + '.' + method[0].toUpperCase() + method.slice(1));
        return fn(input, options);
      };
    }
  }
  let buffer = '';
  const onEvent = (e) => {
    // A step begins with its resize (or, without one, its shift) and ends with its verdict.
    if (e.type === 'service.phase' && ['scaling-canary', 'shifting-traffic'].includes(e.phase) && (phase === 'start' || phase.startsWith('after'))) {
      phase = 'step ' + (steps + 1);
    }
    if (e.type === 'canary.step') {
      steps = e.step;
      phase = 'after step ' + e.step;
    }
    if (e.type === 'service.phase' && e.phase === 'promoting') phase = 'promote (and the end of the run)';
    if (e.type === 'gate.evaluated') phases.get(phase).evaluations += 1;
  };
  const stdout = new Writable({
    write(chunk, _encoding, callback) {
      buffer += chunk.toString();
      let i;
      while ((i = buffer.indexOf('\\n')) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        if (line.trim()) onEvent(JSON.parse(line));
      }
      callback();
    },
  });
  const stderr = new Writable({ write: (_c, _e, cb) => cb() });
  const code = await run(['apply', '--yes', '--format', 'json', '--no-color'], {
    env: ENV, cwd, stdout, stderr, isTTY: false, stdinIsTTY: false, isCI: true,
    clock: world.sb.clock, portsFactory: () => ports,
  });
  return { code, phases: [...phases.entries()] };
}
`;

await withTsEntry(
  entry,
  async ({ bench }) => {
    const r = await bench(GATE);
    const total = (calls) => Object.values(calls).reduce((a, b) => a + b, 0);
    const fmt = (calls) =>
      Object.entries(calls)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
    const gateOps = ['cloudwatch.DescribeAlarms', 'cloudwatch.GetMetricData'];
    const lines = [
      `canary of the example (steps 10/50/100 %, follow-weight over 4 stable tasks), gate: 3 alarms, 4 metric checks (2 with a stable baseline), minRequests 20; apply exit ${r.code}`,
    ];
    for (const [name, p] of r.phases) {
      const gate = Object.fromEntries(Object.entries(p.calls).filter(([k]) => gateOps.includes(k)));
      const own = Object.fromEntries(Object.entries(p.calls).filter(([k]) => !gateOps.includes(k)));
      lines.push(`  ${name}: ${total(p.calls)} calls`);
      if (p.evaluations > 0) {
        lines.push(
          `    gate: ${p.evaluations} evaluations, ${total(gate)} calls (${fmt(gate)}) — ${total(gate) / p.evaluations} per evaluation`,
        );
      }
      lines.push(`    ${p.evaluations > 0 ? 'strategy' : 'calls'}: ${fmt(own)}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  },
  { dirnameOf: 'test/e2e' },
);
