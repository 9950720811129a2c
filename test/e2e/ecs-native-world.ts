/**
 * What the ECS-native end-to-end tests share: the ecs-native example (one service per strategy) copied to a temp
 * directory and edited with the YAML library when a test needs another setting, an in-process sandbox seeded from
 * it, and readers of the state reached: the production and test rules' shares, the service's revision, pause hooks
 * and state tags, its service deployments.
 */
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { AwsPorts } from '../../src/aws/ports.js';
import type { CliContext } from '../../src/cli/context.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { EcsNativeStrategy } from '../../src/model/strategy.js';
import { type RecordedPorts, recordCalls } from '../_helpers/recorded-ports.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

const ROOT = resolve(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/ecs-native');
const SCENARIOS = join(ROOT, 'examples/scenarios');
export const ENV = { IMAGE_TAG: '2.0.0' };
const CLUSTER = 'shop';

/** Manifest key → ECS service name in the example. */
export const SERVICES = { 'blue-green': 'shop-web', linear: 'shop-api', canary: 'shop-search' } as const;
export type Key = keyof typeof SERVICES;

/** The example in a temp directory; `edit` changes the parsed document (setIn/deleteIn on services.KEY...). */
export function nativeExample(edit?: (doc: ReturnType<typeof parseDocument>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-native-'));
  for (const f of readdirSync(EXAMPLE)) copyFileSync(join(EXAMPLE, f), join(dir, f));
  if (edit) {
    const doc = parseDocument(readFileSync(join(dir, 'ecsdeploy.yaml'), 'utf8'));
    edit(doc);
    writeFileSync(join(dir, 'ecsdeploy.yaml'), doc.toString());
  }
  return dir;
}

export interface NativeWorld {
  sb: InProcessSandbox;
  cwd: string;
  strategyOf(key: Key): EcsNativeStrategy;
  /** Ports of the test itself (its reads are not the run's). */
  ports: AwsPorts;
  record(): { rec: RecordedPorts; context: Partial<CliContext> };
}

export function nativeWorld(o: { cwd?: string; scenario: string }): NativeWorld {
  const cwd = o.cwd ?? EXAMPLE;
  const manifest = loadManifest({ cwd, env: ENV });
  const sb = startInProcessSandbox({ manifest, scenarioFile: join(SCENARIOS, o.scenario) });
  return {
    sb,
    cwd,
    strategyOf(key) {
      const s = manifest.services.find((x) => x.key === key)?.strategy;
      if (!s || !('alternateTargetGroup' in s)) throw new Error(`${key} is not an ECS-native service`);
      return s;
    },
    ports: createAwsPorts(sb.awsConfig()),
    record() {
      const rec = recordCalls(createAwsPorts(sb.awsConfig()));
      return { rec, context: { clock: sb.clock, portsFactory: () => rec.ports } };
    },
  };
}

/** Target group name → percent of the rule's (or NLB listener's) traffic, as DescribeRules shows it. */
export async function shares(ports: AwsPorts, rule: string): Promise<Record<string, number>> {
  const r = (await ports.elbv2.describeRules({ RuleArns: [rule] })).Rules?.[0];
  const tgs = r?.Actions?.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups ?? [];
  const total = tgs.reduce((s, t) => s + (t.Weight ?? 0), 0);
  return Object.fromEntries(
    tgs.map((t) => [/:targetgroup\/([^/]+)\//.exec(t.TargetGroupArn ?? '')?.[1] ?? '', total ? (100 * (t.Weight ?? 0)) / total : 0]),
  );
}

export interface NativeSnapshot {
  taskDefinition: string;
  /** ecsdeploy's pause hooks still on the service's configuration. */
  pauseHooks: number;
  /** `ecsdeploy:ecs-native:*` tags. */
  stateTags: Record<string, string>;
  currentServiceDeployment: string | undefined;
}

export async function snapshot(ports: AwsPorts, key: Key): Promise<NativeSnapshot> {
  const svc = (await ports.ecs.describeServices({ cluster: CLUSTER, services: [SERVICES[key]], include: ['TAGS'] })).services?.[0];
  return {
    taskDefinition: (svc?.taskDefinition ?? '').split('/').pop() ?? '',
    pauseHooks: (svc?.deploymentConfiguration?.lifecycleHooks ?? []).filter((h) => h.targetType === 'PAUSE').length,
    stateTags: Object.fromEntries(
      (svc?.tags ?? []).filter((t) => t.key?.startsWith('ecsdeploy:ecs-native:')).map((t) => [t.key ?? '', t.value ?? '']),
    ),
    currentServiceDeployment: svc?.currentServiceDeployment,
  };
}

export async function serviceDeployment(ports: AwsPorts, arn: string) {
  return (await ports.ecs.describeServiceDeployments({ serviceDeploymentArns: [arn] })).serviceDeployments?.[0];
}
