/**
 * Narrow ports over the AWS SDK v3 clients: only the operations ecsdeploy uses. Built by one factory
 * (`createAwsPorts` in `clients.ts`) over real clients, so aws-sdk-client-mock, the in-process sandbox and an
 * emulator endpoint all plug in below them. Other folders import these *types* only.
 */
import type * as cd from '@aws-sdk/client-codedeploy';
import type * as cw from '@aws-sdk/client-cloudwatch';
import type * as logs from '@aws-sdk/client-cloudwatch-logs';
import type * as ecs from '@aws-sdk/client-ecs';
import type * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import type * as eb from '@aws-sdk/client-eventbridge';
import type * as cfn from '@aws-sdk/client-cloudformation';
import type * as ecr from '@aws-sdk/client-ecr';
import type * as s3 from '@aws-sdk/client-s3';
import type * as sm from '@aws-sdk/client-secrets-manager';
import type * as sns from '@aws-sdk/client-sns';
import type * as ssm from '@aws-sdk/client-ssm';

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
  /** ECS-native strategies: answer a PAUSE hook (CONTINUE or ROLLBACK). */
  continueServiceDeployment: Op<ecs.ContinueServiceDeploymentCommandInput, ecs.ContinueServiceDeploymentCommandOutput>;
  /** ECS-native strategies: roll a deployment back that no pause hook holds. */
  stopServiceDeployment: Op<ecs.StopServiceDeploymentCommandInput, ecs.StopServiceDeploymentCommandOutput>;
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
  /** Blue-green: the deployment's target (an ECS deployment has one: `cluster:service`), then its lifecycle and task sets. */
  listDeploymentTargets: Op<cd.ListDeploymentTargetsCommandInput, cd.ListDeploymentTargetsCommandOutput>;
  batchGetDeploymentTargets: Op<cd.BatchGetDeploymentTargetsCommandInput, cd.BatchGetDeploymentTargetsCommandOutput>;
  /** Blue-green: how a deployment config shifts production traffic (how long a production-traffic gate holds). */
  getDeploymentConfig: Op<cd.GetDeploymentConfigCommandInput, cd.GetDeploymentConfigCommandOutput>;
}

export interface Elbv2Port {
  describeRules: Op<elb.DescribeRulesCommandInput, elb.DescribeRulesCommandOutput>;
  modifyRule: Op<elb.ModifyRuleCommandInput, elb.ModifyRuleCommandOutput>;
  describeListeners: Op<elb.DescribeListenersCommandInput, elb.DescribeListenersCommandOutput>;
  modifyListener: Op<elb.ModifyListenerCommandInput, elb.ModifyListenerCommandOutput>;
  describeTargetGroups: Op<elb.DescribeTargetGroupsCommandInput, elb.DescribeTargetGroupsCommandOutput>;
  describeTargetHealth: Op<elb.DescribeTargetHealthCommandInput, elb.DescribeTargetHealthCommandOutput>;
  /** The canary reads the canary target group's deregistration delay before scaling it in. */
  describeTargetGroupAttributes: Op<elb.DescribeTargetGroupAttributesCommandInput, elb.DescribeTargetGroupAttributesCommandOutput>;
}

export interface CloudWatchPort {
  describeAlarms: Op<cw.DescribeAlarmsCommandInput, cw.DescribeAlarmsCommandOutput>;
  getMetricData: Op<cw.GetMetricDataCommandInput, cw.GetMetricDataCommandOutput>;
}

/**
 * CloudWatch Logs: what the containers of a task printed (the awslogs log driver), for the diagnosis of a failed
 * rollout or one-off task and for `ecsdeploy run`, which streams them. Reads only.
 */
export interface LogsPort {
  getLogEvents: Op<logs.GetLogEventsCommandInput, logs.GetLogEventsCommandOutput>;
  filterLogEvents: Op<logs.FilterLogEventsCommandInput, logs.FilterLogEventsCommandOutput>;
  describeLogStreams: Op<logs.DescribeLogStreamsCommandInput, logs.DescribeLogStreamsCommandOutput>;
}

export interface EventBridgePort {
  describeRule: Op<eb.DescribeRuleCommandInput, eb.DescribeRuleCommandOutput>;
  listTargetsByRule: Op<eb.ListTargetsByRuleCommandInput, eb.ListTargetsByRuleCommandOutput>;
  putTargets: Op<eb.PutTargetsCommandInput, eb.PutTargetsCommandOutput>;
}

export interface SnsPort {
  publish: Op<sns.PublishCommandInput, sns.PublishCommandOutput>;
}

/** SSM Parameter Store: `${ssm:...}` and `${ssm-arn:...}` (GetParameters, up to 10 names per call). */
export interface SsmPort {
  getParameters: Op<ssm.GetParametersCommandInput, ssm.GetParametersCommandOutput>;
}

/** Secrets Manager: only the ARN of a secret (`${secretsmanager-arn:...}`), never its value. */
export interface SecretsManagerPort {
  describeSecret: Op<sm.DescribeSecretCommandInput, sm.DescribeSecretCommandOutput>;
}

/** S3: Terraform states (`${tfstate:...}` with `s3:`), read whole as text. */
export interface S3Port {
  /** GetObject with the body read as UTF-8 text. */
  getObjectText: Op<s3.GetObjectCommandInput, { text: string }>;
}

/** CloudFormation: stack outputs (`${cfn:STACK.OutputKey}`). */
export interface CloudFormationPort {
  describeStacks: Op<cfn.DescribeStacksCommandInput, cfn.DescribeStacksCommandOutput>;
}

/** ECR: the digest an image tag points to (image pinning), as the registry stores it. */
export interface EcrPort {
  describeImages: Op<ecr.DescribeImagesCommandInput, ecr.DescribeImagesCommandOutput>;
}

/**
 * The ports lookups and image pinning use. Their SDK clients are loaded only when a manifest has lookups or
 * pinned images (`createLookupPorts` in clients.ts), and each is made on first use.
 */
export interface LookupPorts {
  region: string;
  ssm(): SsmPort;
  secretsManager(): SecretsManagerPort;
  s3(): S3Port;
  cloudformation(): CloudFormationPort;
  /** ECR in a region (an image's registry names its region). */
  ecr(region: string): EcrPort;
  calls: CallCounter;
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
  /**
   * CloudWatch Logs in a region (a container's `awslogs-region`; default the run's). Its SDK client is loaded on
   * first use: a run that never reads a log never parses it.
   * @default absent (ports built by hand in tests: no logs are read)
   */
  logs?: (region?: string) => Promise<LogsPort>;
  calls: CallCounter;
}

/** Re-exported SDK types the rest of the code may name (type-only). */
export type {
  Deployment as EcsDeployment,
  ServiceDeployment as EcsServiceDeployment,
  Service as EcsService,
  Task as EcsTask,
  TaskDefinition as EcsTaskDefinition,
} from '@aws-sdk/client-ecs';
