/**
 * The Plan: a pure, versioned, JSON-serialisable value. `buildPlan(manifest, live)` makes it, `apply` carries it
 * out, renderers show it. Saved plans never hold sensitive values: see `saved-plan.ts`.
 */
import type { LookupRecord, PinnedImage } from '../model/lookups.js';
import type { LiveTaskTarget } from '../model/live.js';
import type {
  DeploymentSettings,
  NotifySettings,
  OneOffTask,
  ScheduledTarget,
  ServiceSettings,
  TaskRunSettings,
} from '../model/manifest.js';
import type { StrategyConfig } from '../model/strategy.js';
import type { Json, TaskDefinitionInput } from '../model/task-definition.js';
import type { RecordedOverrides } from './recorded-overrides.js';

export const PLAN_FORMAT = 'ecsdeploy.plan';
export const PLAN_VERSION = 1;

/**
 * What apply will do to a service, worst first when several apply:
 * - `blocked`: a setting UpdateService cannot change differs (requires replacement); apply refuses.
 * - `create`: the service does not exist and the manifest defines it fully.
 * - `update`: a new task definition revision and/or service settings change.
 * - `no-change`: nothing to do.
 */
export type PlanAction = 'blocked' | 'create' | 'update' | 'no-change';

/** One changed field, already redacted. `path` is dotted with [i] for array items (after normalization). */
export interface FieldChange {
  /** `taskDefinition` or `service`. */
  scope: 'taskDefinition' | 'service';
  path: string;
  kind: 'add' | 'remove' | 'change';
  before?: Json;
  after?: Json;
  /** Set when UpdateService cannot change this field. */
  requiresReplacement?: boolean;
  /**
   * CODE_DEPLOY services: how the change reaches AWS (`appspec`: in the CodeDeploy deployment's AppSpec;
   * `update-service`: UpdateService, which starts no deployment there; `tag-resource`). See codedeploy-paths.ts.
   * @default absent (ECS controller: UpdateService, or the new revision it deploys)
   */
  via?: 'appspec' | 'update-service' | 'tag-resource';
  /** A remark for readers, e.g. `value changed` for a sensitive value shown as `(sensitive)` on both sides. */
  note?: string;
}

/** What the plan was made against; `apply` of a saved plan re-reads these and refuses if any moved. */
export interface LiveFingerprint {
  serviceArn: string;
  status: string;
  taskDefinitionArn: string;
  /** Id of the PRIMARY deployment (`ecs-svc/...`), or the CodeDeploy task set / deployment for blue-green. */
  primaryDeploymentId: string | undefined;
  /** `updatedAt` of the PRIMARY deployment, ISO 8601. */
  updatedAt: string | undefined;
  desiredCount: number;
  runningCount: number;
  deploymentController: string;
}

/**
 * A rollout on the service that is not decided yet, whoever started it: an ECS deployment still IN_PROGRESS, a
 * CodeDeploy deployment not in a final state, an ECS service deployment (BLUE_GREEN/LINEAR/CANARY), or an
 * ecsdeploy canary (running, paused for approval, or left by a killed run). Such a service is never "unchanged":
 * `plan` shows it (and `--detailed-exitcode` returns 2), `apply` refuses it with SERVICE_BUSY naming it, or with
 * `--wait` follows it to its verdict first. Each strategy's live read fills it the same way.
 */
export interface InFlightRollout {
  kind: 'ecs-deployment' | 'ecs-service-deployment' | 'codedeploy' | 'canary';
  /** ECS deployment id (`ecs-svc/...`), service deployment ARN, CodeDeploy deployment id (`d-...`), or the canary's run id. */
  id: string;
  /** Where it stands, in words: `IN_PROGRESS to web:42`, `paused at step 2 (50 %) awaiting approval`. */
  state: string;
  /** The ecsdeploy run that started it, when known (lock tag, canary state tags, task definition tags). */
  runId?: string;
  /** The task definition it moves the service to, when known. */
  taskDefinitionArn?: string;
  /**
   * ECS is undoing a failed deployment (this id) with this rollout: even when it completes, the release that failed
   * did not land.
   */
  rollingBackFrom?: string;
  /** Waiting for a person: `ecsdeploy promote` or `ecsdeploy abort` moves it on. */
  awaitingApproval?: boolean;
  /** Commands that move it on, e.g. `ecsdeploy promote -n web`, `ecsdeploy abort -n web`. */
  next?: string[];
}

export interface ServicePlan {
  key: string;
  service: string;
  cluster: string;
  action: PlanAction;
  /** The normalized desired task definition differs from the live one: apply registers a new revision. */
  taskDefinitionChanged: boolean;
  /** Service settings (other than the task definition) differ: apply sends them in UpdateService. */
  serviceChanged: boolean;
  desired: {
    /** RegisterTaskDefinition input, exactly what apply registers (not normalized). */
    taskDefinition: TaskDefinitionInput;
    /** Only the settings the manifest manages. */
    service: ServiceSettings;
    desiredCount: number | undefined;
    deployment: DeploymentSettings;
  };
  /** null when the service does not exist yet. */
  live: LiveFingerprint | null;
  changes: FieldChange[];
  /** Unified diff of the normalized live vs desired documents (only changed hunks), redacted, uncoloured. */
  diff: string;
  /** Human reasons for `blocked`. */
  blockedReasons: string[];
  strategy: StrategyConfig;
  dependsOn: string[];
  timeoutMs: number;
  onFailure: 'rollback' | 'leave';
  /** Names of environment variables treated as sensitive in this service (for redaction downstream). */
  sensitiveNames: string[];
  /** A rollout not decided yet on this service (or on a service its strategy touches): see InFlightRollout. */
  inFlight?: InFlightRollout;
  /**
   * Images pinned to their digest when the plan was made (`pin`, `pinImages`): the desired task definition holds
   * `pinned`, and apply of a saved plan deploys exactly these even if a tag moved since.
   * @default absent (nothing pinned)
   */
  pinnedImages?: PinnedImage[];
}

/**
 * A task-only family (`tasks:`): its desired task definition diffed against the revision its EventBridge targets
 * run (else the family's newest ACTIVE one), normalized the same way as a service's. Apply registers a revision
 * only when it changed, and moves the family's targets to the planned revision.
 */
export interface TaskPlan {
  key: string;
  family: string;
  /** Where one-off tasks and `ecsdeploy run` run it; undefined when the manifest gives none. */
  cluster: string | undefined;
  /**
   * - `create`: the family has no revision yet: apply registers the first.
   * - `update`: a new revision, and/or targets that run another revision than the planned one.
   * - `no-change`: nothing to do. (`blocked` is not used for tasks today.)
   */
  action: PlanAction;
  /** The normalized desired task definition differs from the live one: apply registers a new revision. */
  taskDefinitionChanged: boolean;
  desired: {
    /** RegisterTaskDefinition input, exactly what apply registers (not normalized). */
    taskDefinition: TaskDefinitionInput;
    /** How one-off tasks and `ecsdeploy run` run it (RunTask shape). */
    run: TaskRunSettings;
  };
  /** The revision compared with, and where it was found; null when the family has no revision. */
  live: { taskDefinitionArn: string; from: 'scheduled-target' | 'latest-active' } | null;
  /** The EventBridge targets of the manifest's rules that run the family, as they are now. */
  targets: LiveTaskTarget[];
  changes: FieldChange[];
  /** Unified diff of the normalized live vs desired task definition, redacted. */
  diff: string;
  blockedReasons: string[];
  /** What the plan could not find about the family's rules (a missing rule, no target of the family): apply fails to move it. */
  warnings: string[];
  sensitiveNames: string[];
  /** Images pinned to their digest when the plan was made (see ServicePlan.pinnedImages). @default absent */
  pinnedImages?: PinnedImage[];
}

interface ActionCounts {
  create: number;
  update: number;
  noChange: number;
  blocked: number;
}

interface PlanSummary extends ActionCounts {
  /** Services with a rollout in flight (whatever their action). */
  inFlight: number;
  /** Task-only families per action. @default absent (the manifest has none) */
  tasks?: ActionCounts;
}

export interface Plan {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  tool: { name: 'ecsdeploy'; version: string };
  createdAt: string;
  manifest: {
    file: string;
    digest: string;
    environment: string | undefined;
    /**
     * Saved plans: the manifest's path relative to the plan file's folder, so the plan finds its manifest when it
     * is applied from another folder (the digest still proves it is the same file).
     */
    fromPlan?: string;
  };
  /** The region the plan was made in: where its AWS calls went (`--region`, `AWS_REGION`, else the manifest's). */
  region: string | undefined;
  services: ServicePlan[];
  /**
   * Task-only families (`tasks:`), in manifest order.
   * @default absent (the manifest has none)
   */
  tasks?: TaskPlan[];
  before: OneOffTask[];
  scheduledTargets: ScheduledTarget[];
  keepRevisions: number;
  notify: NotifySettings;
  summary: PlanSummary;
  /** Some service changes, or has a rollout in flight: `plan --detailed-exitcode` exits 2. */
  hasChanges: boolean;
  /** AWS calls made to build the plan, by `Service.Operation`. */
  calls?: Record<string, number>;
  /**
   * The overrides the plan was made with (`--image`, `--var`, `-D`, `--min`, `--max`, `--timeout`); `apply plan.json`
   * uses them. A variable whose value may be secret is recorded by name only. Absent in plans made before they were
   * recorded.
   */
  overrides?: RecordedOverrides;
  /**
   * The lookups (`${ssm:...}`, `${tfstate:...}`, ...) read to make the plan: where each is written and a
   * fingerprint of its value, never the value. Apply of a saved plan reads them again and refuses if one changed.
   * @default absent (no lookups)
   */
  lookups?: LookupRecord[];
}
