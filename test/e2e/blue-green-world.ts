/**
 * What the blue-green end-to-end tests share: the blue-green example copied to a temp directory (with another
 * strategy block when a test needs one), an in-process sandbox seeded from it, and readers of the state reached:
 * the production and test listeners' weights, the service's PRIMARY task set, the group's deployments.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { AwsPorts } from '../../src/aws/ports.js';
import type { CliContext } from '../../src/cli/context.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { BlueGreenStrategy } from '../../src/model/strategy.js';
import type { Scenario } from '../../src/sandbox/world/index.js';
import { type RecordedPorts, recordCalls } from '../_helpers/recorded-ports.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

const ROOT = resolve(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/blue-green');
const SCENARIOS = join(ROOT, 'examples/scenarios');
export const ENV = { IMAGE_TAG: '2.0.0' };
export const JSON_APPLY = ['apply', '--yes', '--format', 'json'];

const STRATEGY = /^ {4}strategy:\n[\s\S]*?(?=^ {4}timeout:)/m;

/** The blue-green example in a temp directory; `strategy` replaces its block (YAML indented as under the service). */
export function blueGreenExample(o: { strategy?: string; notify?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-bg-'));
  let text = readFileSync(join(EXAMPLE, 'ecsdeploy.yaml'), 'utf8');
  if (o.notify) text = text.replace(/^services:/m, `notify: { sns: ${o.notify} }\nservices:`);
  if (o.strategy) text = text.replace(STRATEGY, `${o.strategy.replace(/\n?$/, '\n')}`);
  writeFileSync(join(dir, 'ecsdeploy.yaml'), text);
  copyFileSync(join(EXAMPLE, 'api.task.json'), join(dir, 'api.task.json'));
  return dir;
}

export interface BlueGreenWorld {
  sb: InProcessSandbox;
  cwd: string;
  strategy: BlueGreenStrategy;
  /** Ports of the test itself (its reads are not the run's). */
  ports: AwsPorts;
  /** A fresh recorder per CLI run: every call the run made, in order; `signal` plays Ctrl-C. */
  record(signal?: AbortSignal): { rec: RecordedPorts; context: Partial<CliContext> };
}

export function blueGreenWorld(o: { cwd?: string; scenario: string | Partial<Scenario> }): BlueGreenWorld {
  const cwd = o.cwd ?? EXAMPLE;
  const manifest = loadManifest({ cwd, env: ENV });
  const strategy = manifest.services[0]?.strategy;
  if (strategy?.type !== 'blue-green') throw new Error('a blue-green manifest');
  const sb = startInProcessSandbox({
    manifest,
    ...(typeof o.scenario === 'string' ? { scenarioFile: join(SCENARIOS, o.scenario) } : { scenario: o.scenario }),
  });
  return {
    sb,
    cwd,
    strategy,
    ports: createAwsPorts(sb.awsConfig()),
    record(signal) {
      const rec = recordCalls(createAwsPorts(sb.awsConfig()));
      return { rec, context: { clock: sb.clock, portsFactory: () => rec.ports, ...(signal ? { signal } : {}) } };
    },
  };
}

/** Target group name → weight of a listener of the group (`prod` or `test`), as DescribeListeners reads it. */
export async function listenerWeights(
  ports: AwsPorts,
  strategy: BlueGreenStrategy,
  which: 'prod' | 'test',
): Promise<Record<string, number>> {
  const group = (
    await ports.codedeploy.getDeploymentGroup({ applicationName: strategy.application, deploymentGroupName: strategy.deploymentGroup })
  ).deploymentGroupInfo;
  const pair = group?.loadBalancerInfo?.targetGroupPairInfoList?.[0];
  const arn = (which === 'prod' ? pair?.prodTrafficRoute : pair?.testTrafficRoute)?.listenerArns?.[0];
  const listener = (await ports.elbv2.describeListeners({ ListenerArns: [arn ?? ''] })).Listeners?.[0];
  const forward = listener?.DefaultActions?.find((a) => a.Type === 'forward');
  const out: Record<string, number> = {};
  for (const t of forward?.ForwardConfig?.TargetGroups ?? []) out[(t.TargetGroupArn ?? '').split('/')[1] ?? '?'] = t.Weight ?? 0;
  return out;
}

/** The revision the service serves production with (its PRIMARY task set's), `family:rev`. */
export async function servingRevision(ports: AwsPorts): Promise<string> {
  const svc = (await ports.ecs.describeServices({ cluster: 'orders', services: ['orders-api'] })).services?.[0];
  const primary = svc?.taskSets?.find((t) => t.status === 'PRIMARY')?.taskDefinition ?? svc?.taskDefinition ?? '';
  return primary.split('/').pop() ?? '';
}

/** The group's deployments, newest first, with their status and description. */
export async function deployments(
  ports: AwsPorts,
  strategy: BlueGreenStrategy,
): Promise<{ id: string; status: string; description?: string }[]> {
  const ids =
    (await ports.codedeploy.listDeployments({ applicationName: strategy.application, deploymentGroupName: strategy.deploymentGroup }))
      .deployments ?? [];
  const out: { id: string; status: string; description?: string }[] = [];
  for (const id of ids) {
    const info = (await ports.codedeploy.getDeployment({ deploymentId: id })).deploymentInfo;
    out.push({ id, status: info?.status ?? '?', ...(info?.description ? { description: info.description } : {}) });
  }
  return out;
}

/** Green's share of production traffic in a BatchGetDeploymentTargets answer (undefined for other calls). */
export function greenWeightIn(output: unknown): number | undefined {
  const target = (
    output as { deploymentTargets?: { ecsTarget?: { taskSetsInfo?: { taskSetLabel?: string; trafficWeight?: number }[] } }[] }
  )?.deploymentTargets?.[0]?.ecsTarget;
  return target?.taskSetsInfo?.find((t) => t.taskSetLabel === 'Green')?.trafficWeight;
}

/** The lifecycle events of a BatchGetDeploymentTargets answer, by name (undefined for other calls). */
export function lifecycleIn(output: unknown): Record<string, string> | undefined {
  const target = (
    output as { deploymentTargets?: { ecsTarget?: { lifecycleEvents?: { lifecycleEventName?: string; status?: string }[] } }[] }
  )?.deploymentTargets?.[0]?.ecsTarget;
  if (!target) return undefined;
  return Object.fromEntries((target.lifecycleEvents ?? []).map((e) => [e.lifecycleEventName ?? '', e.status ?? '']));
}

/** The strategy block of the example, with a linear production shift gated by an alarm and no test-traffic gate. */
export const LINEAR_WITH_PRODUCTION_GATE = `    strategy:
      type: blue-green
      application: orders
      deploymentGroup: orders-api
      deploymentConfig: CodeDeployDefault.ECSLinear10PercentEvery1Minutes
      container: { name: api, port: 8080 }
      productionTrafficGate:
        interval: 1m
        metricDelay: 0s
        alarms: [orders-api-green-5xx]
`;
