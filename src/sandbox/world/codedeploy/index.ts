/**
 * CodeDeploy ECS blue/green (§2): a deployment creates the replacement (green) task set behind the second target
 * group, points the test listener at it, optionally waits READY (deploymentReadyOption STOP_DEPLOYMENT), shifts
 * production traffic per the deployment config (all at once, linear, canary — §2.2), waits out the termination
 * wait and removes the original (blue) task set. StopDeployment with rollback reroutes traffic to blue. Lambda
 * hooks named in the AppSpec answer as the scenario says (lifecycle.ts).
 */
import type { WorldContext } from '../context.js';
import type { Input } from '../input.js';
import {
  batchGetApplications,
  batchGetDeploymentGroups,
  createApplication,
  createDeploymentGroup,
  getApplication,
  getDeploymentConfig,
  getDeploymentGroup,
  listApplications,
  listDeploymentGroups,
  updateDeploymentGroup,
} from './applications.js';
import {
  batchGetDeployments,
  continueDeployment,
  createDeployment,
  getDeployment,
  listDeployments,
  stopDeployment,
} from './deployments.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';
import { batchGetDeploymentTargets, getDeploymentTarget, listDeploymentTargets } from './targets.js';

export { stepCodeDeployDeployment } from './lifecycle.js';

export const codedeployOperations: Record<string, (w: WorldContext, input: Input) => Record<string, unknown>> = {
  CreateApplication: createApplication,
  GetApplication: getApplication,
  ListApplications: listApplications,
  BatchGetApplications: batchGetApplications,
  CreateDeploymentGroup: createDeploymentGroup,
  GetDeploymentGroup: getDeploymentGroup,
  ListDeploymentGroups: listDeploymentGroups,
  BatchGetDeploymentGroups: batchGetDeploymentGroups,
  UpdateDeploymentGroup: updateDeploymentGroup,
  GetDeploymentConfig: getDeploymentConfig,
  CreateDeployment: createDeployment,
  GetDeployment: getDeployment,
  BatchGetDeployments: batchGetDeployments,
  ListDeployments: listDeployments,
  ContinueDeployment: continueDeployment,
  StopDeployment: stopDeployment,
  GetDeploymentTarget: getDeploymentTarget,
  ListDeploymentTargets: listDeploymentTargets,
  BatchGetDeploymentTargets: batchGetDeploymentTargets,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};
