/**
 * `ecsdeploy run` from a service's task definition: the service's cluster, launch type and network configuration,
 * the manifest's new revision registered once, and `--live` running the revision the service runs now (nothing
 * registered, the service untouched). The real CLI against one in-process sandbox account.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { CliContext } from '../../src/cli/context.js';
import { cli, ofType, sandboxContext } from '../_helpers/cli.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

const cwd = resolve(__dirname, '../../examples/rolling');
const env = { IMAGE_TAG: '1.2.3' };

/** Sandbox ports that keep every RunTask input. */
function recordingRunTask(sb: InProcessSandbox, inputs: unknown[]): Partial<CliContext> {
  return {
    ...sandboxContext(sb),
    portsFactory: () => {
      const ports = createAwsPorts(sb.awsConfig());
      const runTask = ports.ecs.runTask;
      ports.ecs.runTask = ((input, options) => {
        inputs.push(input);
        return runTask(input, options);
      }) as typeof runTask;
      return ports;
    },
  };
}

describe('ecsdeploy run of a service', () => {
  it('runs in the service’s cluster and subnets with the manifest’s new revision, or with --live the running one', async () => {
    const sb = startInProcessSandbox({ manifest: loadManifest({ cwd, env }) });
    const ecs = createAwsPorts(sb.awsConfig()).ecs;
    const running = (await ecs.describeServices({ cluster: 'hello', services: ['hello-web'] })).services?.[0]?.taskDefinition;

    const inputs: unknown[] = [];
    const r = await cli(['run', 'web', '--format', 'json', '--', 'echo', 'hi'], { cwd, env, context: recordingRunTask(sb, inputs) });
    expect(r.code).toBe(0);
    const registered = ofType(r.events, 'taskdef.registered');
    expect(registered).toHaveLength(1);
    const started = ofType(r.events, 'oneoff.started')[0];
    expect(started?.taskDefinitionArn).toBe(registered[0]?.taskDefinitionArn);
    expect(started?.taskDefinitionArn).not.toBe(running);
    const task = (await ecs.describeTasks({ cluster: 'hello', tasks: [started?.taskArn ?? ''] })).tasks?.[0];
    expect(task?.startedBy).toBe('ecsdeploy');
    expect(task?.launchType).toBe('FARGATE');
    expect(inputs).toEqual([
      expect.objectContaining({
        cluster: 'hello',
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
            securityGroups: ['sg-0a1b2c3d4e5f60001'],
            assignPublicIp: 'DISABLED',
          },
        },
        overrides: { containerOverrides: [{ name: 'web', command: ['echo', 'hi'] }] },
      }),
    ]);

    const live = await cli(['run', 'web', '--live', '--format', 'json'], { cwd, env, context: sandboxContext(sb) });
    expect(live.code).toBe(0);
    expect(ofType(live.events, 'taskdef.registered')).toEqual([]);
    expect(ofType(live.events, 'oneoff.started')[0]?.taskDefinitionArn).toBe(running);
    // The service itself was not touched.
    expect((await ecs.describeServices({ cluster: 'hello', services: ['hello-web'] })).services?.[0]?.taskDefinition).toBe(running);
  });
});
