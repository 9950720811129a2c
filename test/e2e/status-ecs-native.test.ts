/**
 * `ecsdeploy status` for an ECS-native (ecs-blue-green) service, end to end on the sandbox with the real CLI: during
 * an approval hold it shows the service deployment's stage, green's requested weights, the pause as ecsdeploy's (with
 * the run id) and promote/abort; after a release nothing is in flight. Text and JSON.
 */
import { describe, expect, it } from 'vitest';
import type { ServiceStatusReport } from '../../src/model/status.js';
import { cli, ofType } from '../_helpers/cli.js';
import { ENV, nativeExample, nativeWorld } from './ecs-native-world.js';

const JSON_APPLY = ['apply', '--yes', '--format', 'json'];

describe('status of an ECS-native deployment on the sandbox', () => {
  it('held for approval: stage, weights, ecsdeploy pause with its run id, promote/abort (text and JSON)', async () => {
    const cwd = nativeExample((doc) =>
      doc.setIn(['services', 'blue-green', 'strategy', 'approval'], { at: 'before-production', timeout: '30m' }),
    );
    const world = nativeWorld({ cwd, scenario: 'healthy-canary.yaml' });
    const held = await cli([...JSON_APPLY, '-n', 'blue-green'], { cwd, env: ENV, context: world.record().context });
    expect(held.code).toBe(3);
    const runId = ofType(held.events, 'ecs-native.paused')[0]?.runId as string;
    expect(runId).toBeTruthy();

    const { rec, context } = world.record();
    const json = await cli(['status', '--format', 'json', '-n', 'blue-green'], { cwd, env: ENV, context });
    expect(json.code, json.stderr).toBe(0);
    // One listing and one batched describe for the service.
    expect(rec.count('ListServiceDeployments')).toBe(1);
    expect(rec.count('DescribeServiceDeployments')).toBe(1);
    const [report] = JSON.parse(json.stdout) as ServiceStatusReport[];
    expect(report?.inProgress).toBe(true);
    expect(report?.ecsNative?.deployment).toMatchObject({
      status: 'IN_PROGRESS',
      inFlight: true,
      stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT',
      testWeight: 100,
      productionWeight: 0,
      pause: { ours: true, runId },
    });
    expect(report?.ecsNative?.next).toEqual(['ecsdeploy promote -n blue-green', 'ecsdeploy abort -n blue-green']);

    const text = await cli(['status', '-n', 'blue-green'], { cwd, env: ENV, context: world.record().context });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('service deployment IN_PROGRESS at PRE_PRODUCTION_TRAFFIC_SHIFT');
    expect(text.stdout).toContain("green's requested traffic: test 100%, production 0%");
    expect(text.stdout).toContain(`awaiting action: ecsdeploy's pause (run ${runId})`);
    expect(text.stdout).toContain('next: ecsdeploy promote -n blue-green');
    expect(text.stdout).toContain('next: ecsdeploy abort -n blue-green');
  });

  it('after a successful release: no deployment in flight, no next command', async () => {
    const world = nativeWorld({ scenario: 'healthy-canary.yaml' });
    expect((await cli([...JSON_APPLY, '-n', 'blue-green'], { cwd: world.cwd, env: ENV, context: world.record().context })).code).toBe(0);
    const json = await cli(['status', '--format', 'json', '-n', 'blue-green'], {
      cwd: world.cwd,
      env: ENV,
      context: world.record().context,
    });
    const [report] = JSON.parse(json.stdout) as ServiceStatusReport[];
    expect(report?.inProgress).toBe(false);
    expect(report?.ecsNative?.deployment).toMatchObject({ status: 'SUCCESSFUL', inFlight: false });
    expect(report?.ecsNative?.deployment?.pause).toBeUndefined();
    expect(report?.ecsNative?.next).toBeUndefined();
    const text = await cli(['status', '-n', 'blue-green'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(text.stdout).toContain('service deployment SUCCESSFUL (no deployment in flight)');
    expect(text.stdout).not.toContain('next: ecsdeploy');
  });

  it("someone else's deployment in flight: shown in flight, but no promote/abort offered (not ecsdeploy's to move on)", async () => {
    const world = nativeWorld({ scenario: 'healthy-canary.yaml' });
    const other = (await world.ports.ecs.updateService({ cluster: 'shop', service: 'shop-web', forceNewDeployment: true })).service
      ?.currentServiceDeployment as string;
    const json = await cli(['status', '--format', 'json', '-n', 'blue-green'], {
      cwd: world.cwd,
      env: ENV,
      context: world.record().context,
    });
    const [report] = JSON.parse(json.stdout) as ServiceStatusReport[];
    expect(report?.ecsNative?.deployment).toMatchObject({ arn: other, inFlight: true });
    expect(report?.ecsNative?.deployment?.runId).toBeUndefined();
    expect(report?.ecsNative?.next).toBeUndefined();
  });
});
