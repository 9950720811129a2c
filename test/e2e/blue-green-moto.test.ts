/**
 * The blue-green strategy's CodeDeploy calls against moto, an AWS emulator no one here wrote: the deployment group
 * the strategy reads (GetDeploymentGroup) gives the facts its checks need (target group pair, test listener, ready
 * wait), CreateDeployment accepts the request the strategy sends (the generated AppSpec with its sha256, the
 * description, the auto-rollback configuration), GetDeployment reads it back as sent, and the in-flight lookup
 * (ListDeployments filtered on the statuses that are not final) finds it. moto 5.2.1 has no BatchGetDeploymentGroups,
 * which ecsdeploy does not call, and writes GetDeployment's times as ISO strings where AWS sends epoch seconds (the
 * JavaScript SDK refuses them), so the deployment is read back with a plain JSON request.
 */
import { CodeDeployClient, CreateApplicationCommand, CreateDeploymentGroupCommand } from '@aws-sdk/client-codedeploy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import { deploymentGroupFacts, deploymentGroupProblems } from '../../src/model/codedeploy-group.js';
import type { BlueGreenStrategy } from '../../src/model/strategy.js';
import { buildAppSpec } from '../../src/strategies/appspec.js';
import { deploymentInFlight, NOT_FINAL } from '../../src/strategies/codedeploy-service.js';
import { type MotoServer, motoAvailable, startMoto } from '../_helpers/moto.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const available = motoAvailable();
const TD = `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/orders-api:2`;

/** GetDeployment as JSON, without the SDK (see above). */
async function getDeploymentJson(moto: MotoServer, deploymentId: string): Promise<Record<string, unknown>> {
  const res = await fetch(moto.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'CodeDeploy_20141006.GetDeployment',
      authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${REGION}/codedeploy/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ deploymentId }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { deploymentInfo: Record<string, unknown> }).deploymentInfo;
}

const STRATEGY = {
  type: 'blue-green',
  application: 'orders',
  deploymentGroup: 'orders-api',
  container: { name: 'api', port: 8080 },
} as BlueGreenStrategy;

async function seedGroup(moto: MotoServer, readyWaitMinutes: number): Promise<void> {
  const cd = new CodeDeployClient({ region: REGION, endpoint: moto.endpoint, credentials });
  await cd.send(new CreateApplicationCommand({ applicationName: 'orders', computePlatform: 'ECS' }));
  await cd.send(
    new CreateDeploymentGroupCommand({
      applicationName: 'orders',
      deploymentGroupName: 'orders-api',
      serviceRoleArn: `arn:aws:iam::${ACCOUNT}:role/CodeDeployECS`,
      deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      ecsServices: [{ clusterName: 'orders', serviceName: 'orders-api' }],
      loadBalancerInfo: {
        targetGroupPairInfoList: [
          {
            targetGroups: [{ name: 'orders-blue' }, { name: 'orders-green' }],
            prodTrafficRoute: { listenerArns: [`arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/orders/1/80`] },
            testTrafficRoute: { listenerArns: [`arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/orders/1/8080`] },
          },
        ],
      },
      blueGreenDeploymentConfiguration: {
        deploymentReadyOption: { actionOnTimeout: 'STOP_DEPLOYMENT', waitTimeInMinutes: readyWaitMinutes },
        terminateBlueInstancesOnDeploymentSuccess: { action: 'TERMINATE', terminationWaitTimeInMinutes: 5 },
      },
    }),
  );
}

describe.skipIf(!available)('blue-green against moto', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it("reads the group's facts, and CreateDeployment accepts the generated AppSpec, read back as sent and found in flight", async () => {
    await moto.reset();
    await seedGroup(moto, 10);
    const ports = createAwsPorts({ region: REGION, endpointUrl: moto.endpoint, env: {}, credentials });
    const signal = new AbortController().signal;

    const info = (await ports.codedeploy.getDeploymentGroup({ applicationName: 'orders', deploymentGroupName: 'orders-api' }, { signal }))
      .deploymentGroupInfo;
    const facts = deploymentGroupFacts(info);
    expect(facts).toMatchObject({
      deploymentType: 'BLUE_GREEN',
      deploymentOption: 'WITH_TRAFFIC_CONTROL',
      targetGroups: ['orders-blue', 'orders-green'],
      testListener: expect.stringContaining('listener/app/orders/1/8080'),
      readyAction: 'STOP_DEPLOYMENT',
      readyWaitMinutes: 10,
    });
    const gated = {
      ...STRATEGY,
      testTrafficGate: { holdMs: 120_000, intervalMs: 30_000, metricDelayMs: 0, alarms: ['orders-green-5xx'], metrics: [] },
    } as unknown as BlueGreenStrategy;
    expect(deploymentGroupProblems(gated, facts)).toEqual([]);
    // A hold the ready wait cannot cover is refused before anything changes.
    const tooLong = { ...gated, testTrafficGate: { ...gated.testTrafficGate, holdMs: 15 * 60_000 } } as BlueGreenStrategy;
    expect(deploymentGroupProblems(tooLong, facts).join('\n')).toMatch(
      /waits 10 minute\(s\) .* not longer than testTrafficGate holds \(15 minute\(s\)\)/,
    );

    expect(await deploymentInFlight(ports, STRATEGY, signal)).toBeUndefined();
    const spec = buildAppSpec({
      taskDefinitionArn: TD,
      container: { name: 'api', port: 8080 },
      platformVersion: '1.4.0',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a', 'subnet-b'], securityGroups: ['sg-1'] } },
      hooks: { AfterAllowTestTraffic: 'orders-smoke-test' },
    });
    const created = await ports.codedeploy.createDeployment(
      {
        applicationName: 'orders',
        deploymentGroupName: 'orders-api',
        revision: { revisionType: 'AppSpecContent', appSpecContent: { content: spec.content, sha256: spec.sha256 } },
        description: 'ecsdeploy run R1: api to orders-api:2; git abc1234',
        autoRollbackConfiguration: {
          enabled: true,
          events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM', 'DEPLOYMENT_STOP_ON_REQUEST'],
        },
      },
      { signal },
    );
    // (moto's ids are UUIDs, not CodeDeploy's d-XXXXXXXXX.)
    expect(created.deploymentId).toEqual(expect.any(String));

    const read = await getDeploymentJson(moto, created.deploymentId as string);
    expect(read).toMatchObject({
      applicationName: 'orders',
      deploymentGroupName: 'orders-api',
      description: 'ecsdeploy run R1: api to orders-api:2; git abc1234',
      deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: spec.content, sha256: spec.sha256 } },
    });
    expect(spec.content).toContain(`TaskDefinition: "${TD}"`);
    // The strategy's in-flight lookup: the group's deployments in a status that is not final.
    const listed = await ports.codedeploy.listDeployments(
      { applicationName: 'orders', deploymentGroupName: 'orders-api', includeOnlyStatuses: [...NOT_FINAL] },
      { signal },
    );
    expect(listed.deployments).toEqual([created.deploymentId]);
    const finished = await ports.codedeploy.listDeployments(
      { applicationName: 'orders', deploymentGroupName: 'orders-api', includeOnlyStatuses: ['Succeeded', 'Failed', 'Stopped'] },
      { signal },
    );
    expect(finished.deployments).toEqual([]);
  });
});
