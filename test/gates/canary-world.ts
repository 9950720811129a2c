/**
 * The canary example's world in the in-process sandbox, set up the way the canary strategy will drive it, through
 * the SDK only: the canary service runs the new revision (image tag 2.0.0), and the listener rule sends it
 * `weight` % of the traffic. Shared by test/gates/sandbox-gate.test.ts and bench/gate-calls.mjs.
 */
import { resolve } from 'node:path';
import type { AwsPorts } from '../../src/aws/ports.js';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { OneOffRunner, OneOffTaskResult, OneOffTaskSpec } from '../../src/gates/types.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { ResolvedManifest } from '../../src/model/manifest.js';
import type { CanaryStrategy } from '../../src/model/strategy.js';
import type { Scenario } from '../../src/sandbox/world/index.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

/** The repository (a bundled bench passes its own: `__dirname` means nothing there). */
function repoRoot(root?: string): string {
  return root ?? resolve(__dirname, '../..');
}

export interface CanaryWorld {
  sb: InProcessSandbox;
  ports: AwsPorts;
  manifest: ResolvedManifest;
  strategy: CanaryStrategy;
  cluster: string;
  /** The new revision, registered and running in the canary service. */
  taskDefinitionArn: string;
  /** Sets the rule's weights: `weight` % to the canary target group, the rest to the stable one. */
  shift(weight: number): Promise<void>;
}

export interface CanaryWorldOptions {
  /** A file under examples/scenarios, or a scenario object. */
  scenario: string | Partial<Scenario>;
  /** Instead of the canary example as shipped (e.g. the example with another gate). */
  manifest?: ResolvedManifest;
  root?: string;
}

/** @public bench/gate-calls.mjs imports it from a bundled entry, which knip cannot see. */
export function loadCanaryExample(root?: string): ResolvedManifest {
  return loadManifest({ cwd: resolve(repoRoot(root), 'examples/canary'), env: { IMAGE_TAG: '2.0.0' } });
}

export async function canaryWorld(options: CanaryWorldOptions): Promise<CanaryWorld> {
  const manifest = options.manifest ?? loadCanaryExample(options.root);
  const service = manifest.services[0];
  if (service?.strategy.type !== 'canary' || !service.strategy.rule) throw new Error('the canary example has a canary rule');
  const strategy = service.strategy;
  const sb = startInProcessSandbox({
    manifest,
    ...(typeof options.scenario === 'string'
      ? { scenarioFile: resolve(repoRoot(options.root), 'examples/scenarios', options.scenario) }
      : { scenario: options.scenario }),
  });
  const ports = createAwsPorts({
    region: sb.runtime.region,
    env: {},
    requestHandler: sb.runtime.requestHandler,
    credentials: sb.runtime.credentials,
    maxAttempts: 8,
  });
  const cluster = service.cluster;

  // The new revision: what runs today (seeded with the `previous` tag), with the release's image.
  const stable = (await ports.ecs.describeServices({ cluster, services: [strategy.stable.service ?? service.service] })).services?.[0];
  const current = (await ports.ecs.describeTaskDefinition({ taskDefinition: stable?.taskDefinition ?? '' })).taskDefinition;
  if (!current) throw new Error('the stable service has a task definition');
  const registered = await ports.ecs.registerTaskDefinition({
    family: current.family,
    networkMode: current.networkMode,
    requiresCompatibilities: current.requiresCompatibilities,
    cpu: current.cpu,
    memory: current.memory,
    executionRoleArn: current.executionRoleArn,
    containerDefinitions: (current.containerDefinitions ?? []).map((c) => ({ ...c, image: c.image?.replace(':previous', ':2.0.0') })),
  });
  const taskDefinitionArn = registered.taskDefinition?.taskDefinitionArn ?? '';
  await ports.ecs.updateService({ cluster, service: strategy.canary.service, taskDefinition: taskDefinitionArn, desiredCount: 1 });
  for (;;) {
    await sb.clock.sleep(15_000);
    const canary = (await ports.ecs.describeServices({ cluster, services: [strategy.canary.service] })).services?.[0];
    const d = canary?.deployments ?? [];
    if (d.length === 1 && d[0]?.rolloutState === 'COMPLETED' && canary?.runningCount === 1) break;
  }

  const groups =
    (await ports.elbv2.describeTargetGroups({ Names: [strategy.stable.targetGroup, strategy.canary.targetGroup] })).TargetGroups ?? [];
  const arnOf = (name: string) => groups.find((g) => g.TargetGroupName === name)?.TargetGroupArn ?? '';
  const rule = strategy.rule as string;
  const shift = async (weight: number) => {
    await ports.elbv2.modifyRule({
      RuleArn: rule,
      Actions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: arnOf(strategy.stable.targetGroup), Weight: 100 - weight },
              { TargetGroupArn: arnOf(strategy.canary.targetGroup), Weight: weight },
            ],
          },
        },
      ],
    });
  };
  return { sb, ports, manifest, strategy, cluster, taskDefinitionArn, shift };
}

/**
 * A small OneOffRunner over the sandbox's RunTask, standing in for the engine's: runs the task definition of the
 * new revision with the spec's command, polls DescribeTasks until STOPPED, stops the task when told to.
 */
export class SandboxOneOffRunner implements OneOffRunner {
  constructor(private readonly world: CanaryWorld) {}

  async run(spec: OneOffTaskSpec, signal: AbortSignal): Promise<OneOffTaskResult> {
    const { ports, sb, cluster, manifest } = this.world;
    const network = manifest.services.find((s) => s.key === spec.taskDefinitionOf)?.settings.networkConfiguration;
    const out = await ports.ecs.runTask(
      {
        cluster,
        taskDefinition: this.world.taskDefinitionArn,
        launchType: 'FARGATE',
        startedBy: 'ecsdeploy-gate',
        ...(network && { networkConfiguration: network as never }),
        overrides: { containerOverrides: [{ name: spec.container ?? 'web', ...(spec.command && { command: spec.command }) }] },
      },
      { signal },
    );
    const taskArn = out.tasks?.[0]?.taskArn;
    if (!taskArn) return { exitCode: undefined, stopReason: out.failures?.[0]?.reason ?? 'RunTask started no task' };
    try {
      for (;;) {
        await sb.clock.sleep(5_000, signal);
        const task = (await ports.ecs.describeTasks({ cluster, tasks: [taskArn] })).tasks?.[0];
        if (task?.lastStatus === 'STOPPED') {
          return { exitCode: task.containers?.[0]?.exitCode, ...(task.stoppedReason && { stopReason: task.stoppedReason }), taskArn };
        }
      }
    } catch (error) {
      await ports.ecs.stopTask({ cluster, task: taskArn, reason: 'ecsdeploy: gate hold ended' });
      throw error;
    }
  }
}
