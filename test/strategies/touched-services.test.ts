/**
 * A strategy names every ECS service its rollout touches, and the engine reads, checks and locks all of them before
 * anything changes, not only the target's own service. Here a test-only canary strategy touches the stable
 * service and the canary service of examples/canary, in the sandbox account.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { AwsPorts } from '../../src/aws/ports.js';
import { applyPlan } from '../../src/engine/apply.js';
import { LOCK_TAG, parseLock } from '../../src/engine/lock.js';
import { EcsDeployError } from '../../src/errors/index.js';
import { MemorySink } from '../../src/events/types.js';
import { readLiveState } from '../../src/live/read-live-state.js';
import { loadManifest } from '../../src/manifest/index.js';
import { buildPlan } from '../../src/plan/build.js';
import { builtInStrategies } from '../../src/strategies/select.js';
import type { DeployStrategy, TouchedResource } from '../../src/strategies/types.js';
import { isoTime } from '../../src/util/clock.js';
import { startInProcessSandbox } from '../_helpers/sandbox.js';

const CANARY = resolve(__dirname, '../../examples/canary');
const CLUSTER = 'shop';
const STABLE = 'shop-web';
const CANARY_SERVICE = 'shop-web-canary';

const load = (tag: string) => loadManifest({ file: 'ecsdeploy.yaml', cwd: CANARY, env: { IMAGE_TAG: tag } });

/** The lock tag value on each of the two services, by service name. */
async function lockTags(ports: AwsPorts): Promise<Record<string, string | undefined>> {
  const out = await ports.ecs.describeServices({ cluster: CLUSTER, services: [STABLE, CANARY_SERVICE], include: ['TAGS'] });
  return Object.fromEntries((out.services ?? []).map((s) => [s.serviceName, s.tags?.find((t) => t.key === LOCK_TAG)?.value]));
}

async function setup() {
  const sb = startInProcessSandbox({ manifest: load('1.0.0') });
  const ports = createAwsPorts({
    region: sb.runtime.region,
    env: {},
    requestHandler: sb.runtime.requestHandler,
    credentials: sb.runtime.credentials,
    maxAttempts: 5,
  });
  const manifest = load('1.1.0');
  const plan = buildPlan(manifest, await readLiveState(ports, manifest), { now: isoTime(sb.clock), toolVersion: 'test' });
  expect(plan.services.map((s) => [s.key, s.action])).toEqual([['web', 'update']]);

  const seen = { preflight: [] as (string | undefined)[], locksDuringDeploy: {} as Record<string, string | undefined>, deployed: 0 };
  // Touches the stable service (the target's own) and the canary service; deploys nothing itself.
  const twoServices: DeployStrategy = {
    type: 'canary',
    resources: (target): TouchedResource[] => [
      { kind: 'ecs-service', cluster: target.cluster, service: target.service, role: 'stable' },
      { kind: 'ecs-service', cluster: target.cluster, service: CANARY_SERVICE, role: 'canary' },
      { kind: 'target-group', targetGroup: 'shop-web-canary' },
    ],
    preflight: (target, services) => {
      seen.preflight = [
        services.find(target.cluster, target.service)?.serviceName,
        services.find(target.cluster, CANARY_SERVICE)?.serviceName,
      ];
      return [];
    },
    deploy: async (target) => {
      seen.deployed += 1;
      seen.locksDuringDeploy = await lockTags(ports);
      return { outcome: 'succeeded', taskDefinitionArn: target.taskDefinitionArn };
    },
  };
  const apply = () =>
    applyPlan(
      plan,
      {
        ports,
        sink: new MemorySink(),
        clock: sb.clock,
        signal: new AbortController().signal,
        strategies: (config) => (config.type === 'canary' ? twoServices : builtInStrategies(config)),
      },
      { concurrency: 1, dryRun: false, force: false, onInterrupt: 'rollback', runId: 'run-1' },
    );
  return { sb, ports, seen, apply };
}

describe('services a strategy touches', () => {
  it('are read for preflight, locked for the run and released after it: the canary service as well as the stable one', async () => {
    const { ports, seen, apply } = await setup();
    const result = await apply();
    expect(result.outcome).toBe('succeeded');
    expect(seen.preflight).toEqual([STABLE, CANARY_SERVICE]);
    expect(Object.keys(seen.locksDuringDeploy).sort()).toEqual([CANARY_SERVICE, STABLE].sort());
    for (const value of Object.values(seen.locksDuringDeploy)) expect(value && parseLock(value)?.runId).toBe('run-1');
    expect(await lockTags(ports)).toEqual({ [STABLE]: undefined, [CANARY_SERVICE]: undefined });
  });

  it('refuse the run when the canary service is held by another run, before anything changes', async () => {
    const { sb, ports, seen, apply } = await setup();
    const canary = (await ports.ecs.describeServices({ cluster: CLUSTER, services: [CANARY_SERVICE] })).services?.[0];
    const expires = Math.ceil(sb.clock.now() / 1000) + 3600;
    await ports.ecs.tagResource({ resourceArn: canary?.serviceArn, tags: [{ key: LOCK_TAG, value: `other-run:${expires}` }] });
    const before = { ...sb.runtime.calls().counts };
    expect(before['ecs.TagResource']).toBe(1);

    const error = await apply().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EcsDeployError);
    expect(error).toMatchObject({ code: 'SERVICE_BUSY' });
    expect((error as Error).message).toContain(`${CANARY_SERVICE} is being deployed by another ecsdeploy run (other-run`);
    expect(seen.deployed).toBe(0);
    // Nothing was written: no lock on the stable service, no revision registered, the other run's lock stands.
    const after = sb.runtime.calls().counts;
    for (const op of ['ecs.TagResource', 'ecs.RegisterTaskDefinition', 'ecs.UpdateService']) expect(after[op] ?? 0).toBe(before[op] ?? 0);
    expect(await lockTags(ports)).toEqual({ [STABLE]: undefined, [CANARY_SERVICE]: `other-run:${expires}` });
  });
});
