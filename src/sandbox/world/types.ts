/**
 * The world's state: plain JSON (times are epoch milliseconds), so it serializes to a `--state` file and
 * snapshots compare with `toEqual`. API handlers turn it into SDK output shapes (with `Date`s) on the way out.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Tag {
  key: string;
  value: string;
}

/** What a task's images do, resolved from the scenario when the task is created. */
export interface TaskBehaviour {
  startSeconds: number;
  crashOnStart: boolean;
  exitCode: number | undefined;
  failHealthChecks: boolean;
  errorRate: number;
  latencyMs: number;
}

export interface ContainerState {
  name: string;
  image: string;
  essential: boolean;
  lastStatus: string;
  exitCode?: number;
  reason?: string;
  healthStatus?: string;
  /** What the scenario says the container prints when it starts (written to its awslogs stream then). */
  output?: string[];
}

export interface TaskState {
  taskArn: string;
  clusterArn: string;
  /** `service:NAME` for service tasks, `family:FAMILY` for RunTask. */
  group: string;
  serviceName?: string;
  /** Deployment id (ECS controller) or task set id (CODE_DEPLOY) the task belongs to. */
  ownerId?: string;
  startedBy?: string;
  taskDefinitionArn: string;
  launchType: string;
  /** Set when the task was placed by a capacity provider strategy. */
  capacityProviderName?: string;
  platformVersion?: string;
  cpu?: string;
  memory?: string;
  lastStatus: string;
  desiredStatus: string;
  healthStatus: string;
  createdAt: number;
  pullStartedAt?: number;
  pullStoppedAt?: number;
  startedAt?: number;
  stoppingAt?: number;
  stoppedAt?: number;
  executionStoppedAt?: number;
  stoppedReason?: string;
  stopCode?: string;
  containers: ContainerState[];
  behaviour: TaskBehaviour;
  privateIp: string;
  availabilityZone: string;
  overrides?: JsonObject;
  tags: Tag[];
  /** Planned transitions (ms). */
  pendingAt: number;
  runningAt: number;
  /** When the task counts as healthy for minimumHealthyPercent (§1.2), once known. */
  healthyAt?: number;
  /** When a failing health check is detected (container HC or target health), once known. */
  unhealthyAt?: number;
  /** RunTask tasks: when the essential container exits by itself. */
  exitAt?: number;
  /** Stop progression: when draining ends and the task is finally STOPPED. */
  drainUntil?: number;
  stopAt?: number;
  /** Target groups the task is registered with (ARN → port). */
  targets: { targetGroupArn: string; port: number }[];
  /** Has the health outcome (healthy or failed) already been reported to the scheduler? */
  healthReported?: boolean;
  counted?: 'healthy' | 'failed';
  hasContainerHealthCheck: boolean;
  hcGraceUntil?: number;
}

export interface DeploymentState {
  id: string;
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
  taskDefinition: string;
  desiredCount: number;
  createdAt: number;
  updatedAt: number;
  launchType?: string;
  platformVersion?: string;
  networkConfiguration?: JsonObject;
  rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
  rolloutStateReason: string;
  failedTasks: number;
  /** Consecutive launch failures, for the scheduler's back-off (§1.7 "unable to consistently start tasks"). */
  consecutiveFailures: number;
  backoffUntil?: number;
  serviceDeploymentArn: string;
  serviceRevisionArn: string;
  /** Deployment alarms already in ALARM when the deployment started: not monitored (§1.5). */
  ignoredAlarms: string[];
  bakeUntil?: number;
  /** Set on the deployment a rollback created: the service deployment it rolls back. */
  rollbackOf?: string;
  unableReported?: boolean;
  backoffReported?: boolean;
}

export interface TaskSetState {
  id: string;
  taskSetArn: string;
  status: 'PRIMARY' | 'ACTIVE' | 'DRAINING';
  taskDefinition: string;
  startedBy?: string;
  externalId?: string;
  scale: number;
  capacityProviderStrategy?: JsonObject[];
  createdAt: number;
  updatedAt: number;
  stabilityStatus: 'STEADY_STATE' | 'STABILIZING';
  stabilityStatusAt: number;
  launchType?: string;
  platformVersion?: string;
  networkConfiguration?: JsonObject;
  loadBalancers: JsonObject[];
  consecutiveFailures: number;
  backoffUntil?: number;
}

export interface ServiceEvent {
  id: string;
  createdAt: number;
  message: string;
}

export interface ServiceState {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  /** '' for an EXTERNAL service created without one (its primary task set's once there is one). */
  taskDefinition: string;
  launchType?: string;
  platformVersion?: string;
  schedulingStrategy: string;
  deploymentController: { type: string };
  deploymentConfiguration: JsonObject;
  networkConfiguration?: JsonObject;
  loadBalancers: JsonObject[];
  serviceRegistries: JsonObject[];
  capacityProviderStrategy?: JsonObject[];
  placementConstraints: JsonObject[];
  placementStrategy: JsonObject[];
  /** The IAM role ECS uses for the load balancer (CreateService `role`), as an ARN. */
  roleArn?: string;
  healthCheckGracePeriodSeconds?: number;
  enableECSManagedTags: boolean;
  enableExecuteCommand: boolean;
  propagateTags: string;
  availabilityZoneRebalancing?: string;
  /** CreateService members the sandbox does not model, kept and returned as given. */
  extra: JsonObject;
  deployments: DeploymentState[];
  taskSets: TaskSetState[];
  events: ServiceEvent[];
  /** Tasks of this service not yet pruned (live and recently stopped). */
  taskArns: string[];
  createdAt: number;
  createdBy: string;
  /** The most recent deployment that reached COMPLETED: the circuit breaker's rollback target (§1.4). */
  lastCompleted?: { id: string; taskDefinition: string };
  steady: boolean;
  currentServiceDeployment?: string;
  /**
   * ECS-native blue/green: the target group serving production now, when it is the alternate one (target groups
   * alternate between deployments, §1.8). Unset: the configured `loadBalancers[].targetGroupArn`.
   */
  productionTargetGroup?: string;
}

export interface ClusterState {
  clusterArn: string;
  clusterName: string;
  status: string;
  createdAt: number;
  services: Record<string, ServiceState>;
  settings: JsonObject[];
  /** Capacity providers associated with the cluster (the built-in FARGATE and FARGATE_SPOT). */
  capacityProviders?: string[];
  /** Used by services and RunTask that name neither a launch type nor a strategy. */
  defaultCapacityProviderStrategy?: JsonObject[];
  configuration?: JsonObject;
  serviceConnectDefaults?: JsonObject;
}

export interface TaskDefinitionState {
  /** The described task definition (SDK shape, defaults filled, times as ms under registeredAt/deregisteredAt). */
  td: JsonObject;
  tags: Tag[];
}

export interface ServiceDeploymentState {
  serviceDeploymentArn: string;
  serviceArn: string;
  clusterArn: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  stoppedAt?: number;
  updatedAt: number;
  sourceServiceRevisions: string[];
  targetServiceRevision: string;
  status: string;
  statusReason?: string;
  deploymentConfiguration: JsonObject;
  rollback?: { reason: string; startedAt: number; serviceRevisionArn: string };
  circuitBreaker: { status: string; failureCount: number; threshold: number };
  alarms: { status: string; alarmNames: string[]; triggeredAlarmNames: string[] };
  /** ECS deployment id behind it. */
  deploymentId: string;
  /** BLUE_GREEN, LINEAR and CANARY deployments: where the lifecycle stands (ecs/service-deployment-lifecycle.ts). */
  native?: NativeLifecycleState;
}

/** One run of a lifecycle hook at the current stage, as `lifecycleHookDetails` reports it (§1.9). */
export interface LifecycleHookRunState {
  hookId: string;
  targetType: 'AWS_LAMBDA' | 'PAUSE';
  targetArn?: string;
  status: 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  expiresAt: number;
  timeoutAction: 'ROLLBACK' | 'CONTINUE';
  /** A Lambda hook: when the current invocation answers. */
  answerAt?: number;
  /** The hook's `hookDetails`, as configured (passed to a Lambda; names the owner of an ecsdeploy pause hook). */
  hookDetails?: Json;
}

/**
 * An ECS-native deployment's lifecycle (§1.8): the stage it is in, the production steps (green's share of
 * production traffic after each), the target groups and listener rules it moves traffic between, the hooks running.
 */
export interface NativeLifecycleState {
  strategy: 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
  stage: string;
  stageSince: number;
  /** Green's production percentage after each step: BLUE_GREEN [100], LINEAR [10, 20, …, 100], CANARY [5, 100]. */
  steps: number[];
  /** Production steps taken so far. */
  stepsDone: number;
  stepBakeMs: number;
  bakeMs: number;
  /** When the stage's timed wait ends (a step's bake, the bake time). */
  waitUntil?: number;
  /** The deployment serving production when this one started (undefined: the service had none). */
  blueDeploymentId?: string;
  blueTargetGroup?: string;
  greenTargetGroup?: string;
  productionRule?: string;
  testRule?: string;
  /** Green's share of production and test traffic, in percent. */
  productionWeight: number;
  testWeight: number;
  hooks: LifecycleHookRunState[];
}

export interface ServiceRevisionState {
  serviceRevisionArn: string;
  serviceArn: string;
  clusterArn: string;
  taskDefinition: string;
  createdAt: number;
  launchType?: string;
  platformVersion?: string;
  networkConfiguration?: JsonObject;
  loadBalancers: JsonObject[];
  containerImages: { containerName: string; image: string }[];
  /** ECS-native blue/green: the target group this revision was deployed to and the production rule (§1.8). */
  resolvedLoadBalancers?: { targetGroupArn?: string; productionListenerRule?: string }[];
}

// ---------------------------------------------------------------------------------------------- ELBv2

export interface LoadBalancerState {
  arn: string;
  name: string;
  type: string;
  scheme: string;
  createdAt: number;
  vpcId: string;
  securityGroups: string[];
  subnets: string[];
  tags?: Tag[];
  ipAddressType?: string;
  dnsName?: string;
  /** A load balancer created through the API is `provisioning` until then (seeded ones are active at once). */
  provisioningUntil?: number;
  /** DescribeLoadBalancerAttributes' attributes that differ from the defaults of the load balancer's type. */
  attributes?: Record<string, string>;
}

export interface TargetState {
  id: string;
  port: number;
  state: 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unused';
  /** Time of the next state change, if one is planned. */
  healthyAt?: number;
  unhealthyAt?: number;
  drainUntil?: number;
  /** Task behind the target (sandbox-internal). */
  taskArn?: string;
}

export interface TargetGroupState {
  arn: string;
  name: string;
  protocol: string;
  port: number;
  vpcId: string;
  targetType: string;
  healthCheck: {
    protocol: string;
    port: string;
    path: string;
    intervalSeconds: number;
    timeoutSeconds: number;
    healthyThresholdCount: number;
    unhealthyThresholdCount: number;
    matcher: string;
  };
  deregistrationDelaySeconds: number;
  targets: TargetState[];
  tags: Tag[];
  /** Target group attributes set by ModifyTargetGroupAttributes (deregistration delay is its own member). */
  attributes?: Record<string, string>;
  ipAddressType?: string;
  healthCheckEnabled?: boolean;
}

export interface ListenerState {
  arn: string;
  loadBalancerArn: string;
  /** 0 on a Gateway Load Balancer's listener, which has neither port nor protocol. */
  port: number;
  protocol: string;
  defaultActions: JsonObject[];
  tags?: Tag[];
  certificates?: JsonObject[];
  sslPolicy?: string;
  alpnPolicy?: string[];
}

export interface RuleState {
  arn: string;
  listenerArn: string;
  priority: string;
  conditions: JsonObject[];
  actions: JsonObject[];
  isDefault: boolean;
  tags?: Tag[];
}

// ---------------------------------------------------------------------------------------------- CloudWatch

/** One datapoint aggregated over one minute (or what PutMetricData sent at that second). */
export interface DatapointState {
  t: number;
  sum: number;
  count: number;
  min: number;
  max: number;
  /** Individual values kept for percentiles (bounded). */
  values?: number[];
  /** The unit PutMetricData gave (AWS keeps datapoints of different units of one metric apart). */
  unit?: string;
}

export interface MetricSeriesState {
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: string }[];
  points: DatapointState[];
}

export interface AlarmState {
  /** The PutMetricAlarm input as given (numbers coerced), returned by DescribeAlarms. */
  config: JsonObject;
  name: string;
  arn: string;
  stateValue: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  stateReason: string;
  stateReasonData?: string;
  stateUpdatedAt: number;
  stateTransitionedAt: number;
  configurationUpdatedAt: number;
  /** Set by SetAlarmState: held until the next evaluation after this time (AWS re-evaluates at the next period). */
  manualUntil?: number;
  composite: boolean;
}

// ---------------------------------------------------------------------------------------------- CodeDeploy

export interface CodeDeployApplicationState {
  applicationId: string;
  applicationName: string;
  computePlatform: string;
  createTime: number;
  tags?: { Key: string; Value: string }[];
}

/** The ECS blue/green lifecycle events (§2.3); codedeploy/lifecycle.ts lists them in the order CodeDeploy runs them. */
export type LifecycleEventName =
  | 'BeforeInstall'
  | 'Install'
  | 'AfterInstall'
  | 'AllowTestTraffic'
  | 'AfterAllowTestTraffic'
  | 'BeforeAllowTraffic'
  | 'AllowTraffic'
  | 'AfterAllowTraffic';
export type LifecycleEventStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped';

/** Why a lifecycle event failed, as BatchGetDeploymentTargets reports it. */
export interface LifecycleEventDiagnostics {
  errorCode: string;
  scriptName: string;
  message: string;
  logTail: string;
}

export interface LifecycleEventState {
  lifecycleEventName: LifecycleEventName;
  status: LifecycleEventStatus;
  startTime?: number;
  endTime?: number;
  diagnostics?: LifecycleEventDiagnostics;
}

/** The lifecycle events an AppSpec may name a Lambda function for (§2.1). */
export type HookEventName = 'BeforeInstall' | 'AfterInstall' | 'AfterAllowTestTraffic' | 'BeforeAllowTraffic' | 'AfterAllowTraffic';

/** A hook the deployment is running: which event, the phase after it, and when its function answers. */
export interface RunningHook {
  event: HookEventName;
  then: CodeDeployPhase;
  /** Epoch ms the function's answer arrives (or CodeDeploy gives up on it). */
  answerAt: number;
  answer: 'Succeeded' | 'Failed' | 'TimedOut';
  message?: string;
}

/** GetDeployment's `status` (§2.3); the sandbox never queues, so `Queued` and `Baking` do not occur. */
export type CodeDeployStatus = 'Created' | 'InProgress' | 'Ready' | 'Succeeded' | 'Failed' | 'Stopped';

/**
 * Where the simulated lifecycle stands; each phase but `done` is one named step of codedeploy/lifecycle.ts:
 * Created → CreateReplacement → Install → AllowTestTraffic → AwaitReady → [ReadyWait] → BeforeAllowTraffic →
 * StartTrafficShift → AllowTraffic → EnterTerminationWait → TerminationWait → done, with `Hook` (a Lambda hook
 * running) between them where the AppSpec names one.
 */
export type CodeDeployPhase =
  | 'Created'
  | 'CreateReplacement'
  | 'Install'
  | 'AllowTestTraffic'
  | 'AwaitReady'
  | 'ReadyWait'
  | 'BeforeAllowTraffic'
  | 'StartTrafficShift'
  | 'AllowTraffic'
  | 'EnterTerminationWait'
  | 'TerminationWait'
  | 'Hook'
  | 'done';

export interface AutoRollbackConfiguration {
  enabled: boolean;
  events: string[];
}

export interface CodeDeployDeploymentState {
  deploymentId: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  status: CodeDeployStatus;
  creator: string;
  description?: string;
  createTime: number;
  startTime?: number;
  completeTime?: number;
  errorInformation?: { code: string; message: string };
  rollbackInfo?: { rollbackMessage: string };
  /** CreateDeployment's override of the group's setting, as given. */
  autoRollbackConfiguration?: JsonObject;
  appSpec: { sha256: string | null; content: string };
  taskDefinition: string;
  containerName: string;
  containerPort: number;
  /** What the AppSpec sets for the replacement task set besides its task definition (absent: the service's own). */
  replacement?: { networkConfiguration?: JsonObject; platformVersion?: string; capacityProviderStrategy?: JsonObject[] };
  /** Lifecycle event → Lambda function, from the AppSpec's `Hooks`. */
  hooks?: Partial<Record<HookEventName, string>>;
  /** The hook running now (phase `Hook`). */
  hook?: RunningHook;
  phase: CodeDeployPhase;
  phaseSince: number;
  greenTaskSetId?: string;
  blueTaskSetId?: string;
  blueTargetGroup?: string;
  greenTargetGroup?: string;
  /** Percentage of production traffic on the replacement (green) target group. */
  trafficShifted: number;
  nextShiftAt?: number;
  readyUntil?: number;
  terminateAt?: number;
  lifecycleEvents: LifecycleEventState[];
  /** Group alarms already in ALARM when the deployment was created: not held against it (§2.5). */
  ignoredAlarms: string[];
  statusMessages: string[];
}

export interface DeploymentGroupState {
  applicationName: string;
  deploymentGroupName: string;
  deploymentGroupId: string;
  /** The CreateDeploymentGroup input as given (returned by GetDeploymentGroup); codedeploy/group.ts reads it typed. */
  config: JsonObject;
  tags?: { Key: string; Value: string }[];
}

// ---------------------------------------------------------------------------------------------- EventBridge, SNS

export interface EventRuleState {
  name: string;
  arn: string;
  eventBusName: string;
  scheduleExpression?: string;
  eventPattern?: string;
  state: string;
  description?: string;
  roleArn?: string;
  targets: JsonObject[];
  /** TagResource / PutRule `Tags` (PutRule on an existing rule keeps them, as EventBridge does). */
  tags?: { Key: string; Value: string }[];
}

export interface SnsTopicState {
  topicArn: string;
  name: string;
  attributes: Record<string, string>;
}

export interface SnsMessageState {
  messageId: string;
  topicArn: string;
  subject?: string;
  message: string;
  publishedAt: number;
}

// ---------------------------------------------------------------------------------------------- CloudWatch Logs

export interface LogEventState {
  timestamp: number;
  message: string;
  ingestionTime: number;
  /** FilterLogEvents' `eventId`. */
  eventId: string;
}

export interface LogStreamState {
  name: string;
  createdAt: number;
  /** In timestamp order (PutLogEvents refuses a batch out of order; tasks write at the current time). */
  events: LogEventState[];
  storedBytes: number;
  lastIngestionTime?: number;
  /** PutLogEvents calls so far: the `nextSequenceToken` it answers. */
  uploads: number;
}

export interface LogGroupState {
  name: string;
  arn: string;
  createdAt: number;
  retentionInDays?: number;
  streams: Record<string, LogStreamState>;
}

export interface WorldState {
  version: 1;
  region: string;
  accountId: string;
  /** Simulated time the state has been advanced to. */
  now: number;
  rng: number;
  ipSeq: number;
  ecs: {
    clusters: Record<string, ClusterState>;
    taskDefinitions: Record<string, TaskDefinitionState[]>;
    tasks: Record<string, TaskState>;
    resourceTags: Record<string, Tag[]>;
    serviceDeployments: Record<string, ServiceDeploymentState>;
    serviceRevisions: Record<string, ServiceRevisionState>;
  };
  elbv2: {
    loadBalancers: Record<string, LoadBalancerState>;
    targetGroups: Record<string, TargetGroupState>;
    listeners: Record<string, ListenerState>;
    rules: Record<string, RuleState>;
  };
  cloudwatch: {
    metrics: Record<string, MetricSeriesState>;
    alarms: Record<string, AlarmState>;
    /** Last whole minute for which ALB traffic metrics were generated. */
    trafficMinute: number;
  };
  codedeploy: {
    applications: Record<string, CodeDeployApplicationState>;
    groups: Record<string, DeploymentGroupState>;
    deployments: Record<string, CodeDeployDeploymentState>;
  };
  events: { rules: Record<string, EventRuleState> };
  sns: { topics: Record<string, SnsTopicState>; messages: SnsMessageState[] };
  /**
   * CloudWatch Logs: log groups by name. Made on first use, so a state saved before the sandbox served logs
   * still loads.
   */
  logs?: { groups: Record<string, LogGroupState>; eventSeq: number };
  /** What is in motion: only these are advanced, so idle services cost nothing (perf). */
  active: { services: string[]; tasks: string[]; deployments: string[] };
  /** Stopped tasks in stop order, pruned an hour after they stop (ECS keeps stopped tasks visible ~1 h). */
  stoppedTasks: string[];
}
