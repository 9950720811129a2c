/**
 * Live state as read by `src/live/` and consumed by the pure `src/plan/`. Plain JSON: SDK `Date`s are turned
 * into ISO strings by the reader, so a plan can be built, saved and compared without the SDK.
 */
import type { JsonObject } from './task-definition.js';

export interface LiveServiceState {
  /** Manifest key this was read for. */
  key: string;
  cluster: string;
  service: string;
  /** The `Service` from DescribeServices (include TAGS), as JSON; undefined when missing or INACTIVE. */
  described: JsonObject | undefined;
  /**
   * The `taskDefinition` from DescribeTaskDefinition (include TAGS) of the service's current task definition,
   * as JSON, with the response's `tags` set on it as `tags` (omitted when there are none).
   */
  taskDefinition: JsonObject | undefined;
  /**
   * Blue-green services: the CodeDeploy deployments of the service's group that are not in a final state
   * (GetDeployment's `deploymentInfo`, newest first, the first with its ECS target as `deploymentTarget`); absent
   * when not read.
   */
  codeDeployDeployments?: JsonObject[];
  /**
   * Services on an ECS-native strategy (BLUE_GREEN, LINEAR, CANARY): their ongoing service deployments
   * (ListServiceDeployments briefs, newest first); absent when not read.
   */
  serviceDeployments?: JsonObject[];
  /** A canary strategy's canary ECS service, as described (with tags): its state tags say whether a canary is in flight. */
  canaryService?: JsonObject | undefined;
}

/** A preflight finding: something a strategy needs that is missing or wrong. Blocks apply of that service. */
export interface PreflightIssue {
  /** Manifest key of the service. */
  service: string;
  message: string;
}

/** An EventBridge target of a manifest rule that runs a task-only family (or is named by `targetId`). */
export interface LiveTaskTarget {
  rule: string;
  eventBus?: string;
  targetId: string;
  /** What the target runs now (as EventBridge keeps it: an ARN, or `family:revision`). */
  taskDefinitionArn: string;
}

/**
 * What runs in AWS for a task-only family (`tasks:`): the EventBridge targets of the manifest's rules that run
 * it, its newest ACTIVE revision, and the revision the plan compares with (the targets', else the newest).
 */
export interface LiveTaskState {
  /** Manifest key under `tasks:`. */
  key: string;
  family: string;
  targets: LiveTaskTarget[];
  /** What could not be read or found about its rules (a rule that does not exist, no target of the family). */
  problems: string[];
  /** The family's newest ACTIVE revision; undefined when it has none. */
  latestActiveArn?: string;
  /** The revision the plan compares with: the one the targets run (the newest, when they differ), else the newest ACTIVE one. */
  baseArn?: string;
  baseFrom?: 'scheduled-target' | 'latest-active';
  /** DescribeTaskDefinition (include TAGS) of `baseArn`, as JSON with `tags`. */
  taskDefinition?: JsonObject;
  /** DescribeTaskDefinition of `latestActiveArn`, for `{ fromLive: true }` (the same object when it is the base). */
  latest?: JsonObject;
}

export interface LiveState {
  /** The region it was read in: where the AWS calls went. */
  region?: string;
  services: LiveServiceState[];
  /**
   * Task-only families (`tasks:`), in manifest order.
   * @default absent (the manifest has none)
   */
  tasks?: LiveTaskState[];
  preflight: PreflightIssue[];
  /** AWS calls made while reading, by `Service.Operation`. */
  calls: Record<string, number>;
}
