import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, DescribeClustersCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { createSandboxRuntime } from '../../../src/sandbox/runtime.js';
import { loadWorld } from '../../../src/sandbox/world/index.js';
import { TestClock } from '../world/helpers.js';

function account() {
  const rt = createSandboxRuntime({ region: 'us-east-1', randomSeed: 4 });
  const client = <T>(Client: new (c: object) => T, region: string) =>
    new Client({ region, credentials: rt.credentials, requestHandler: rt.requestHandler, maxAttempts: 1 });
  return { rt, client };
}

describe('regions: each region a request is signed for has its own state', () => {
  it('keeps a cluster created in eu-west-1 there, with eu-west-1 ARNs, out of sight of the account region', async () => {
    const { client } = account();
    const home = client(ECSClient, 'us-east-1');
    const ireland = client(ECSClient, 'eu-west-1');
    await home.send(new CreateClusterCommand({ clusterName: 'home' }));
    const created = await ireland.send(new CreateClusterCommand({ clusterName: 'away' }));

    expect(created.cluster?.clusterArn).toBe('arn:aws:ecs:eu-west-1:123456789012:cluster/away');
    expect((await ireland.send(new ListClustersCommand({}))).clusterArns).toEqual(['arn:aws:ecs:eu-west-1:123456789012:cluster/away']);
    expect((await home.send(new ListClustersCommand({}))).clusterArns).toEqual(['arn:aws:ecs:us-east-1:123456789012:cluster/home']);
    const missing = await home.send(new DescribeClustersCommand({ clusters: ['away'] }));
    expect(missing.failures?.[0]?.reason).toBe('MISSING');
  });

  it('uses the aws-cn partition in China regions, for resources and for the caller identity', async () => {
    const { client } = account();
    const cw = client(CloudWatchClient, 'cn-north-1');
    await cw.send(
      new PutMetricAlarmCommand({
        AlarmName: 'errors',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    );
    const alarm = (await cw.send(new DescribeAlarmsCommand({}))).MetricAlarms?.[0];
    expect(alarm?.AlarmArn).toBe('arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:errors');
    const who = await client(STSClient, 'cn-north-1').send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe('arn:aws-cn:iam::123456789012:user/sandbox');
  });

  it('saves the other regions with the account and loads them back', async () => {
    const { rt, client } = account();
    await client(ECSClient, 'ap-southeast-2').send(new CreateClusterCommand({ clusterName: 'sydney' }));
    const loaded = loadWorld(rt.world.serialize(), { clock: new TestClock(rt.clock.now()) });
    const out = loaded.dispatch('ecs', 'ListClusters', {}, 'ap-southeast-2');
    expect(out.clusterArns).toEqual(['arn:aws:ecs:ap-southeast-2:123456789012:cluster/sydney']);
    expect(loaded.dispatch('ecs', 'ListClusters', {}).clusterArns).toEqual([]);
  });

  it('refuses a request signed for something that is not a region name, and names it', async () => {
    const { client } = account();
    const error = await client(ECSClient, 'moon-base')
      .send(new ListClustersCommand({}))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'InvalidClientTokenId' });
    expect((error as Error).message).toContain("'moon-base'");
  });
});
