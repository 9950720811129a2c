/**
 * ECS services behind load balancers, through the real SDK: ECS takes only a target group a load balancer sends
 * traffic to, and a seeded rolling service's deployment alarm watches its target group's 5XX, so a bad release
 * fails the deployment in the sandbox as it would on AWS.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DescribeServicesCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../../src/manifest/index.js';
import { parseScenario } from '../../../src/sandbox/world/index.js';
import { startInProcessSandbox } from '../../_helpers/sandbox.js';

const EXAMPLES = resolve(__dirname, '../../../examples');
const TG = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/hello-web/0123456789abcdef';

describe('ECS services and their target groups', () => {
  it('refuses a target group no load balancer uses, in AWS words', async () => {
    const sb = startInProcessSandbox();
    const ecs = new ECSClient({ ...sb.sdkConfig(), maxAttempts: 1 });
    const elb = new ElasticLoadBalancingV2Client({ ...sb.sdkConfig(), maxAttempts: 1 });
    await ecs.send(new CreateClusterCommand({ clusterName: 'shop' }));
    await ecs.send(
      new RegisterTaskDefinitionCommand({ family: 'web', containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128 }] }),
    );
    const tg = (await elb.send(new CreateTargetGroupCommand({ Name: 'lonely', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1' })))
      .TargetGroups?.[0];
    const error = await ecs
      .send(
        new CreateServiceCommand({
          cluster: 'shop',
          serviceName: 'web',
          taskDefinition: 'web',
          desiredCount: 1,
          loadBalancers: [{ targetGroupArn: tg?.TargetGroupArn, containerName: 'app', containerPort: 80 }],
        }),
      )
      .catch((e: Error) => e);
    expect(error).toMatchObject({
      name: 'InvalidParameterException',
      message: `The target group with targetGroupArn ${tg?.TargetGroupArn} does not have an associated load balancer.`,
    });
  });

  it("seeds a rolling service's deployment alarm on its target group's 5XX, and a bad release fails and rolls back", async () => {
    const manifest = loadManifest({ cwd: resolve(EXAMPLES, 'rolling'), env: {} });
    const svc = manifest.services[0];
    if (!svc) throw new Error('the rolling example has a service');
    (svc.settings as Record<string, unknown>).loadBalancers = [{ targetGroupArn: TG, containerName: 'web', containerPort: 8080 }];
    svc.deployment.alarms = { alarmNames: ['hello-web-5xx'], enable: true, rollback: true };
    const scenario = parseScenario('images:\n  - match: "*:previous"\n  - match: "*"\n    errorRate: 0.2\n', 'bad-release.yaml');
    const sb = startInProcessSandbox({ manifest, scenario });
    const cw = new CloudWatchClient({ ...sb.sdkConfig(), maxAttempts: 1 });
    const ecs = new ECSClient({ ...sb.sdkConfig(), maxAttempts: 1 });

    const alarm = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['hello-web-5xx'] }))).MetricAlarms?.[0];
    expect(alarm).toMatchObject({ MetricName: 'HTTPCode_Target_5XX_Count', Namespace: 'AWS/ApplicationELB', StateValue: 'OK' });
    expect(alarm?.Dimensions).toContainEqual({ Name: 'TargetGroup', Value: 'targetgroup/hello-web/0123456789abcdef' });

    const running = (await ecs.send(new DescribeServicesCommand({ cluster: 'hello', services: ['hello-web'] }))).services?.[0];
    const td = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'hello-web',
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '256',
        memory: '512',
        containerDefinitions: [{ name: 'web', image: 'public.ecr.aws/nginx/nginx:2.0.0', portMappings: [{ containerPort: 8080 }] }],
      }),
    );
    await ecs.send(
      new UpdateServiceCommand({ cluster: 'hello', service: 'hello-web', taskDefinition: td.taskDefinition?.taskDefinitionArn }),
    );
    let rollout: string | undefined;
    for (let minute = 0; minute < 30 && rollout !== 'FAILED'; minute++) {
      sb.clock.advance(60_000);
      const s = (await ecs.send(new DescribeServicesCommand({ cluster: 'hello', services: ['hello-web'] }))).services?.[0];
      rollout = s?.deployments?.find((d) => d.taskDefinition === td.taskDefinition?.taskDefinitionArn)?.rolloutState;
    }
    expect(rollout).toBe('FAILED');
    const fired = (await cw.send(new DescribeAlarmsCommand({ AlarmNames: ['hello-web-5xx'] }))).MetricAlarms?.[0];
    expect(fired?.StateValue).toBe('ALARM');
    const after = (await ecs.send(new DescribeServicesCommand({ cluster: 'hello', services: ['hello-web'] }))).services?.[0];
    expect(after?.taskDefinition).toBe(running?.taskDefinition);
  });
});
