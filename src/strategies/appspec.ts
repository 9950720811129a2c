/**
 * The AppSpec of a CodeDeploy ECS deployment (aws-semantics.md §2.1), generated from the plan: pure, deterministic
 * (the same plan gives the same text and hash), YAML written line by line so `version: 0.0` stays what the AppSpec
 * reference writes (a JSON number would read `0`). Every string is JSON-quoted, which YAML reads as written.
 *
 *   version: 0.0
 *   Resources:
 *     - TargetService:
 *         Type: AWS::ECS::Service
 *         Properties:
 *           TaskDefinition: "arn:aws:ecs:...:task-definition/web:42"
 *           LoadBalancerInfo: { ContainerName, ContainerPort }
 *           PlatformVersion / NetworkConfiguration / CapacityProviderStrategy   (when the manifest sets them)
 *   Hooks:                                                                   (the manifest's Lambda hooks, in lifecycle order)
 *     - AfterAllowTestTraffic: "smoke-test"
 *
 * What UpdateService cannot change on a CODE_DEPLOY service (network, platform version, capacity providers) goes
 * here: CodeDeploy gives it to the replacement task set (§1.1).
 */
import { createHash } from 'node:crypto';

/** The lifecycle events an ECS AppSpec may name a Lambda hook for, in the order CodeDeploy runs them. */
const APPSPEC_HOOK_EVENTS = ['BeforeInstall', 'AfterInstall', 'AfterAllowTestTraffic', 'BeforeAllowTraffic', 'AfterAllowTraffic'] as const;

/** What the AppSpec is made of: the revision, the container behind the load balancer, the service settings it carries. */
export interface AppSpecInput {
  taskDefinitionArn: string;
  container: { name: string; port: number };
  /** Fargate platform version; absent: the service's. */
  platformVersion?: string | undefined;
  /** The service's `networkConfiguration` as ECS takes it; absent: the service's. */
  networkConfiguration?: { awsvpcConfiguration?: { subnets?: string[]; securityGroups?: string[]; assignPublicIp?: string } } | undefined;
  /** The service's `capacityProviderStrategy` as ECS takes it; absent: the service's. */
  capacityProviderStrategy?: { capacityProvider?: string; weight?: number; base?: number }[] | undefined;
  /** Lifecycle event → Lambda function name or ARN. */
  hooks?: Record<string, string> | undefined;
}

export interface AppSpec {
  /** The AppSpec as CodeDeploy reads it (`revision.appSpecContent.content`). */
  content: string;
  /** Hex SHA-256 of `content` (`revision.appSpecContent.sha256`). */
  sha256: string;
}

const q = (s: string): string => JSON.stringify(s);
const list = (items: string[]): string => `[${items.map(q).join(', ')}]`;

function networkLines(n: AppSpecInput['networkConfiguration']): string[] {
  const awsvpc = n?.awsvpcConfiguration;
  if (!awsvpc?.subnets?.length) return [];
  return [
    '        NetworkConfiguration:',
    '          AwsvpcConfiguration:',
    `            Subnets: ${list(awsvpc.subnets)}`,
    ...(awsvpc.securityGroups?.length ? [`            SecurityGroups: ${list(awsvpc.securityGroups)}`] : []),
    // ECS's default, written out: the AppSpec reference gives the three together.
    `            AssignPublicIp: ${q(awsvpc.assignPublicIp ?? 'DISABLED')}`,
  ];
}

function capacityLines(strategy: AppSpecInput['capacityProviderStrategy']): string[] {
  if (!strategy?.length) return [];
  return [
    '        CapacityProviderStrategy:',
    ...strategy.flatMap((c) => [
      `          - CapacityProvider: ${q(c.capacityProvider ?? '')}`,
      ...(c.weight !== undefined ? [`            Weight: ${c.weight}`] : []),
      ...(c.base !== undefined ? [`            Base: ${c.base}`] : []),
    ]),
  ];
}

function hookLines(hooks: AppSpecInput['hooks']): string[] {
  const named = APPSPEC_HOOK_EVENTS.filter((e) => hooks?.[e] !== undefined);
  if (named.length === 0) return [];
  return ['Hooks:', ...named.map((e) => `  - ${e}: ${q(hooks?.[e] as string)}`)];
}

export function buildAppSpec(input: AppSpecInput): AppSpec {
  const lines = [
    'version: 0.0',
    'Resources:',
    '  - TargetService:',
    '      Type: AWS::ECS::Service',
    '      Properties:',
    `        TaskDefinition: ${q(input.taskDefinitionArn)}`,
    '        LoadBalancerInfo:',
    `          ContainerName: ${q(input.container.name)}`,
    `          ContainerPort: ${input.container.port}`,
    ...(input.platformVersion ? [`        PlatformVersion: ${q(input.platformVersion)}`] : []),
    ...networkLines(input.networkConfiguration),
    ...capacityLines(input.capacityProviderStrategy),
    ...hookLines(input.hooks),
  ];
  const content = `${lines.join('\n')}\n`;
  return { content, sha256: createHash('sha256').update(content, 'utf8').digest('hex') };
}
