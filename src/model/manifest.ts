/**
 * The resolved manifest: what `src/manifest/` produces after loading, interpolating, validating, applying the
 * environment overlay and the command-line overrides. This is the only manifest shape the rest of the code sees.
 */
import type { LookupRecord, LookupSite, PinnedImage, TfstateSource } from './lookups.js';
import type { StrategyConfig } from './strategy.js';
import type { JsonObject, TaskDefinitionInput } from './task-definition.js';

export interface CircuitBreakerSettings {
  enable: boolean;
  rollback: boolean;
  resetOnHealthyTask?: boolean;
  thresholdConfiguration?: { type: 'COUNT' | 'BOUNDED_PERCENT' | 'UNBOUNDED_PERCENT'; value: number };
}

export interface DeploymentSettings {
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  circuitBreaker?: CircuitBreakerSettings;
  alarms?: { alarmNames: string[]; enable: boolean; rollback: boolean };
  /**
   * ECS-native strategies (ecs-blue-green, ecs-linear, ecs-canary): the `deploymentConfiguration` members that say
   * how ECS deploys, in UpdateService's shape, made from the strategy (model/ecs-native.ts). Unset otherwise.
   */
  native?: EcsNativeDeploymentConfiguration;
}

/** `deploymentConfiguration` members of ECS's BLUE_GREEN / LINEAR / CANARY (aws-semantics §1.2, §1.8, §1.9). */
export interface EcsNativeDeploymentConfiguration {
  strategy: 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
  bakeTimeInMinutes: number;
  linearConfiguration?: { stepPercent: number; stepBakeTimeInMinutes: number };
  canaryConfiguration?: { canaryPercent: number; canaryBakeTimeInMinutes: number };
  /** The manifest's Lambda hooks (ecsdeploy's own pause hooks are added per deployment, never here). */
  lifecycleHooks: JsonObject[];
}

/**
 * Service settings in `CreateService`/`UpdateService` shape (camelCase). Only keys the manifest sets are
 * present; an absent key means "not managed by ecsdeploy" and is never diffed.
 */
export interface ServiceSettings {
  launchType?: string;
  schedulingStrategy?: string;
  deploymentController?: { type: string };
  networkConfiguration?: JsonObject;
  capacityProviderStrategy?: JsonObject[];
  platformVersion?: string;
  healthCheckGracePeriodSeconds?: number;
  enableExecuteCommand?: boolean;
  enableECSManagedTags?: boolean;
  propagateTags?: string;
  loadBalancers?: JsonObject[];
  serviceRegistries?: JsonObject[];
  placementConstraints?: JsonObject[];
  placementStrategy?: JsonObject[];
  tags?: { key: string; value: string }[];
  [key: string]: unknown;
}

/** Where the desired task definition comes from. */
export type TaskDefinitionSource =
  /** Declared inline or read from a JSON file; `file` is set for the latter. */
  | { kind: 'declared'; input: TaskDefinitionInput; file?: string }
  /** Copied from the task definition the live service runs (the old scripts' way), then overridden. */
  | { kind: 'live' };

/** `--image repo[:tag]` without a container name: replaces the image of every container whose repository matches. */
export interface RepositoryImageOverride {
  repository: string;
  image: string;
}

export interface ResolvedService {
  /** The key under `services:` in the manifest. */
  key: string;
  /** ECS service name. */
  service: string;
  cluster: string;
  taskDefinition: TaskDefinitionSource;
  /** Container name → full image reference; applied over the task definition. */
  images: Record<string, string>;
  /** Repository-matched image overrides from the command line, applied after `images`. */
  repositoryImages: RepositoryImageOverride[];
  /** Container name → environment variables set over the task definition's. */
  environment: Record<string, Record<string, string>>;
  /** Container name → command override. */
  command: Record<string, string[]>;
  /** Names of environment variables whose values are sensitive (in addition to names that look secret). */
  sensitive: string[];
  /** A number, `autoscaling` (never touched), or undefined (keep whatever runs; required to create). */
  desiredCount: number | 'autoscaling' | undefined;
  deployment: DeploymentSettings;
  settings: ServiceSettings;
  /** The manifest holds a full service definition, so a service missing in AWS can be created. */
  createIfMissing: boolean;
  dependsOn: string[];
  strategy: StrategyConfig;
  timeoutMs: number;
  onFailure: 'rollback' | 'leave';
  /** Tag keys owned by other tools: dropped from both sides before diffing and never written. */
  ignoreTags: string[];
  /**
   * Image references (values of `images`, `--image`) to pin to their digest when the plan is made.
   * @default [] (none)
   */
  pin?: string[];
  /** The digests they were pinned to (set by the live step; apply deploys these). */
  pinned?: PinnedImage[];
}

export interface OneOffTask {
  name: string;
  /** Key of the service whose (new) task definition and network configuration the task uses. */
  taskDefinitionOf: string;
  /** Container name → command override. A bare `command` applies to the first essential container. */
  command?: string[];
  container?: string;
  environment?: Record<string, string>;
  timeoutMs: number;
}

export interface ScheduledTarget {
  /** EventBridge rule name. */
  rule: string;
  eventBus?: string;
  /** Only move this target id; default: every ECS target of the rule whose task definition family matches. */
  targetId?: string;
  taskDefinitionOf: string;
}

export interface NotifySettings {
  sns?: string;
  /** Also publish on each mutating AWS call, as `ecs-task` did. */
  eachCall: boolean;
}

export interface ResolvedManifest {
  /** Path as given (for messages). */
  file: string;
  /** sha256 of the manifest bytes, hex. */
  digest: string;
  environment: string | undefined;
  region: string | undefined;
  services: ResolvedService[];
  before: OneOffTask[];
  scheduledTargets: ScheduledTarget[];
  /** Old task definition revisions to keep per family; 0 disables cleanup. */
  keepRevisions: number;
  notify: NotifySettings;
  /**
   * Lookups written in the manifest and its task definition files that are not read yet: their values are
   * placeholders ({@link LookupSite.token}) until the live step reads them and the manifest is loaded again.
   * @default [] (none)
   */
  lookups?: LookupSite[];
  /** Terraform states `${tfstate:...}` reads, by name (top-level `tfstate:`). @default {} */
  tfstate?: Record<string, TfstateSource>;
  /** The lookups that were read to make this manifest, with their fingerprints (never values). */
  resolvedLookups?: LookupRecord[];
}
