import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildAppSpec } from '../../src/strategies/appspec.js';

const TD = 'arn:aws:ecs:us-east-1:123456789012:task-definition/orders-api:42';

describe('the AppSpec of a CodeDeploy ECS deployment', () => {
  it('names the task definition ARN and the container behind the load balancer, and nothing the manifest does not set', () => {
    const spec = buildAppSpec({ taskDefinitionArn: TD, container: { name: 'api', port: 8080 } });
    expect(spec.content.startsWith('version: 0.0\n')).toBe(true);
    expect(parse(spec.content)).toEqual({
      version: 0,
      Resources: [
        {
          TargetService: {
            Type: 'AWS::ECS::Service',
            Properties: { TaskDefinition: TD, LoadBalancerInfo: { ContainerName: 'api', ContainerPort: 8080 } },
          },
        },
      ],
    });
  });

  it('carries the platform version, network configuration, capacity providers and the hooks in lifecycle order', () => {
    const spec = buildAppSpec({
      taskDefinitionArn: TD,
      container: { name: 'api', port: 8080 },
      platformVersion: '1.4.0',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1', 'subnet-2'], securityGroups: ['sg-1'] } },
      capacityProviderStrategy: [
        { capacityProvider: 'FARGATE', base: 1, weight: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 3 },
      ],
      hooks: { AfterAllowTraffic: 'after', BeforeInstall: 'arn:aws:lambda:us-east-1:123456789012:function:before' },
    });
    const doc = parse(spec.content);
    expect(doc.Resources[0].TargetService.Properties).toMatchObject({
      PlatformVersion: '1.4.0',
      NetworkConfiguration: {
        AwsvpcConfiguration: { Subnets: ['subnet-1', 'subnet-2'], SecurityGroups: ['sg-1'], AssignPublicIp: 'DISABLED' },
      },
      CapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
        { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
      ],
    });
    expect(doc.Hooks).toEqual([{ BeforeInstall: 'arn:aws:lambda:us-east-1:123456789012:function:before' }, { AfterAllowTraffic: 'after' }]);
  });

  it('hashes exactly its content, and the same input always gives the same text', () => {
    const input = { taskDefinitionArn: TD, container: { name: 'api', port: 8080 }, hooks: { AfterInstall: 'x' } };
    const a = buildAppSpec(input);
    expect(a.sha256).toBe(createHash('sha256').update(a.content).digest('hex'));
    expect(buildAppSpec(input)).toEqual(a);
  });

  it('quotes names so that YAML cannot read them as anything else', () => {
    const spec = buildAppSpec({ taskDefinitionArn: TD, container: { name: 'true', port: 80 }, hooks: { AfterInstall: 'a: "b" # c' } });
    const doc = parse(spec.content);
    expect(doc.Resources[0].TargetService.Properties.LoadBalancerInfo.ContainerName).toBe('true');
    expect(doc.Hooks).toEqual([{ AfterInstall: 'a: "b" # c' }]);
  });
});
