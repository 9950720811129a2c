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

export interface LiveState {
  /** The region it was read in: where the AWS calls went. */
  region?: string;
  services: LiveServiceState[];
  preflight: PreflightIssue[];
  /** AWS calls made while reading, by `Service.Operation`. */
  calls: Record<string, number>;
}
