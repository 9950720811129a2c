import { describe, expect, it } from 'vitest';
import { loadWorld } from '../../../src/sandbox/world/index.js';
import { describeService, type Json, NETWORK, newWorld, register, runUntil, TestClock } from './helpers.js';

describe('world state', () => {
  it('serializes and loads back, and the loaded world carries on a deployment in progress', () => {
    const { world, clock } = newWorld();
    world.dispatch('ecs', 'CreateCluster', { clusterName: 'shop' });
    const td1 = register(world, 'web', 'repo/web:1');
    world.dispatch('ecs', 'CreateService', {
      cluster: 'shop',
      serviceName: 'web',
      taskDefinition: td1,
      desiredCount: 2,
      networkConfiguration: NETWORK,
    });
    runUntil(world, clock, () => (describeService(world, 'shop', 'web').deployments as Json[])[0]?.rolloutState === 'COMPLETED');
    world.dispatch('ecs', 'UpdateService', { cluster: 'shop', service: 'web', taskDefinition: register(world, 'web', 'repo/web:2') });
    clock.advance(3_000);
    const saved = world.serialize();
    const clock2 = new TestClock(clock.ms);
    const loaded = loadWorld(saved, { clock: clock2 });
    expect(loaded.snapshot()).toEqual(world.snapshot());
    runUntil(loaded, clock2, () => {
      const d = describeService(loaded, 'shop', 'web').deployments as Json[];
      return d.length === 1 && d[0]?.rolloutState === 'COMPLETED';
    });
    expect(describeService(loaded, 'shop', 'web').taskDefinition).toMatch(/web:2$/);
  });

  it('gives the same identifiers for the same seed and calls', () => {
    const a = newWorld().world;
    const b = newWorld().world;
    for (const w of [a, b]) {
      w.dispatch('ecs', 'CreateCluster', { clusterName: 'c' });
      w.dispatch('ecs', 'CreateService', {
        cluster: 'c',
        serviceName: 's',
        taskDefinition: register(w, 'f', 'i:1'),
        desiredCount: 1,
        networkConfiguration: NETWORK,
      });
    }
    expect(a.snapshot()).toEqual(b.snapshot());
  });

  it('stops stepping services once they are steady, so idle services cost nothing per call', () => {
    const { world, clock } = newWorld();
    world.dispatch('ecs', 'CreateCluster', { clusterName: 'c' });
    const td = register(world, 'f', 'i:1');
    for (let i = 0; i < 50; i++)
      world.dispatch('ecs', 'CreateService', {
        cluster: 'c',
        serviceName: `s${i}`,
        taskDefinition: td,
        desiredCount: 1,
        networkConfiguration: NETWORK,
      });
    expect(world.snapshot().active.services).toHaveLength(50);
    clock.advance(120_000);
    world.dispatch('ecs', 'ListClusters', {});
    expect(world.snapshot().active.services).toEqual([]);
    world.dispatch('ecs', 'UpdateService', { cluster: 'c', service: 's7', desiredCount: 2 });
    expect(world.snapshot().active.services).toEqual(['arn:aws:ecs:us-east-1:123456789012:service/c/s7']);
  });

  it('records SNS messages and keeps every EventBridge target parameter', () => {
    const { world } = newWorld();
    const topic = String(world.dispatch('sns', 'CreateTopic', { Name: 'deploys' }).TopicArn);
    world.dispatch('sns', 'Publish', { TopicArn: topic, Subject: 'deployed', Message: 'web 1.2.3' });
    expect(world.snapshot().sns.messages).toMatchObject([{ topicArn: topic, subject: 'deployed', message: 'web 1.2.3' }]);
    world.dispatch('events', 'PutRule', { Name: 'nightly', ScheduleExpression: 'cron(0 3 * * ? *)' });
    const target = {
      Id: 'report',
      Arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/c',
      RoleArn: 'arn:aws:iam::123456789012:role/r',
      Input: '{"containerOverrides":[]}',
      EcsParameters: {
        TaskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/f:1',
        TaskCount: 2,
        LaunchType: 'FARGATE',
        Group: 'g',
      },
    };
    world.dispatch('events', 'PutTargets', { Rule: 'nightly', Targets: [target] });
    expect(world.dispatch('events', 'ListTargetsByRule', { Rule: 'nightly' }).Targets).toEqual([target]);
    world.dispatch('events', 'RemoveTargets', { Rule: 'nightly', Ids: ['report'] });
    expect(world.dispatch('events', 'ListTargetsByRule', { Rule: 'nightly' }).Targets).toEqual([]);
  });
});
