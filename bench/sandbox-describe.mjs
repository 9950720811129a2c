#!/usr/bin/env node
// Measures an in-process DescribeServices of 10 services, through a real ECSClient and the sandbox's in-process
// request handler, with 1,000 services in the account. Run: `node bench/sandbox-describe.mjs [--calls 500]`.
// The sandbox is TypeScript, so this script bundles a tiny entry with esbuild first (a second or so).
import { withTsEntry } from './ts-entry.mjs';
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CALLS = arg('--calls', 500);
// The SDK's notice about future Node versions is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const SERVICES = arg('--services', 1000);

const entry = `
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';
import { createSandboxRuntime } from './src/sandbox/runtime.ts';

export async function bench({ calls, services }) {
  const runtime = createSandboxRuntime({ randomSeed: 1 });
  const { world } = runtime;
  world.dispatch('ecs', 'CreateCluster', { clusterName: 'bench' });
  world.dispatch('ecs', 'RegisterTaskDefinition', {
    family: 'bench',
    containerDefinitions: [{ name: 'app', image: 'example/app:1', memory: 256 }],
  });
  for (let i = 0; i < services; i++) {
    world.dispatch('ecs', 'CreateService', { cluster: 'bench', serviceName: 'svc-' + i, taskDefinition: 'bench', desiredCount: 2 });
  }
  const ecs = new ECSClient({ region: runtime.region, credentials: runtime.credentials, requestHandler: runtime.requestHandler });
  const pick = (k) => Array.from({ length: 10 }, (_, j) => 'svc-' + ((k * 37 + j * 101) % services));
  const measure = async () => {
    for (let k = 0; k < 50; k++) await ecs.send(new DescribeServicesCommand({ cluster: 'bench', services: pick(k) }));
    const times = [];
    for (let k = 0; k < calls; k++) {
      const t0 = process.hrtime.bigint();
      const out = await ecs.send(new DescribeServicesCommand({ cluster: 'bench', services: pick(k) }));
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (out.services.length !== 10) throw new Error('expected 10 services, got ' + out.services.length);
    }
    times.sort((a, b) => a - b);
    const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
    return { median: q(0.5), p95: q(0.95), max: times[times.length - 1] };
  };
  // Right after CreateService every service has a deployment in progress: the world steps all of them.
  const deploying = await measure();
  // Ten simulated minutes later the deployments have completed and the account is at rest.
  await runtime.clock.sleep(600_000);
  const settled = await measure();
  return { deploying, settled };
}
`;

await withTsEntry(entry, async ({ bench }) => {
  const r = await bench({ calls: CALLS, services: SERVICES });
  const line = (label, m) => `  ${label}: median ${m.median.toFixed(2)} ms, p95 ${m.p95.toFixed(2)} ms, max ${m.max.toFixed(2)} ms\n`;
  process.stdout.write(
    `DescribeServices of 10 among ${SERVICES} services, in-process through a real ECSClient, ${CALLS} calls:\n` +
      line('services at rest          ', r.settled) +
      line('every service deploying   ', r.deploying),
  );
});
