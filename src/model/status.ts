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
}
