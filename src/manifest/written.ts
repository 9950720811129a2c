/**
 * The manifest as written (after interpolation, checked by the schema). Only src/manifest/ sees this shape; the
 * rest of the code sees ResolvedManifest (src/model/manifest.ts).
 */
import type { JsonObject } from '../model/task-definition.js';

export type Scalar = string | number | boolean;

export interface WrittenCircuitBreaker {
  enable?: boolean;
  rollback?: boolean;
  resetOnHealthyTask?: boolean;
  thresholdConfiguration?: { type: 'COUNT' | 'BOUNDED_PERCENT' | 'UNBOUNDED_PERCENT'; value: number };
}

export interface WrittenDeployment {
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  circuitBreaker?: WrittenCircuitBreaker;
  alarms?: { alarmNames: string[]; enable?: boolean; rollback?: boolean };
}

export interface WrittenMetricQuery {
  metric: string;
  targetGroup?: string;
  dimensions?: Record<string, string>;
  stat: string;
  period?: string;
}

export interface WrittenMetricCheck {
  name: string;
  expression: string;
  queries: Record<string, WrittenMetricQuery>;
  max?: number;
  min?: number;
  baseline?: { maxIncrease?: number; maxRatio?: number };
  minSample?: { query: string; min: number };
}

/** A gate's checks and policy: the canary's `gate`, and blue-green's `testTrafficGate` (plus its `hold`). */
export interface WrittenGate {
  interval?: string;
  metricDelay?: string;
  failureLimit?: number;
  inconclusiveLimit?: number;
  noData?: 'inconclusive' | 'pause' | 'fail' | 'pass';
  minRequests?: number;
  alarms?: string[];
  metrics?: WrittenMetricCheck[];
  tasks?: WrittenOneOffTask[];
}

/** A Lambda hook of an ECS-native strategy (`strategy.hooks[]`). */
export interface WrittenLambdaHook {
  function: string;
  role: string;
  stages: string[];
  details?: Record<string, unknown>;
  timeout?: string;
  onTimeout?: 'ROLLBACK' | 'CONTINUE';
}

export interface WrittenEcsNative {
  type: 'ecs-blue-green' | 'ecs-linear' | 'ecs-canary';
  alternateTargetGroup: string;
  productionListenerRule: string;
  testListenerRule?: string;
  role: string;
  bakeTime?: string;
  linear?: { stepPercent?: number; stepBakeTime?: string };
  canary?: { canaryPercent?: number; canaryBakeTime?: string };
  hooks?: WrittenLambdaHook[];
  testTrafficGate?: WrittenGate & { hold: string };
  productionGate?: WrittenGate & { hold: string };
  approval?: { at: 'before-production' | 'every-step'; timeout?: string };
}

export type WrittenStrategy =
  | { type: 'rolling' }
  | WrittenEcsNative
  | {
      type: 'blue-green';
      application: string;
      deploymentGroup: string;
      deploymentConfig?: string;
      container: { name: string; port: number };
      testTrafficGate?: WrittenGate & { hold: string; approval?: boolean };
      productionTrafficGate?: WrittenGate & { bake?: string };
      hooks?: Record<string, string>;
    }
  | {
      type: 'canary';
      rule?: string;
      listener?: string;
      stable: { service?: string; targetGroup: string };
      canary: { service: string; targetGroup: string; count?: number | 'follow-weight' };
      /** `pause`: a duration, or `until-approved`. */
      steps: { weight: number; pause: string }[];
      gate?: WrittenGate;
    };

/** Service settings passed to CreateService/UpdateService as written. */
export const SERVICE_SETTING_KEYS = [
  'launchType',
  'capacityProviderStrategy',
  'platformVersion',
  'networkConfiguration',
  'healthCheckGracePeriodSeconds',
  'enableExecuteCommand',
  'enableECSManagedTags',
  'propagateTags',
  'tags',
  'loadBalancers',
  'serviceRegistries',
  'placementConstraints',
  'placementStrategy',
  'schedulingStrategy',
  'deploymentController',
] as const;

/** An `images:` entry: the reference, or the reference and whether to pin it to its digest at plan time. */
export type WrittenImage = string | { image: string; pin?: boolean };

/** Where a Terraform state is read from: a local file (relative to the manifest) or `s3://bucket/key`. */
export type WrittenTfstate = { path: string } | { s3: string };

export interface WrittenService {
  service?: string;
  cluster?: string;
  taskDefinition?: string | { fromLive: true } | JsonObject;
  images?: Record<string, WrittenImage>;
  pinImages?: boolean;
  environment?: Record<string, Record<string, Scalar>>;
  command?: Record<string, string[]>;
  sensitive?: string[];
  desiredCount?: number | 'autoscaling';
  deployment?: WrittenDeployment;
  strategy?: WrittenStrategy;
  dependsOn?: string[];
  timeout?: string;
  onFailure?: 'rollback' | 'leave';
  ignoreTags?: string[];
  createIfMissing?: boolean;
  launchType?: string;
  capacityProviderStrategy?: JsonObject[];
  networkConfiguration?: JsonObject;
  [key: string]: unknown;
}

/** A task-only family (`tasks:`): its task definition and what running it needs. */
export interface WrittenTask {
  family?: string;
  cluster?: string;
  taskDefinition?: string | { fromLive: true } | JsonObject;
  images?: Record<string, WrittenImage>;
  pinImages?: boolean;
  environment?: Record<string, Record<string, Scalar>>;
  command?: Record<string, string[]>;
  sensitive?: string[];
  ignoreTags?: string[];
  launchType?: string;
  capacityProviderStrategy?: JsonObject[];
  platformVersion?: string;
  networkConfiguration?: JsonObject;
}

/** The keys of `defaults:` a task inherits: its definition's and what running it needs (not a service's). */
export const TASK_DEFAULT_KEYS = [
  'cluster',
  'images',
  'pinImages',
  'environment',
  'command',
  'sensitive',
  'ignoreTags',
  'launchType',
  'capacityProviderStrategy',
  'platformVersion',
  'networkConfiguration',
] as const satisfies readonly (keyof WrittenTask & keyof WrittenService)[];

export interface WrittenOneOffTask {
  name: string;
  taskDefinitionOf: string;
  command?: string[];
  container?: string;
  environment?: Record<string, Scalar>;
  timeout?: string;
}

export interface WrittenScheduledTarget {
  rule: string;
  eventBus?: string;
  targetId?: string;
  taskDefinitionOf: string;
}

export interface WrittenTop {
  version?: 1;
  region?: string;
  vars?: Record<string, Scalar>;
  defaults?: WrittenService;
  services?: Record<string, WrittenService>;
  tasks?: Record<string, WrittenTask>;
  before?: WrittenOneOffTask[];
  after?: { scheduledTargets?: WrittenScheduledTarget[] };
  keepRevisions?: number;
  notify?: { sns?: string; eachCall?: boolean };
  tfstate?: Record<string, WrittenTfstate>;
}

export interface WrittenManifest extends WrittenTop {
  environments?: Record<string, WrittenTop>;
}
