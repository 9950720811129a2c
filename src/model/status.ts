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
