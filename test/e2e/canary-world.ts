/**
 * What the canary end-to-end tests share: the canary example copied to a temp directory (with other steps or
 * another gate when a test needs them), an in-process sandbox seeded from it, and readers of the state reached
 * (the rule's weights, the stable and canary services, the canary's state tags).
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { AwsPorts } from '../../src/aws/ports.js';
import type { CliContext } from '../../src/cli/context.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { CanaryStrategy } from '../../src/model/strategy.js';
import type { Scenario } from '../../src/sandbox/world/index.js';
import { type RecordedPorts, recordCalls } from '../_helpers/recorded-ports.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

export const ROOT = resolve(__dirname, '../..');
const EXAMPLE = join(ROOT, 'examples/canary');
export const SCENARIOS = join(ROOT, 'examples/scenarios');
export const ENV = { IMAGE_TAG: '2.0.0' };

const STEPS = /^ {6}steps:\n(?: {8}- .*\n)+/m;
const GATE = /^ {6}gate:\n[\s\S]*?(?=^ {4}timeout:)/m;

/**
 * The canary example in a temp directory. `steps` and `gate` replace the example's blocks (YAML indented as
 * under `strategy:`, i.e. starting with `      steps:` / `      gate:`).
 */
export function canaryExample(o: { steps?: string; gate?: string; notify?: string } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-canary-'));
  let text = readFileSync(join(EXAMPLE, 'ecsdeploy.yaml'), 'utf8');
  if (o.notify) text = text.replace(/^services:/m, `notify: { sns: ${o.notify} }\nservices:`);
  if (o.steps) text = text.replace(STEPS, `${o.steps.replace(/\n?$/, '\n')}`);
  if (o.gate) text = text.replace(GATE, `${o.gate.replace(/\n?$/, '\n')}`);
  writeFileSync(join(dir, 'ecsdeploy.yaml'), text);
  copyFileSync(join(EXAMPLE, 'web.task.json'), join(dir, 'web.task.json'));
  return dir;
}

export interface CanaryWorld {
  sb: InProcessSandbox;
  cwd: string;
  strategy: CanaryStrategy;
  /** Ports of the test itself (its reads are not the run's). */
  ports: AwsPorts;
  /** A fresh recorder per CLI run: every call the run made, in order. */
  record(): { rec: RecordedPorts; context: Partial<CliContext> };
}

export function canaryWorld(o: { cwd?: string; scenario: string | Partial<Scenario> }): CanaryWorld {
  const cwd = o.cwd ?? EXAMPLE;
  const manifest = loadManifest({ cwd, env: ENV });
  const strategy = manifest.services[0]?.strategy;
  if (strategy?.type !== 'canary') throw new Error('a canary manifest');
  const sb = startInProcessSandbox({
    manifest,
    ...(typeof o.scenario === 'string' ? { scenarioFile: join(SCENARIOS, o.scenario) } : { scenario: o.scenario }),
  });
  return {
    sb,
    cwd,
    strategy,
    ports: createAwsPorts(sb.awsConfig()),
    record() {
      const rec = recordCalls(createAwsPorts(sb.awsConfig()));
      return { rec, context: { clock: sb.clock, portsFactory: () => rec.ports } };
    },
  };
}

/** The rule's weights, by side, as DescribeRules returns them. */
export async function ruleWeights(ports: AwsPorts, strategy: CanaryStrategy): Promise<{ stable: number; canary: number; sticky: boolean }> {
  const rule = (await ports.elbv2.describeRules({ RuleArns: [strategy.rule ?? ''] })).Rules?.[0];
  const forward = rule?.Actions?.find((a) => a.Type === 'forward');
  const tgs =
    (await ports.elbv2.describeTargetGroups({ Names: [strategy.stable.targetGroup, strategy.canary.targetGroup] })).TargetGroups ?? [];
  const arnOf = (name: string) => tgs.find((t) => t.TargetGroupName === name)?.TargetGroupArn;
  const weight = (name: string) => forward?.ForwardConfig?.TargetGroups?.find((t) => t.TargetGroupArn === arnOf(name))?.Weight ?? 0;
  return {
    stable: weight(strategy.stable.targetGroup),
    canary: weight(strategy.canary.targetGroup),
    sticky: forward?.ForwardConfig?.TargetGroupStickinessConfig?.Enabled === true,
  };
}

export interface ServiceSnapshot {
  desiredCount: number;
  taskDefinition: string;
  /** `ecsdeploy:canary:*` tags only. */
  canaryTags: Record<string, string>;
}

export async function serviceSnapshot(ports: AwsPorts, cluster: string, service: string): Promise<ServiceSnapshot> {
  const svc = (await ports.ecs.describeServices({ cluster, services: [service], include: ['TAGS'] })).services?.[0];
  return {
    desiredCount: svc?.desiredCount ?? -1,
    taskDefinition: (svc?.taskDefinition ?? '').split('/').pop() ?? '',
    canaryTags: Object.fromEntries((svc?.tags ?? []).filter((t) => t.key?.startsWith('ecsdeploy:canary:')).map((t) => [t.key, t.value])),
  };
}

/** The index in `rec.calls` of the first call matching, at or after `from` (-1: none). */
export function indexOf(rec: RecordedPorts, match: (op: string, input: Record<string, unknown>) => boolean, from = 0): number {
  return rec.calls.findIndex((c, i) => i >= from && match(c.op, c.input));
}

/** Weights a ModifyRule call writes: `{ stable, canary }` by position (stable first, as the strategy writes them). */
export function writtenWeights(input: Record<string, unknown>): number[] {
  const actions = (input.Actions ?? input.DefaultActions) as { Type?: string; ForwardConfig?: { TargetGroups?: { Weight?: number }[] } }[];
  return actions.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroups?.map((t) => t.Weight ?? 0) ?? [];
}
