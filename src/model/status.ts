/** What `ecsdeploy status` reports per service; built by the engine, shown by renderers. */

export interface DeploymentStatus {
  id: string;
  /** PRIMARY / ACTIVE / INACTIVE (ECS), or a CodeDeploy deployment status. */
  status: string;
  taskDefinitionArn: string;
  rolloutState: string | undefined;
  rolloutStateReason: string | undefined;
  running: number;
  pending: number;
  desired: number;
  createdAt: string | undefined;
  updatedAt: string | undefined;
}

export interface ServiceStatusReport {
  key: string;
  service: string;
  cluster: string;
  found: boolean;
  status: string | undefined;
  taskDefinitionArn: string | undefined;
  /** `family:revision` of the running task definition. */
  revision: string | undefined;
  running: number;
  pending: number;
  desired: number;
  strategy: string;
  deploymentController: string | undefined;
  /** Deployments newest first; one with rolloutState IN_PROGRESS means a deployment is in progress. */
  deployments: DeploymentStatus[];
  inProgress: boolean;
  /** Latest service events, newest first. */
  events: { at: string; message: string }[];
  /** The ecsdeploy lock on the service (tag `ecsdeploy:lock`), when there is one. */
  lock?: LockStatus;
  /** A canary service's canary: in flight or not, and the rule's weights as read now. */
  canary?: CanaryStatus;
  /** A blue-green service's CodeDeploy deployment: the one in flight, else the group's last one. */
  codedeploy?: CodeDeployStatus;
  /** An ECS-native service's newest service deployment (ecs-blue-green / ecs-linear / ecs-canary). */
  ecsNative?: EcsNativeStatus;
}

export interface EcsNativeStatus {
  /** Undefined: the service has no service deployment (or it could not be read: `error`). */
  deployment?: {
    arn: string;
    /** As ECS reports it (`IN_PROGRESS`, `SUCCESSFUL`...); unknown values are kept. */
    status: string;
    /** Not SUCCESSFUL, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED or STOPPED. */
    inFlight: boolean;
    /** The lifecycle stage (`POST_TEST_TRAFFIC_SHIFT`...). */
    stage?: string;
    /** Green's requested share of test and production traffic, in percent. */
    testWeight?: number;
    productionWeight?: number;
    targetRevision?: string;
    statusReason?: string;
    /** The ecsdeploy run recorded in the service's state tags. */
    runId?: string;
    /** A PAUSE hook awaiting action: ecsdeploy's (with its run id) or someone else's. */
    pause?: { hookId: string; ours: boolean; runId?: string; expiresAt?: string };
  };
  /** Commands that move a deployment in flight on. */
  next?: string[];
  /** Why the deployment could not be read. */
  error?: string;
}

export interface CodeDeployStatus {
  application: string;
  deploymentGroup: string;
  /** Undefined: the group has never deployed (or it could not be read: `error`). */
  deployment?: {
    id: string;
    /** As CodeDeploy reports it (`InProgress`, `Ready`, `Succeeded`...). */
    status: string;
    /** Not Succeeded, Failed or Stopped. */
    inFlight: boolean;
    /** `installing`, `test-traffic`, `ready-wait`, `shifting`, `termination-wait`, `final`. */
    stage: string;
    /** The ecsdeploy run that started it, from its description. */
    runId?: string;
    description?: string;
    /** Why it failed or stopped, in one line. */
    error?: string;
    lifecycle: { name: string; status: string; diagnostics?: string }[];
    /** Blue and green, each with its share of production traffic (percent) and target group. */
    taskSets: { label: string; status: string; weight: number; targetGroup: string; running: number; desired: number }[];
  };
  /** Commands that move a deployment in flight on. */
  next?: string[];
  /** Why the deployment could not be read. */
  error?: string;
}

/** An ecsdeploy run's lock on a service. */
export interface LockStatus {
  /** The run that holds (or held) it. */
  runId: string;
  /** When it expires (ISO 8601); a run that lives keeps pushing this out. */
  expiresAt: string;
  /** It expired: the run that took it died (or forgot it); it no longer blocks anyone. */
  expired: boolean;
}

export interface CanaryStatus {
  /** The canary ECS service. */
  service: string;
  /** Undefined: no canary in flight (no state tags). */
  phase?: string;
  /** `paused at step 2 (50 %) awaiting approval`. */
  state?: string;
  step?: number;
  /** The canary's share as recorded. */
  weight?: number;
  runId?: string;
  revision?: string;
  /** The last gate verdict recorded. */
  verdict?: string;
  /** Target group name → relative weight, read from the rule (or listener) now; undefined when unreadable. */
  weights?: Record<string, number>;
  /** Why the weights could not be read. */
  weightsError?: string;
  /** Commands that move it on. */
  next?: string[];
}
