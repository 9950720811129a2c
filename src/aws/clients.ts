/**
 * The single place SDK clients are built (house style 7.4). Everything about reaching AWS is decided here once:
 * region, credentials (chain, profile, assumed role, static keys), endpoint overrides, retries, user agent and
 * call accounting. The rest of the code sees {@link AwsPorts} only.
 *
 * The engine is handed `env` instead of reading `process.env` (so tests and the sandbox can run side by side
 * in one process). The SDK itself reads `process.env` for endpoints, region, retries and environment
 * credentials, so every one of those is resolved here from `env` and passed to the clients explicitly.
 */
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  BatchGetDeploymentGroupsCommand,
  BatchGetDeploymentTargetsCommand,
  CodeDeployClient,
  ContinueDeploymentCommand,
  CreateDeploymentCommand,
  GetApplicationCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListApplicationsCommand,
  ListDeploymentGroupsCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  ContinueServiceDeploymentCommand,
  CreateServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListClustersCommand,
  ListServiceDeploymentsCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  StopServiceDeploymentCommand,
  StopTaskCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeRuleCommand, EventBridgeClient, ListTargetsByRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { setMaxListeners } from 'node:events';
import { fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { UsageError } from '../errors/index.js';
import type { Clock } from '../util/clock.js';
import { VERSION } from '../util/version.js';
import { createCallCounter, type MutableCallCounter } from './call-counter.js';
import { createClockRetryStrategy } from './clock-retry.js';
import { toAwsApiError } from './errors.js';
import { assertProfileExists } from './profiles.js';
import type {
  AwsPorts,
  CloudWatchPort,
  CodeDeployPort,
  EcsPort,
  Elbv2Port,
  EventBridgePort,
  LogsPort,
  LookupPorts,
  SnsPort,
} from './ports.js';
import { AWS_SERVICES, type AwsServiceKey } from './services.js';

export interface StaticCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwsConfig {
  /** `--region`. */
  region?: string;
  /** The manifest's `region:`, used when neither the flag nor the environment names one. */
  defaultRegion?: string;
  /** `--profile` (else `AWS_PROFILE` from `env`). */
  profile?: string;
  /** `--endpoint-url`: every service goes there. */
  endpointUrl?: string;
  assumeRoleArn?: string;
  externalId?: string;
  /** `--aws-access-key` / `--aws-secret-key` (parity with the old scripts). */
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  /** Attempts per call, retries included; default 8 (else `AWS_MAX_ATTEMPTS`). */
  maxAttempts?: number;
  /** The environment to resolve from (the CLI passes its context's, never read from `process` here). */
  env: Record<string, string | undefined>;
  /** An SDK `HttpHandler` (the in-process sandbox); typed loosely so callers need not import the SDK. */
  requestHandler?: unknown;
  /** Fixed credentials (the sandbox's); bypass the credential chain. */
  credentials?: StaticCredentials;
  /**
   * Wait between retries on this clock instead of in real time: the in-process sandbox's, so that a throttled
   * rehearsal costs simulated seconds, not real ones. Unset (AWS): the SDK's own adaptive retries.
   */
  retryClock?: Clock;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * `--region`, else `AWS_REGION` / `AWS_DEFAULT_REGION` from `env`, else the manifest's region. There is no
 * silent default region: deploying to the wrong one is worse than stopping.
 */
export function resolveRegion(config: Pick<AwsConfig, 'region' | 'defaultRegion' | 'env'>): string {
  const candidates: [string, string | undefined][] = [
    ['--region', config.region],
    ['AWS_REGION', config.env.AWS_REGION],
    ['AWS_DEFAULT_REGION', config.env.AWS_DEFAULT_REGION],
    ['the manifest', config.defaultRegion],
  ];
  for (const [from, value] of candidates) {
    const region = value?.trim();
    if (!region) continue;
    // A region is one DNS label; anything else would build a nonsense endpoint host.
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(region)) {
      throw new UsageError('AWS_REGION_INVALID', `the region ${JSON.stringify(region)} from ${from} is not a valid AWS region name`, {
        hint: 'regions look like us-east-1 or eu-west-3',
      });
    }
    return region;
  }
  throw new UsageError('AWS_REGION_MISSING', 'no AWS region: none was given and the manifest does not set one', {
    hint: 'pass --region, set AWS_REGION, or add `region:` to the manifest',
  });
}

/**
 * The endpoint for one service: `--endpoint-url`, else `AWS_ENDPOINT_URL_<SERVICE>`, else `AWS_ENDPOINT_URL`
 * (the SDK's own precedence, "Service-specific endpoints" in the AWS SDKs reference), all read from `env`.
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` turns the environment ones off, as it does for the SDK.
 */
export function resolveEndpoint(service: AwsServiceKey, config: Pick<AwsConfig, 'endpointUrl' | 'env'>): string | undefined {
  if (config.endpointUrl) return config.endpointUrl;
  if ((config.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').toLowerCase() === 'true') return undefined;
  return config.env[`AWS_ENDPOINT_URL_${AWS_SERVICES[service].envSuffix}`] || config.env.AWS_ENDPOINT_URL || undefined;
}

export function resolveMaxAttempts(config: Pick<AwsConfig, 'maxAttempts' | 'env'>): number {
  const raw = config.maxAttempts ?? (config.env.AWS_MAX_ATTEMPTS ? Number(config.env.AWS_MAX_ATTEMPTS) : DEFAULT_MAX_ATTEMPTS);
  if (!Number.isInteger(raw) || raw < 1 || raw > 50) {
    throw new UsageError('AWS_MAX_ATTEMPTS_INVALID', `--max-attempts must be a whole number from 1 to 50, not ${String(raw)}`);
  }
  return raw;
}

type CredentialsOption = StaticCredentials | ReturnType<typeof fromNodeProviderChain>;

/**
 * Which credentials to sign with, in this order: fixed ones (sandbox); the static-key flags; the environment's
 * keys (read from `env`, because the SDK's env provider reads `process.env`) unless a profile is selected, as
 * the SDK's default chain does; then the SDK's node chain (shared config and SSO profiles, process, web identity,
 * container and instance roles). An assumed role wraps whichever of these was chosen.
 */
export function resolveCredentials(config: AwsConfig, region: string): CredentialsOption {
  const base = baseCredentials(config);
  if (!config.assumeRoleArn) return base;
  const stsEndpoint = resolveEndpoint('sts', config);
  return fromTemporaryCredentials({
    masterCredentials: base,
    params: {
      RoleArn: config.assumeRoleArn,
      RoleSessionName: `ecsdeploy-${Date.now()}`,
      ...(config.externalId ? { ExternalId: config.externalId } : {}),
    },
    clientConfig: {
      region,
      ...(stsEndpoint ? { endpoint: stsEndpoint } : {}),
      ...(config.requestHandler ? { requestHandler: config.requestHandler as never } : {}),
    },
  });
}

function baseCredentials(config: AwsConfig): CredentialsOption {
  if (config.credentials) return { ...config.credentials };
  if (config.accessKeyId || config.secretAccessKey) {
    if (!config.accessKeyId || !config.secretAccessKey) {
      throw new UsageError('AWS_STATIC_KEYS_INCOMPLETE', '--aws-access-key and --aws-secret-key must be given together');
    }
    return {
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      ...(config.sessionToken ? { sessionToken: config.sessionToken } : {}),
    };
  }
  const env = config.env;
  const profile = config.profile ?? env.AWS_PROFILE;
  if (profile) assertProfileExists(profile, config.profile ? '--profile' : 'AWS_PROFILE', env);
  if (!profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return fromNodeProviderChain({
    ...(profile ? { profile } : {}),
    ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
  });
}

interface Sender {
  send(command: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

type AnyOp = (input: never, options?: { signal?: AbortSignal }) => Promise<unknown>;

/** A client bound to its label, the run's call counter, its region and endpoint: what {@link op} needs. */
export interface Binding {
  client: Sender;
  label: string;
  counter: MutableCallCounter;
  region: string;
  endpoint: string | undefined;
}

/**
 * Every call gets its own signal, relayed from the caller's by one listener per caller signal. The SDK adds a
 * listener per request attempt to the signal it is given; handing it the caller's signal directly puts one
 * listener per call in flight on a single signal, and Node warns (MaxListenersExceededWarning) past ten.
 */
const relays = new WeakMap<AbortSignal, Set<AbortController>>();

function callSignal(parent: AbortSignal): { signal: AbortSignal; done(): void } {
  if (parent.aborted) return { signal: parent, done: () => {} };
  let children = relays.get(parent);
  if (!children) {
    const set = new Set<AbortController>();
    children = set;
    relays.set(parent, set);
    parent.addEventListener(
      'abort',
      () => {
        for (const child of set) child.abort(parent.reason);
        set.clear();
      },
      { once: true },
    );
  }
  const child = new AbortController();
  // Attempts of one call (retries) each listen on the child; allow up to the attempt limit without a warning.
  setMaxListeners(64, child.signal);
  children.add(child);
  const set = children;
  return { signal: child.signal, done: () => set.delete(child) };
}

/**
 * One port method: counts the logical call once (before the SDK's retries, which stay inside `send`), passes the
 * abort signal through, and maps any failure exactly once.
 */
export function op<F extends AnyOp>(b: Binding, operation: string, Command: new (input: Parameters<F>[0]) => object): F {
  const name = `${b.label}.${operation}`;
  const context = { region: b.region, ...(b.endpoint ? { endpoint: b.endpoint } : {}) };
  const call = async (input: Parameters<F>[0], options?: { signal?: AbortSignal }) => {
    b.counter.record(name);
    const relay = options?.signal ? callSignal(options.signal) : undefined;
    try {
      return await b.client.send(new Command(input), relay ? { abortSignal: relay.signal } : undefined);
    } catch (error) {
      throw toAwsApiError(b.label, operation, error, context);
    } finally {
      relay?.done();
    }
  };
  return call as unknown as F;
}

/** What every client made from one configuration shares, and how a client is made and bound. */
export interface ClientBase {
  region: string;
  counter: MutableCallCounter;
  /** The endpoint a service's calls go to, when one is configured (else AWS's own). */
  endpointOf(service: AwsServiceKey): string | undefined;
  /** Makes a service's client (in `region`, default the run's) and binds it for {@link op}. */
  bind(service: AwsServiceKey, make: (clientConfig: Record<string, unknown>) => unknown, region?: string): Binding;
}

function clientBase(config: AwsConfig): ClientBase {
  const region = resolveRegion(config);
  const maxAttempts = resolveMaxAttempts(config);
  const credentials = resolveCredentials(config, region);
  const counter = createCallCounter();
  const shared = {
    region,
    credentials,
    maxAttempts,
    // Adaptive: standard retries plus a client-side rate limiter that kicks in after the first throttle, shared by
    // all operations on a client (aws-semantics.md §6.2). One client per service per run, so the limiter is shared.
    // On a sandbox's clock: the same decisions, waited out on that clock (see clock-retry.ts).
    ...(config.retryClock ? { retryStrategy: createClockRetryStrategy(config.retryClock, maxAttempts) } : { retryMode: 'adaptive' }),
    customUserAgent: `ecsdeploy/${VERSION}`,
    // Endpoints are resolved above from `env` only; without this the SDK would still consult process.env and the
    // shared config files when none was resolved, and a run given a different env could reach another endpoint.
    ignoreConfiguredEndpointUrls: true,
    ...(config.requestHandler ? { requestHandler: config.requestHandler as never } : {}),
  };
  return {
    region,
    counter,
    endpointOf: (service) => resolveEndpoint(service, config),
    bind: (service, make, inRegion = region) => {
      const endpoint = resolveEndpoint(service, config);
      const clientConfig = { ...shared, region: inRegion, ...(endpoint ? { endpoint } : {}) };
      return { client: make(clientConfig) as Sender, label: AWS_SERVICES[service].label, counter, region: inRegion, endpoint };
    },
  };
}

/** Builds every client ecsdeploy uses, with one configuration, and the ports over them. */
export function createAwsPorts(config: AwsConfig): AwsPorts {
  const base = clientBase(config);
  const { region, counter, bind } = base;

  const e = bind('ecs', (c) => new ECSClient(c));
  const ecs: EcsPort = {
    describeServices: op<EcsPort['describeServices']>(e, 'DescribeServices', DescribeServicesCommand),
    describeTaskDefinition: op<EcsPort['describeTaskDefinition']>(e, 'DescribeTaskDefinition', DescribeTaskDefinitionCommand),
    registerTaskDefinition: op<EcsPort['registerTaskDefinition']>(e, 'RegisterTaskDefinition', RegisterTaskDefinitionCommand),
    deregisterTaskDefinition: op<EcsPort['deregisterTaskDefinition']>(e, 'DeregisterTaskDefinition', DeregisterTaskDefinitionCommand),
    listTaskDefinitions: op<EcsPort['listTaskDefinitions']>(e, 'ListTaskDefinitions', ListTaskDefinitionsCommand),
    createService: op<EcsPort['createService']>(e, 'CreateService', CreateServiceCommand),
    updateService: op<EcsPort['updateService']>(e, 'UpdateService', UpdateServiceCommand),
    listServices: op<EcsPort['listServices']>(e, 'ListServices', ListServicesCommand),
    listClusters: op<EcsPort['listClusters']>(e, 'ListClusters', ListClustersCommand),
    runTask: op<EcsPort['runTask']>(e, 'RunTask', RunTaskCommand),
    describeTasks: op<EcsPort['describeTasks']>(e, 'DescribeTasks', DescribeTasksCommand),
    listTasks: op<EcsPort['listTasks']>(e, 'ListTasks', ListTasksCommand),
    stopTask: op<EcsPort['stopTask']>(e, 'StopTask', StopTaskCommand),
    listServiceDeployments: op<EcsPort['listServiceDeployments']>(e, 'ListServiceDeployments', ListServiceDeploymentsCommand),
    describeServiceDeployments: op<EcsPort['describeServiceDeployments']>(
      e,
      'DescribeServiceDeployments',
      DescribeServiceDeploymentsCommand,
    ),
    describeServiceRevisions: op<EcsPort['describeServiceRevisions']>(e, 'DescribeServiceRevisions', DescribeServiceRevisionsCommand),
    continueServiceDeployment: op<EcsPort['continueServiceDeployment']>(e, 'ContinueServiceDeployment', ContinueServiceDeploymentCommand),
    stopServiceDeployment: op<EcsPort['stopServiceDeployment']>(e, 'StopServiceDeployment', StopServiceDeploymentCommand),
    tagResource: op<EcsPort['tagResource']>(e, 'TagResource', TagResourceCommand),
    untagResource: op<EcsPort['untagResource']>(e, 'UntagResource', UntagResourceCommand),
    listTagsForResource: op<EcsPort['listTagsForResource']>(e, 'ListTagsForResource', ListTagsForResourceCommand),
    describeClusters: op<EcsPort['describeClusters']>(e, 'DescribeClusters', DescribeClustersCommand),
  };

  const d = bind('codedeploy', (c) => new CodeDeployClient(c));
  const codedeploy: CodeDeployPort = {
    getApplication: op<CodeDeployPort['getApplication']>(d, 'GetApplication', GetApplicationCommand),
    getDeploymentGroup: op<CodeDeployPort['getDeploymentGroup']>(d, 'GetDeploymentGroup', GetDeploymentGroupCommand),
    createDeployment: op<CodeDeployPort['createDeployment']>(d, 'CreateDeployment', CreateDeploymentCommand),
    getDeployment: op<CodeDeployPort['getDeployment']>(d, 'GetDeployment', GetDeploymentCommand),
    listDeployments: op<CodeDeployPort['listDeployments']>(d, 'ListDeployments', ListDeploymentsCommand),
    continueDeployment: op<CodeDeployPort['continueDeployment']>(d, 'ContinueDeployment', ContinueDeploymentCommand),
    stopDeployment: op<CodeDeployPort['stopDeployment']>(d, 'StopDeployment', StopDeploymentCommand),
    getDeploymentTarget: op<CodeDeployPort['getDeploymentTarget']>(d, 'GetDeploymentTarget', GetDeploymentTargetCommand),
    listApplications: op<CodeDeployPort['listApplications']>(d, 'ListApplications', ListApplicationsCommand),
    listDeploymentGroups: op<CodeDeployPort['listDeploymentGroups']>(d, 'ListDeploymentGroups', ListDeploymentGroupsCommand),
    batchGetDeploymentGroups: op<CodeDeployPort['batchGetDeploymentGroups']>(
      d,
      'BatchGetDeploymentGroups',
      BatchGetDeploymentGroupsCommand,
    ),
    listDeploymentTargets: op<CodeDeployPort['listDeploymentTargets']>(d, 'ListDeploymentTargets', ListDeploymentTargetsCommand),
    batchGetDeploymentTargets: op<CodeDeployPort['batchGetDeploymentTargets']>(
      d,
      'BatchGetDeploymentTargets',
      BatchGetDeploymentTargetsCommand,
    ),
    getDeploymentConfig: op<CodeDeployPort['getDeploymentConfig']>(d, 'GetDeploymentConfig', GetDeploymentConfigCommand),
  };

  const l = bind('elbv2', (c) => new ElasticLoadBalancingV2Client(c));
  const elbv2: Elbv2Port = {
    describeRules: op<Elbv2Port['describeRules']>(l, 'DescribeRules', DescribeRulesCommand),
    modifyRule: op<Elbv2Port['modifyRule']>(l, 'ModifyRule', ModifyRuleCommand),
    describeListeners: op<Elbv2Port['describeListeners']>(l, 'DescribeListeners', DescribeListenersCommand),
    modifyListener: op<Elbv2Port['modifyListener']>(l, 'ModifyListener', ModifyListenerCommand),
    describeTargetGroups: op<Elbv2Port['describeTargetGroups']>(l, 'DescribeTargetGroups', DescribeTargetGroupsCommand),
    describeTargetHealth: op<Elbv2Port['describeTargetHealth']>(l, 'DescribeTargetHealth', DescribeTargetHealthCommand),
    describeTargetGroupAttributes: op<Elbv2Port['describeTargetGroupAttributes']>(
      l,
      'DescribeTargetGroupAttributes',
      DescribeTargetGroupAttributesCommand,
    ),
  };

  const w = bind('cloudwatch', (c) => new CloudWatchClient(c));
  const cloudwatch: CloudWatchPort = {
    describeAlarms: op<CloudWatchPort['describeAlarms']>(w, 'DescribeAlarms', DescribeAlarmsCommand),
    getMetricData: op<CloudWatchPort['getMetricData']>(w, 'GetMetricData', GetMetricDataCommand),
  };

  const v = bind('events', (c) => new EventBridgeClient(c));
  const events: EventBridgePort = {
    describeRule: op<EventBridgePort['describeRule']>(v, 'DescribeRule', DescribeRuleCommand),
    listTargetsByRule: op<EventBridgePort['listTargetsByRule']>(v, 'ListTargetsByRule', ListTargetsByRuleCommand),
    putTargets: op<EventBridgePort['putTargets']>(v, 'PutTargets', PutTargetsCommand),
  };

  const s = bind('sns', (c) => new SNSClient(c));
  const sns: SnsPort = { publish: op<SnsPort['publish']>(s, 'Publish', PublishCommand) };

  // CloudWatch Logs is read only to explain a failure or for `ecsdeploy run`: its client is loaded then.
  let logsIn: Promise<(region?: string) => LogsPort> | undefined;
  const logs = async (inRegion?: string): Promise<LogsPort> => {
    logsIn ??= import('./logs-client.js').then(({ buildLogsPorts }) => buildLogsPorts(base));
    return (await logsIn)(inRegion);
  };

  return { region, ecs, codedeploy, elbv2, cloudwatch, events, sns, logs, calls: counter };
}

export interface LookupPortsOptions {
  /**
   * Reach only services with an endpoint configured (`AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL`): under
   * `--sandbox`, which does not serve them, lookups go to an emulator the user names, never to AWS. `purpose`
   * ends the refusal's message.
   */
  endpointsOnly?: { purpose: string };
}

/**
 * The ports lookups and image pinning use, over their own SDK clients (SSM, Secrets Manager, S3, CloudFormation,
 * ECR), made with the same configuration as {@link createAwsPorts}. Loaded on demand: a command whose manifest
 * has no lookups never parses these clients.
 */
export async function createLookupPorts(config: AwsConfig, options: LookupPortsOptions = {}): Promise<LookupPorts> {
  const base = clientBase(config);
  const { buildLookupPorts } = await import('./lookup-clients.js');
  return buildLookupPorts(base, options);
}
