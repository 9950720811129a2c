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
  /** A canary strategy's canary ECS service, as described (with tags): its state tags say whether a canary is in flight. */
  canaryService?: JsonObject | undefined;
  /**
   * Blue-green services: the CodeDeploy deployment of the service's group that is not in a final state, as
   * GetDeployment's `deploymentInfo` with its ECS target as `deploymentTarget`; absent when there is none.
   */
  codeDeployDeployments?: JsonObject[];
}

/** A preflight finding: something a strategy needs that is missing or wrong. Blocks apply of that service. */
export interface PreflightIssue {
  /** Manifest key of the service. */
  service: string;
  message: string;
}

export interface LiveState {
  services: LiveServiceState[];
  preflight: PreflightIssue[];
  /** AWS calls made while reading, by `Service.Operation`. */
  calls: Record<string, number>;
}
