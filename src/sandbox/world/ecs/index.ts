/** The ECS operations the world answers, by SDK operation name. */
import type { WorldContext } from '../context.js';
import type { Input } from '../input.js';
import {
  createCluster,
  deleteCluster,
  describeClusters,
  listClusters,
  putClusterCapacityProviders,
  updateCluster,
  updateClusterSettings,
} from './clusters.js';
import {
  continueServiceDeployment,
  describeServiceDeployments,
  describeServiceRevisions,
  listServiceDeployments,
  stopServiceDeployment,
} from './service-deployments.js';
import { createService, deleteService, describeServices, listServices, updateService } from './services.js';
import { listTagsForResource, tagResource, untagResource } from './tags.js';
import { createTaskSetApi, deleteTaskSet, describeTaskSets, updateServicePrimaryTaskSet, updateTaskSet } from './task-sets.js';
import {
  deleteTaskDefinitions,
  deregisterTaskDefinition,
  describeTaskDefinition,
  listTaskDefinitionFamilies,
  listTaskDefinitions,
  registerTaskDefinition,
} from './task-definitions.js';
import { describeTasks, listTasks, runTask, stopTaskApi } from './tasks.js';

export const ecsOperations: Record<string, (w: WorldContext, input: Input) => Record<string, unknown>> = {
  RegisterTaskDefinition: registerTaskDefinition,
  DescribeTaskDefinition: describeTaskDefinition,
  DeregisterTaskDefinition: deregisterTaskDefinition,
  DeleteTaskDefinitions: deleteTaskDefinitions,
  ListTaskDefinitions: listTaskDefinitions,
  ListTaskDefinitionFamilies: listTaskDefinitionFamilies,
  CreateCluster: createCluster,
  DescribeClusters: describeClusters,
  ListClusters: listClusters,
  UpdateCluster: updateCluster,
  UpdateClusterSettings: updateClusterSettings,
  PutClusterCapacityProviders: putClusterCapacityProviders,
  DeleteCluster: deleteCluster,
  CreateService: createService,
  UpdateService: updateService,
  DescribeServices: describeServices,
  ListServices: listServices,
  DeleteService: deleteService,
  RunTask: runTask,
  DescribeTasks: describeTasks,
  ListTasks: listTasks,
  StopTask: stopTaskApi,
  ListServiceDeployments: listServiceDeployments,
  DescribeServiceDeployments: describeServiceDeployments,
  DescribeServiceRevisions: describeServiceRevisions,
  ContinueServiceDeployment: continueServiceDeployment,
  StopServiceDeployment: stopServiceDeployment,
  CreateTaskSet: createTaskSetApi,
  DescribeTaskSets: describeTaskSets,
  UpdateTaskSet: updateTaskSet,
  UpdateServicePrimaryTaskSet: updateServicePrimaryTaskSet,
  DeleteTaskSet: deleteTaskSet,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};
