/**
 * A run must never be green for a release that never landed. An `apply` is killed right after it started its
 * deployment (its process makes no further call, its lock stays): the CI retry that follows must not print "No
 * changes" and exit 0 while ECS may still roll that deployment back. The real CLI on one in-process sandbox account.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { AwsPorts } from '../../src/aws/ports.js';
import type { CliContext } from '../../src/cli/context.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { Scenario } from '../../src/sandbox/world/index.js';
import { cli, ofType, sandboxContext } from '../_helpers/cli.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

const cwd = resolve(__dirname, '../../examples/rolling');
const env = { IMAGE_TAG: '1.2.3' };
const LOCK = 'ecsdeploy:lock';

/** Ports that stop answering, for good, once `operation` has answered once: a process killed right there. */
function killedAfter(sb: InProcessSandbox, operation: string, killed: () => void): Partial<CliContext> {
  return {
    clock: sb.clock,
    portsFactory: () => {
      const ports = createAwsPorts(sb.awsConfig());
      let dead = false;
      for (const service of ['ecs', 'codedeploy', 'elbv2', 'cloudwatch', 'events', 'sns'] as const) {
        const port = ports[service] as unknown as Record<string, (input: unknown, o?: unknown) => Promise<unknown>>;
        for (const [name, fn] of Object.entries(port)) {
          port[name] = async (input, o) => {
            if (dead) return new Promise(() => {});
            const out = await fn.call(port, input, o);
            if (name === operation) {
              dead = true;
              killed();
            }
            return out;
          };
        }
      }
      return ports;
    },
  };
}

/** The account after an apply that was killed right after UpdateService, and the run id its lock names. */
async function afterKilledApply(scenario: Partial<Scenario>): Promise<{ sb: InProcessSandbox; ports: AwsPorts; deadRun: string }> {
  const sb = startInProcessSandbox({ manifest: loadManifest({ cwd, env: {} }), scenario });
  await new Promise<void>((done) => {
    // Never awaited: the killed process never finishes.
    void cli(['apply', '--yes', '--format', 'json'], { cwd, env, context: killedAfter(sb, 'updateService', done) });
  });
  const ports = createAwsPorts(sb.awsConfig());
  const svc = (await ports.ecs.describeServices({ cluster: 'hello', services: ['hello-web'], include: ['TAGS'] })).services?.[0];
  const deadRun = svc?.tags?.find((t) => t.key === LOCK)?.value?.replace(/:\d+$/, '') as string;
  expect(deadRun).toMatch(/^\d{8}T\d{6}Z-[0-9a-f]{6}$/);
  return { sb, ports, deadRun };
}

async function revision(ports: AwsPorts): Promise<string | undefined> {
  const svc = (await ports.ecs.describeServices({ cluster: 'hello', services: ['hello-web'] })).services?.[0];
  return svc?.taskDefinition?.split('/').at(-1);
}

describe('a rollout left in flight by a run that died', () => {
  it('is in progress for plan (exit 2 with --detailed-exitcode) and refused by apply, naming the deployment, its revision and the run', async () => {
    // The new tasks take 10 minutes to start: the deployment is still in progress when the retry comes.
    const { sb, ports, deadRun } = await afterKilledApply({ images: [{ match: '*:1.2.3', startSeconds: 600 }] });
    const deployment = (await ports.ecs.describeServices({ cluster: 'hello', services: ['hello-web'] })).services?.[0]?.deployments?.find(
      (d) => d.status === 'PRIMARY',
    )?.id as string;

    const plan = await cli(['plan', '--detailed-exitcode'], { cwd, env, context: sandboxContext(sb) });
    expect(plan.code).toBe(2);
    expect(plan.stdout).not.toContain('No changes');
    expect(plan.stdout).toContain(`rollout in progress: ${deployment} (IN_PROGRESS to hello-web:2), started by ecsdeploy run ${deadRun}`);

    const json = await cli(['plan', '--format', 'json'], { cwd, env, context: sandboxContext(sb) });
    expect(JSON.parse(json.stdout).services[0].inFlight).toEqual({
      kind: 'ecs-deployment',
      id: deployment,
      state: 'IN_PROGRESS to hello-web:2',
      taskDefinitionArn: expect.stringMatching(/task-definition\/hello-web:2$/),
      runId: deadRun,
    });

    const apply = await cli(['apply', '--yes'], { cwd, env, context: sandboxContext(sb) });
    expect(apply.code).toBe(1);
    expect(apply.stdout).toBe('');
    expect(apply.stderr).toContain('error [SERVICE_BUSY]: refusing to deploy: a rollout is not decided yet:');
    expect(apply.stderr).toContain(
      `  - web: rollout in progress: ${deployment} (IN_PROGRESS to hello-web:2), started by ecsdeploy run ${deadRun}`,
    );
    expect(apply.stderr).toMatch(/hint: .*`ecsdeploy apply --wait`.*`ecsdeploy unlock --run /);
    expect(apply.stderr).toContain(`ecsdeploy unlock --run ${deadRun}`);
    // Nothing was changed: the retry made no call that writes.
    expect(Object.keys(sb.runtime.calls().counts).filter((k) => !/\.(Describe|List|Get)/.test(k))).toEqual([
      'ecs.TagResource',
      'ecs.RegisterTaskDefinition',
      'ecs.UpdateService',
    ]);
  });

  it('with --wait: follows the rollout to its end; the release landed, so the run has nothing left to do (exit 0)', async () => {
    const { sb, ports } = await afterKilledApply({ images: [{ match: '*:1.2.3', startSeconds: 600 }] });
    const r = await cli(['apply', '--yes', '--wait', '--format', 'json'], { cwd, env, context: sandboxContext(sb) });
    expect(r.code, r.stderr).toBe(0);
    // Two plans: the one that found the rollout in flight, and the one made after it completed.
    const plans = ofType(r.events, 'plan.computed');
    expect(plans.map((p) => Boolean(p.plan.services[0]?.inFlight))).toEqual([true, false]);
    expect(ofType(r.events, 'apply.finished')[0]?.outcome).toBe('no-change');
    expect(await revision(ports)).toBe('hello-web:2');
    expect(sb.runtime.calls().counts['ecs.UpdateService']).toBe(1);
  });

  it('with --wait: a rollout ECS rolls back fails the run (exit 1), and nothing new is deployed', async () => {
    // The new image crashes: the circuit breaker trips and ECS rolls back to the previous revision.
    const { sb, ports } = await afterKilledApply({ images: [{ match: '*:1.2.3', startSeconds: 8, crashOnStart: true, exitCode: 1 }] });
    const r = await cli(['apply', '--yes', '--wait', '--format', 'json'], { cwd, env, context: sandboxContext(sb) });
    expect(r.code).toBe(1);
    const finished = ofType(r.events, 'apply.finished')[0];
    expect(finished?.outcome).toBe('failed');
    expect(finished?.services[0]).toMatchObject({
      key: 'web',
      outcome: 'failed',
      taskDefinitionArn: expect.stringMatching(/hello-web:1$/),
    });
    expect(finished?.services[0]?.reason).toMatch(/^the rollout in flight did not land: deployment ecs-svc\/\d+ failed/);
    expect(await revision(ports)).toBe('hello-web:1');
    expect(sb.runtime.calls().counts['ecs.UpdateService']).toBe(1);
  });
});

describe('a CodeDeploy deployment not final', () => {
  it('is in progress for plan, named with the revision of its replacement task set, and refused by apply', async () => {
    const bgCwd = resolve(__dirname, '../../examples/blue-green');
    const bgEnv = { IMAGE_TAG: '2.0.0' };
    const sb = startInProcessSandbox({ manifest: loadManifest({ cwd: bgCwd, env: bgEnv }) });
    const ports = createAwsPorts(sb.awsConfig());
    const running = (await ports.ecs.describeServices({ cluster: 'orders', services: ['orders-api'] })).services?.[0];
    const td = (await ports.ecs.describeTaskDefinition({ taskDefinition: running?.taskDefinition })).taskDefinition ?? {};
    const green = await ports.ecs.registerTaskDefinition({
      family: td.family,
      cpu: td.cpu,
      memory: td.memory,
      networkMode: td.networkMode,
      requiresCompatibilities: td.requiresCompatibilities,
      containerDefinitions: (td.containerDefinitions ?? []).map((c) => ({ ...c, image: String(c.image).replace(':previous', ':2.0.0') })),
    } as never);
    const appSpec = [
      'version: 0.0',
      'Resources:',
      '  - TargetService:',
      '      Type: AWS::ECS::Service',
      '      Properties:',
      `        TaskDefinition: "${green.taskDefinition?.taskDefinitionArn}"`,
      '        LoadBalancerInfo: { ContainerName: "api", ContainerPort: 8080 }',
    ].join('\n');
    // Someone else's CodeDeploy deployment, still installing the replacement task set.
    const { deploymentId } = await ports.codedeploy.createDeployment({
      applicationName: 'orders',
      deploymentGroupName: 'orders-api',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } },
    });
    await sb.clock.sleep(5_000);

    const plan = await cli(['plan', '--format', 'json', '--detailed-exitcode'], { cwd: bgCwd, env: bgEnv, context: sandboxContext(sb) });
    expect(plan.code).toBe(2);
    const inFlight = JSON.parse(plan.stdout).services[0].inFlight;
    expect(inFlight).toMatchObject({ kind: 'codedeploy', id: deploymentId, taskDefinitionArn: green.taskDefinition?.taskDefinitionArn });
    expect(inFlight.state).toMatch(/^(Created|Queued|InProgress): installing orders-api:2$/);

    const apply = await cli(['apply', '--yes'], { cwd: bgCwd, env: bgEnv, context: sandboxContext(sb) });
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(
      `error [SERVICE_BUSY]: refusing to deploy: a rollout is not decided yet:\n  - api: rollout in progress: CodeDeploy deployment ${deploymentId}`,
    );
  });
});
