/**
 * The ECS-native blue/green API of the sandbox through the real SDK (wire protocol, dates, error classes):
 * CreateService/UpdateService with `deploymentConfiguration.strategy` and `loadBalancers[].advancedConfiguration`,
 * DescribeServiceDeployments with the lifecycle stage, hook details and requested weights, ContinueServiceDeployment
 * and StopServiceDeployment with their preconditions, DescribeServiceRevisions' resolved target group.
 *
 * Against moto 5.2.1 where it has the shapes: it keeps `loadBalancers` (advancedConfiguration included) as given,
 * and the sandbox answers the same; it drops `deploymentConfiguration` and has none of the service deployment
 * operations, which the last test records so a moto upgrade that adds them is noticed.
 */
import {
  ContinueServiceDeploymentCommand,
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  ECSClient,
  type LoadBalancer,
  RegisterTaskDefinitionCommand,
  StopServiceDeploymentCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, motoAvailable, motoEc2, startMoto, xmlValue } from '../../_helpers/moto.js';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';
import { motoNetwork } from '../conformance/moto-network.js';

const ROLE = 'arn:aws:iam::123456789012:role/ecsInfrastructureRoleForLoadBalancers';

interface Setup {
  ecs: ECSClient;
  loadBalancers: LoadBalancer[];
  taskDefinition: (image: string) => Promise<string>;
}

/** An ALB with a production and a test rule over two target groups, a cluster and a task definition family. */
async function setUp(config: object, subnets: string[], vpcId: string): Promise<Setup> {
  const ecs = new ECSClient({ ...config, maxAttempts: 1 });
  const elb = new ElasticLoadBalancingV2Client({ ...config, maxAttempts: 1 });
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'shop', Subnets: subnets }))).LoadBalancers?.[0]?.LoadBalancerArn;
  const tg = async (name: string) =>
    (await elb.send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 8080, TargetType: 'ip', VpcId: vpcId })))
      .TargetGroups?.[0]?.TargetGroupArn as string;
  const blue = await tg('web-blue');
  const green = await tg('web-green');
  const rule = async (port: number) => {
    const listener = (
      await elb.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb,
          Port: port,
          Protocol: 'HTTP',
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        }),
      )
    ).Listeners?.[0]?.ListenerArn;
    return (
      await elb.send(
        new CreateRuleCommand({
          ListenerArn: listener,
          Priority: 10,
          Conditions: [{ Field: 'path-pattern', Values: ['/*'] }],
          Actions: [
            {
              Type: 'forward',
              ForwardConfig: {
                TargetGroups: [
                  { TargetGroupArn: blue, Weight: 100 },
                  { TargetGroupArn: green, Weight: 0 },
                ],
              },
            },
          ],
        }),
      )
    ).Rules?.[0]?.RuleArn as string;
  };
  const production = await rule(80);
  const test = await rule(8080);
  await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
  return {
    ecs,
    loadBalancers: [
      {
        targetGroupArn: blue,
        containerName: 'app',
        containerPort: 8080,
        advancedConfiguration: {
          alternateTargetGroupArn: green,
          productionListenerRule: production,
          testListenerRule: test,
          roleArn: ROLE,
        },
      },
    ],
    taskDefinition: async (image) =>
      (
        await ecs.send(
          new RegisterTaskDefinitionCommand({
            family: 'web',
            networkMode: 'awsvpc',
            requiresCompatibilities: ['FARGATE'],
            cpu: '256',
            memory: '512',
            containerDefinitions: [{ name: 'app', image, portMappings: [{ containerPort: 8080 }] }],
          }),
        )
      ).taskDefinition?.taskDefinitionArn as string,
  };
}

function createInput(s: Setup, taskDefinition: string, subnets: string[], securityGroups: string[] = ['sg-1']) {
  return {
    cluster: 'shop',
    serviceName: 'web',
    taskDefinition,
    desiredCount: 1,
    launchType: 'FARGATE' as const,
    networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups } },
    loadBalancers: s.loadBalancers,
    deploymentConfiguration: {
      strategy: 'BLUE_GREEN' as const,
      bakeTimeInMinutes: 0,
      lifecycleHooks: [
        {
          targetType: 'PAUSE' as const,
          lifecycleStages: ['POST_TEST_TRAFFIC_SHIFT' as const],
          timeoutConfiguration: { timeoutInMinutes: 30 },
        },
      ],
    },
  };
}

describe('ECS-native blue/green through the SDK', () => {
  it('pauses at the hook (DescribeServiceDeployments shows stage, hook, weights), continues on ContinueServiceDeployment', async () => {
    const sb = startInProcessSandbox();
    const s = await setUp(sb.sdkConfig(), ['subnet-1'], 'vpc-1');
    await s.ecs.send(new CreateServiceCommand(createInput(s, await s.taskDefinition('shop/web:1'), ['subnet-1'])));
    // The first deployment of a new service has its pause too: continue it, as a person would.
    const answer = async (action: 'CONTINUE' | 'ROLLBACK') => {
      for (let i = 0; i < 200; i++) {
        await sb.clock.sleep(5_000);
        const svc = (await s.ecs.send(new DescribeServicesCommand({ cluster: 'shop', services: ['web'] }))).services?.[0];
        const sd = (
          await s.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [svc?.currentServiceDeployment ?? ''] }))
        ).serviceDeployments?.[0];
        const hook = sd?.lifecycleHookDetails?.find((h) => h.status === 'AWAITING_ACTION');
        if (hook && sd) {
          await s.ecs.send(
            new ContinueServiceDeploymentCommand({ serviceDeploymentArn: sd.serviceDeploymentArn, hookId: hook.hookId, action }),
          );
          return { sd, hook };
        }
      }
      throw new Error('no hook awaited action');
    };
    await answer('CONTINUE');
    const next = await s.taskDefinition('shop/web:2');
    const updated = await s.ecs.send(new UpdateServiceCommand({ cluster: 'shop', service: 'web', taskDefinition: next }));
    const { sd, hook } = await answer('CONTINUE');
    expect(sd.serviceDeploymentArn).toBe(updated.service?.currentServiceDeployment);
    expect(sd).toMatchObject({
      status: 'IN_PROGRESS',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      targetServiceRevision: { requestedTestTrafficWeight: 100, requestedProductionTrafficWeight: 0 },
    });
    expect(hook).toMatchObject({ targetType: 'PAUSE', timeoutAction: 'ROLLBACK', hookId: expect.stringMatching(/^ecs-pause-[\w-]{43}$/) });
    expect(hook.expiresAt).toBeInstanceOf(Date);
    // The hook's timeout (30 minutes) runs from when the stage was entered, a little before now.
    expect(hook.expiresAt?.getTime()).toBeGreaterThan(sb.clock.now() + 29 * 60_000);
    expect(hook.expiresAt?.getTime()).toBeLessThanOrEqual(sb.clock.now() + 30 * 60_000);

    // Answering the same hook again is refused in AWS's terms.
    const again = await s.ecs
      .send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: sd.serviceDeploymentArn, hookId: hook.hookId }))
      .catch((e: Error) => e);
    expect(again).toMatchObject({ name: 'InvalidParameterException' });

    for (let i = 0; i < 200; i++) {
      await sb.clock.sleep(5_000);
      const now = (await s.ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [sd.serviceDeploymentArn ?? ''] })))
        .serviceDeployments?.[0];
      if (now?.status === 'SUCCESSFUL') break;
    }
    const revisions = await s.ecs.send(new DescribeServiceRevisionsCommand({ serviceRevisionArns: [sd.targetServiceRevision?.arn ?? ''] }));
    expect(revisions.serviceRevisions?.[0]?.resolvedConfiguration?.loadBalancers).toEqual([
      { targetGroupArn: s.loadBalancers[0]?.advancedConfiguration?.alternateTargetGroupArn, productionListenerRule: expect.any(String) },
    ]);
    const stop = await s.ecs
      .send(new StopServiceDeploymentCommand({ serviceDeploymentArn: sd.serviceDeploymentArn, stopType: 'ROLLBACK' }))
      .catch((e: Error) => e);
    expect(stop).toMatchObject({ name: 'ConflictException' });
    const missing = await s.ecs
      .send(new StopServiceDeploymentCommand({ serviceDeploymentArn: `${sd.serviceDeploymentArn}0` }))
      .catch((e: Error) => e);
    expect(missing).toMatchObject({ name: 'ServiceDeploymentNotFoundException' });
  });

  it('refuses a PAUSE hook at TEST_TRAFFIC_SHIFT and an alternate target group that does not exist', async () => {
    const sb = startInProcessSandbox();
    const s = await setUp(sb.sdkConfig(), ['subnet-1'], 'vpc-1');
    const td = await s.taskDefinition('shop/web:1');
    const input = createInput(s, td, ['subnet-1']);
    const pauseAtShift = await s.ecs
      .send(
        new CreateServiceCommand({
          ...input,
          deploymentConfiguration: {
            ...input.deploymentConfiguration,
            lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['TEST_TRAFFIC_SHIFT'] }],
          },
        }),
      )
      .catch((e: Error) => e);
    expect(pauseAtShift).toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/PAUSE hooks cannot be configured/),
    });
    const lb = s.loadBalancers[0] as LoadBalancer;
    const noAlternate = await s.ecs
      .send(
        new CreateServiceCommand({
          ...input,
          loadBalancers: [
            { ...lb, advancedConfiguration: { ...lb.advancedConfiguration, alternateTargetGroupArn: `${lb.targetGroupArn}x` } },
          ],
        }),
      )
      .catch((e: Error) => e);
    expect(noAlternate).toMatchObject({ name: 'InvalidParameterException', message: expect.stringMatching(/alternate target group/) });
  });
});

const run = motoAvailable();

describe.skipIf(!run)('ECS-native blue/green shapes against moto 5.2.1', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it('both keep loadBalancers[].advancedConfiguration as given; moto drops the strategy and has no service deployments', async () => {
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    const network = await motoNetwork(moto.endpoint);
    const m = await setUp({ region: 'us-east-1', credentials, endpoint: moto.endpoint }, network.subnets, network.vpcId);
    // moto checks the security group against its own EC2.
    const group = xmlValue(
      await motoEc2(moto.endpoint, { Action: 'CreateSecurityGroup', GroupName: 'web', GroupDescription: 'web', VpcId: network.vpcId }),
      'groupId',
    );
    const sb = startInProcessSandbox();
    const s = await setUp(sb.sdkConfig(), ['subnet-1'], 'vpc-1');
    const created = {
      moto: (await m.ecs.send(new CreateServiceCommand(createInput(m, await m.taskDefinition('shop/web:1'), network.subnets, [group]))))
        .service,
      sandbox: (await s.ecs.send(new CreateServiceCommand(createInput(s, await s.taskDefinition('shop/web:1'), ['subnet-1'])))).service,
    };
    const strip = (lbs: LoadBalancer[] | undefined) =>
      (lbs ?? []).map((lb) => ({
        ...lb,
        targetGroupArn: lb.targetGroupArn?.replace(/\/[0-9a-f]+$/, ''),
        advancedConfiguration: Object.keys(lb.advancedConfiguration ?? {}).sort(),
      }));
    expect(strip(created.sandbox?.loadBalancers)).toEqual(strip(created.moto?.loadBalancers));
    expect(created.sandbox?.deploymentConfiguration).toMatchObject({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 0 });
    // moto 5.2.1: no deploymentConfiguration kept, no service deployment operations.
    expect(created.moto?.deploymentConfiguration?.strategy).toBeUndefined();
    const continued = await m.ecs
      .send(
        new ContinueServiceDeploymentCommand({
          serviceDeploymentArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/shop/web/x',
          hookId: 'h',
        }),
      )
      .catch((e: Error) => e);
    expect(continued).toBeInstanceOf(Error);
  });
});
