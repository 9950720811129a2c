/**
 * Narrow ports over the AWS SDK v3 clients: only the operations ecsdeploy uses. Built by one factory
 * (`createAwsPorts` in `clients.ts`) over real clients, so aws-sdk-client-mock, the in-process sandbox and an
 * emulator endpoint all plug in below them. Other folders import these *types* only.
 */
import type * as cd from '@aws-sdk/client-codedeploy';
import type * as cw from '@aws-sdk/client-cloudwatch';
import type * as ecs from '@aws-sdk/client-ecs';
import type * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import type * as eb from '@aws-sdk/client-eventbridge';
import type * as sns from '@aws-sdk/client-sns';

/** Every port method takes the SDK input and an optional abort signal, and returns the SDK output. */
type Op<I, O> = (input: I, options?: { signal?: AbortSignal }) => Promise<O>;

export interface EcsPort {
  describeServices: Op<ecs.DescribeServicesCommandInput, ecs.DescribeServicesCommandOutput>;
  describeTaskDefinition: Op<ecs.DescribeTaskDefinitionCommandInput, ecs.DescribeTaskDefinitionCommandOutput>;
  registerTaskDefinition: Op<ecs.RegisterTaskDefinitionCommandInput, ecs.RegisterTaskDefinitionCommandOutput>;
  deregisterTaskDefinition: Op<ecs.DeregisterTaskDefinitionCommandInput, ecs.DeregisterTaskDefinitionCommandOutput>;
  listTaskDefinitions: Op<ecs.ListTaskDefinitionsCommandInput, ecs.ListTaskDefinitionsCommandOutput>;
  createService: Op<ecs.CreateServiceCommandInput, ecs.CreateServiceCommandOutput>;
  updateService: Op<ecs.UpdateServiceCommandInput, ecs.UpdateServiceCommandOutput>;
  listServices: Op<ecs.ListServicesCommandInput, ecs.ListServicesCommandOutput>;
  /** Cleanup: every cluster of the region, whose services may run a revision of a family being cleaned up. */
  listClusters: Op<ecs.ListClustersCommandInput, ecs.ListClustersCommandOutput>;
  runTask: Op<ecs.RunTaskCommandInput, ecs.RunTaskCommandOutput>;
  describeTasks: Op<ecs.DescribeTasksCommandInput, ecs.DescribeTasksCommandOutput>;
  listTasks: Op<ecs.ListTasksCommandInput, ecs.ListTasksCommandOutput>;
  stopTask: Op<ecs.StopTaskCommandInput, ecs.StopTaskCommandOutput>;
  listServiceDeployments: Op<ecs.ListServiceDeploymentsCommandInput, ecs.ListServiceDeploymentsCommandOutput>;
  describeServiceDeployments: Op<ecs.DescribeServiceDeploymentsCommandInput, ecs.DescribeServiceDeploymentsCommandOutput>;
  describeServiceRevisions: Op<ecs.DescribeServiceRevisionsCommandInput, ecs.DescribeServiceRevisionsCommandOutput>;
  tagResource: Op<ecs.TagResourceCommandInput, ecs.TagResourceCommandOutput>;
  untagResource: Op<ecs.UntagResourceCommandInput, ecs.UntagResourceCommandOutput>;
  listTagsForResource: Op<ecs.ListTagsForResourceCommandInput, ecs.ListTagsForResourceCommandOutput>;
  describeClusters: Op<ecs.DescribeClustersCommandInput, ecs.DescribeClustersCommandOutput>;
}

export interface CodeDeployPort {
  getApplication: Op<cd.GetApplicationCommandInput, cd.GetApplicationCommandOutput>;
  getDeploymentGroup: Op<cd.GetDeploymentGroupCommandInput, cd.GetDeploymentGroupCommandOutput>;
  createDeployment: Op<cd.CreateDeploymentCommandInput, cd.CreateDeploymentCommandOutput>;
  getDeployment: Op<cd.GetDeploymentCommandInput, cd.GetDeploymentCommandOutput>;
  listDeployments: Op<cd.ListDeploymentsCommandInput, cd.ListDeploymentsCommandOutput>;
  continueDeployment: Op<cd.ContinueDeploymentCommandInput, cd.ContinueDeploymentCommandOutput>;
  stopDeployment: Op<cd.StopDeploymentCommandInput, cd.StopDeploymentCommandOutput>;
  getDeploymentTarget: Op<cd.GetDeploymentTargetCommandInput, cd.GetDeploymentTargetCommandOutput>;
  /** `init`: find the deployment group that deploys a CODE_DEPLOY service (application → groups → details). */
  listApplications: Op<cd.ListApplicationsCommandInput, cd.ListApplicationsCommandOutput>;
  listDeploymentGroups: Op<cd.ListDeploymentGroupsCommandInput, cd.ListDeploymentGroupsCommandOutput>;
  batchGetDeploymentGroups: Op<cd.BatchGetDeploymentGroupsCommandInput, cd.BatchGetDeploymentGroupsCommandOutput>;
}

export interface Elbv2Port {
  describeRules: Op<elb.DescribeRulesCommandInput, elb.DescribeRulesCommandOutput>;
  modifyRule: Op<elb.ModifyRuleCommandInput, elb.ModifyRuleCommandOutput>;
  describeListeners: Op<elb.DescribeListenersCommandInput, elb.DescribeListenersCommandOutput>;
  modifyListener: Op<elb.ModifyListenerCommandInput, elb.ModifyListenerCommandOutput>;
  describeTargetGroups: Op<elb.DescribeTargetGroupsCommandInput, elb.DescribeTargetGroupsCommandOutput>;
  describeTargetHealth: Op<elb.DescribeTargetHealthCommandInput, elb.DescribeTargetHealthCommandOutput>;
}

export interface CloudWatchPort {
  describeAlarms: Op<cw.DescribeAlarmsCommandInput, cw.DescribeAlarmsCommandOutput>;
  getMetricData: Op<cw.GetMetricDataCommandInput, cw.GetMetricDataCommandOutput>;
}

export interface EventBridgePort {
  describeRule: Op<eb.DescribeRuleCommandInput, eb.DescribeRuleCommandOutput>;
  listTargetsByRule: Op<eb.ListTargetsByRuleCommandInput, eb.ListTargetsByRuleCommandOutput>;
  putTargets: Op<eb.PutTargetsCommandInput, eb.PutTargetsCommandOutput>;
}

export interface SnsPort {
  publish: Op<sns.PublishCommandInput, sns.PublishCommandOutput>;
}

/** Counts every call by `Service.Operation` (attempts after retries are not counted twice). */
export interface CallCounter {
  counts(): Record<string, number>;
  total(): number;
}

export interface AwsPorts {
  region: string;
  ecs: EcsPort;
  codedeploy: CodeDeployPort;
  elbv2: Elbv2Port;
  cloudwatch: CloudWatchPort;
  events: EventBridgePort;
  sns: SnsPort;
  calls: CallCounter;
}

/** Re-exported SDK types the rest of the code may name (type-only). */
export type {
  Deployment as EcsDeployment,
  Service as EcsService,
  Task as EcsTask,
  TaskDefinition as EcsTaskDefinition,
} from '@aws-sdk/client-ecs';
