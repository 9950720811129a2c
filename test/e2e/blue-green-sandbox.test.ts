/**
 * `ecsdeploy apply` with the blue-green (CodeDeploy) strategy, end to end: the real CLI (in-process `run()`), the
 * real SDK clients, the sandbox's AWS account on its virtual clock, the blue-green example's service, deployment
 * group, listeners and gates. Assertions are on exit codes, NDJSON events, the AWS calls made (and in which order),
 * and the account's state reached: the production and test listeners' weights, the revision the service serves,
 * the CodeDeploy deployment's status.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli, ofType } from '../_helpers/cli.js';
import {
  blueGreenExample,
  blueGreenWorld,
  deployments,
  ENV,
  greenWeightIn,
  JSON_APPLY,
  LINEAR_WITH_PRODUCTION_GATE,
  listenerWeights,
  servingRevision,
} from './blue-green-world.js';

function finished(events: Parameters<typeof ofType>[0]) {
  return ofType(events, 'service.finished')[0];
}

describe('blue-green apply on the sandbox', () => {
  it('deploys a healthy release: test traffic judged in the ready wait, then production, 100 % on the new revision; plan then shows no changes', async () => {
    const world = blueGreenWorld({ scenario: 'healthy-canary.yaml' });
    const { rec, context } = world.record();
    const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(0);
    expect(finished(r.events)).toMatchObject({ outcome: 'succeeded', taskDefinitionArn: expect.stringMatching(/orders-api:2$/) });

    // The deployment: the generated AppSpec, with its hash, and a description naming the run and the manifest.
    const created = rec.callsOf('CreateDeployment')[0] as {
      revision: { appSpecContent: { content: string; sha256: string } };
      description: string;
      deploymentConfigName: string;
    };
    const spec = parse(created.revision.appSpecContent.content);
    expect(spec.Resources[0].TargetService.Properties).toMatchObject({
      TaskDefinition: expect.stringMatching(/task-definition\/orders-api:2$/),
      LoadBalancerInfo: { ContainerName: 'api', ContainerPort: 8080 },
    });
    expect(created.revision.appSpecContent.sha256).toBe(createHash('sha256').update(created.revision.appSpecContent.content).digest('hex'));
    const runId = ofType(r.events, 'apply.started')[0]?.runId;
    expect(created.description).toMatch(
      new RegExp(`^ecsdeploy run ${runId}: api to orders-api:2; (git [0-9a-f]{40}; )?manifest [0-9a-f]{64}$`),
    );
    expect(created.deploymentConfigName).toBe('CodeDeployDefault.ECSAllAtOnce');

    // The test-traffic gate held in the ready wait before production moved; the production gate after it.
    const gates = ofType(r.events, 'gate.finished').map((e) => [e.gate, e.verdict]);
    expect(gates).toEqual([
      ['test-traffic', 'pass'],
      ['production-traffic', 'pass'],
    ]);
    const continued = rec.calls.findIndex((c) => c.op === 'ContinueDeployment' && c.input.deploymentWaitType === 'READY_WAIT');
    const lastGateRead = rec.calls.findLastIndex((c, i) => i < continued && c.op === 'GetMetricData');
    expect(lastGateRead).toBeGreaterThan(rec.calls.findIndex((c) => c.op === 'CreateDeployment'));
    expect(rec.count('StopDeployment')).toBe(0);
    expect(
      ofType(r.events, 'codedeploy.lifecycle')
        .filter((e) => e.status === 'Succeeded')
        .map((e) => e.event),
    ).toEqual(expect.arrayContaining(['Install', 'AllowTestTraffic', 'AllowTraffic', 'AfterAllowTraffic']));

    // Where AWS stands: production and test listeners on green, the service serving the new revision, the deployment done.
    expect(await listenerWeights(world.ports, world.strategy, 'prod')).toEqual({ 'orders-blue': 0, 'orders-green': 100 });
    expect(await servingRevision(world.ports)).toBe('orders-api:2');
    expect((await deployments(world.ports, world.strategy))[0]).toMatchObject({ status: 'Succeeded' });

    const plan = await cli(['plan', '--detailed-exitcode'], { cwd: world.cwd, env: ENV, context: world.record().context });
    expect(plan.stdout).toContain('No changes');
    expect(plan.code).toBe(0);
  });

  it('catches a bad release on test traffic: stopped with rollback before production moved, exit 1 with the evidence', async () => {
    const world = blueGreenWorld({ scenario: 'bad-release.yaml' });
    const { rec, context } = world.record();
    let greenSeen = 0;
    rec.afterCall = (call, output) => {
      if (call.op === 'BatchGetDeploymentTargets') greenSeen = Math.max(greenSeen, greenWeightIn(output) ?? 0);
    };
    const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(1);
    const stopped = ofType(r.events, 'codedeploy.stopped')[0];
    expect(stopped).toMatchObject({ trigger: 'gate', trafficRestored: true, productionWeight: 0 });
    expect(stopped?.reason).toMatch(/^test-traffic gate failed/);
    const names = (stopped?.checks ?? []).map((c) => c.name);
    expect(names).toContain('orders-api-green-5xx');
    expect(finished(r.events)).toMatchObject({ outcome: 'rolled-back', taskDefinitionArn: expect.stringMatching(/orders-api:1$/) });

    // Production never saw it: no ContinueDeployment, green never carried production traffic, stopped with rollback.
    expect(rec.count('ContinueDeployment')).toBe(0);
    expect(greenSeen).toBe(0);
    expect(ofType(r.events, 'traffic.shifted')).toEqual([]);
    expect(rec.callsOf('StopDeployment')).toEqual([{ deploymentId: expect.stringMatching(/^d-/), autoRollbackEnabled: true }]);
    expect(await listenerWeights(world.ports, world.strategy, 'prod')).toEqual({ 'orders-blue': 100, 'orders-green': 0 });
    expect(await listenerWeights(world.ports, world.strategy, 'test')).toEqual({ 'orders-blue': 100, 'orders-green': 0 });
    expect(await servingRevision(world.ports)).toBe('orders-api:1');
    expect((await deployments(world.ports, world.strategy))[0]).toMatchObject({ status: 'Stopped' });
  });

  it('stops a linear production shift when an alarm fires mid-shift: rolled back, production back on blue, exit 1', async () => {
    const cwd = blueGreenExample({ strategy: LINEAR_WITH_PRODUCTION_GATE });
    const world = blueGreenWorld({ cwd, scenario: 'healthy-canary.yaml' });
    const { rec, context } = world.record();
    let fired = false;
    rec.afterCall = (call, output) => {
      if (!fired && call.op === 'BatchGetDeploymentTargets' && (greenWeightIn(output) ?? 0) >= 20) {
        fired = true;
        world.sb.runtime.world.dispatch('cloudwatch', 'SetAlarmState', {
          AlarmName: 'orders-api-green-5xx',
          StateValue: 'ALARM',
          StateReason: 'errors on green',
        });
      }
    };
    const r = await cli(JSON_APPLY, { cwd, env: ENV, context });
    expect(r.code).toBe(1);
    expect(ofType(r.events, 'gate.finished').map((e) => [e.gate, e.verdict])).toEqual([['production-traffic', 'fail']]);
    const stopped = ofType(r.events, 'codedeploy.stopped')[0];
    expect(stopped).toMatchObject({ trigger: 'gate', trafficRestored: true });
    expect(stopped?.productionWeight).toBeGreaterThanOrEqual(20);
    expect(stopped?.productionWeight).toBeLessThan(100);
    expect(stopped?.checks?.map((c) => [c.name, c.outcome])).toEqual([['orders-api-green-5xx', 'fail']]);
    expect(await listenerWeights(world.ports, world.strategy, 'prod')).toEqual({ 'orders-blue': 100, 'orders-green': 0 });
    expect(await servingRevision(world.ports)).toBe('orders-api:1');
  });

  it("reports a deployment CodeDeploy itself stopped on the group's alarm as a failure, with what it said", async () => {
    const cwd = blueGreenExample({
      strategy: `    strategy:
      type: blue-green
      application: orders
      deploymentGroup: orders-api
      deploymentConfig: CodeDeployDefault.ECSLinear10PercentEvery1Minutes
      container: { name: api, port: 8080 }
`,
    });
    const world = blueGreenWorld({ cwd, scenario: 'healthy-canary.yaml' });
    world.sb.runtime.world.dispatch('cloudwatch', 'PutMetricAlarm', {
      AlarmName: 'orders-api-5xx',
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'HTTPCode_Target_5XX_Count',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    await world.ports.codedeploy.getDeploymentGroup({ applicationName: 'orders', deploymentGroupName: 'orders-api' });
    world.sb.runtime.world.dispatch('codedeploy', 'UpdateDeploymentGroup', {
      applicationName: 'orders',
      currentDeploymentGroupName: 'orders-api',
      alarmConfiguration: { enabled: true, alarms: [{ name: 'orders-api-5xx' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'] },
    });
    const { rec, context } = world.record();
    let fired = false;
    rec.afterCall = (call, output) => {
      if (!fired && call.op === 'BatchGetDeploymentTargets' && (greenWeightIn(output) ?? 0) >= 30) {
        fired = true;
        world.sb.runtime.world.dispatch('cloudwatch', 'SetAlarmState', {
          AlarmName: 'orders-api-5xx',
          StateValue: 'ALARM',
          StateReason: 'errors',
        });
      }
    };
    const r = await cli(JSON_APPLY, { cwd, env: ENV, context });
    expect(r.code).toBe(1);
    const stopped = ofType(r.events, 'codedeploy.stopped')[0];
    expect(stopped).toMatchObject({ trigger: 'codedeploy', trafficRestored: true });
    expect(stopped?.reason).toMatch(/Stopped; ALARM_ACTIVE: One or more alarms have been activated/);
    expect(finished(r.events)).toMatchObject({ outcome: 'rolled-back' });
    // ecsdeploy stopped nothing: CodeDeploy did.
    expect(rec.count('StopDeployment')).toBe(0);
    expect(await servingRevision(world.ports)).toBe('orders-api:1');
  });

  it('fails on a Lambda hook that reports Failed, naming the lifecycle event, the function and what it said', async () => {
    const cwd = blueGreenExample({
      strategy: `    strategy:
      type: blue-green
      application: orders
      deploymentGroup: orders-api
      container: { name: api, port: 8080 }
      hooks: { AfterAllowTestTraffic: orders-api-smoke }
`,
    });
    const world = blueGreenWorld({
      cwd,
      scenario: { hooks: [{ match: 'orders-api-smoke', status: 'Failed', seconds: 20, message: 'GET /health answered 503' }] },
    });
    const { rec, context } = world.record();
    const r = await cli(JSON_APPLY, { cwd, env: ENV, context });
    expect(r.code).toBe(1);
    const spec = parse(
      (rec.callsOf('CreateDeployment')[0] as { revision: { appSpecContent: { content: string } } }).revision.appSpecContent.content,
    );
    expect(spec.Hooks).toEqual([{ AfterAllowTestTraffic: 'orders-api-smoke' }]);
    expect(ofType(r.events, 'codedeploy.lifecycle').find((e) => e.status === 'Failed')).toMatchObject({
      event: 'AfterAllowTestTraffic',
      diagnostics: { scriptName: 'orders-api-smoke', errorCode: 'ScriptFailed', message: 'GET /health answered 503' },
    });
    expect(finished(r.events)?.reason).toContain(
      'AfterAllowTestTraffic failed (hook orders-api-smoke: ScriptFailed: GET /health answered 503)',
    );
    expect(await listenerWeights(world.ports, world.strategy, 'prod')).toEqual({ 'orders-blue': 100, 'orders-green': 0 });
  });
});

describe('a network change on a CODE_DEPLOY service', () => {
  it('goes through the AppSpec of a CodeDeploy deployment, never UpdateService; the replacement runs in the new subnets', async () => {
    const cwd = blueGreenExample();
    const world = blueGreenWorld({ cwd, scenario: 'healthy-canary.yaml' });
    // The same release as runs today, in other subnets (changed after the sandbox was seeded from the example).
    const file = join(cwd, 'ecsdeploy.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('subnet-0a1b2c3d4e5f60002]', 'subnet-0a1b2c3d4e5f60003]'));
    const env = { IMAGE_TAG: 'previous' };

    const plan = await cli(['plan', '--detailed-exitcode'], { cwd, env, context: world.record().context });
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain('via the AppSpec (a CodeDeploy deployment): networkConfiguration');
    expect(plan.stdout).not.toContain('new task definition revision');

    const { rec, context } = world.record();
    const r = await cli(JSON_APPLY, { cwd, env, context });
    expect(r.code).toBe(0);
    expect(rec.callsOf('UpdateService').filter((c) => 'networkConfiguration' in (c as object))).toEqual([]);
    const created = rec.callsOf('CreateDeployment')[0] as { revision: { appSpecContent: { content: string } } };
    const props = parse(created.revision.appSpecContent.content).Resources[0].TargetService.Properties;
    expect(props.NetworkConfiguration.AwsvpcConfiguration.Subnets).toEqual(['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60003']);
    const svc = (await world.ports.ecs.describeServices({ cluster: 'orders', services: ['orders-api'] })).services?.[0];
    const primary = svc?.taskSets?.find((t) => t.status === 'PRIMARY');
    expect(primary?.networkConfiguration?.awsvpcConfiguration?.subnets).toEqual(['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60003']);

    const after = await cli(['plan', '--detailed-exitcode'], { cwd, env, context: world.record().context });
    expect(after.stdout).toContain('No changes');
    expect(after.code).toBe(0);
  });
});
