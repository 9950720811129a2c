/**
 * Reads what `ecsdeploy init` imports: the services of one cluster (named, or every one), the task definition
 * revision each runs, and for CODE_DEPLOY services the CodeDeploy deployment group that deploys them. Reads
 * only. Calls: ListServices (with `all`), one DescribeServices per 10 services, one DescribeTaskDefinition per
 * distinct revision; for CodeDeploy discovery ListApplications, then per application ListDeploymentGroups and
 * one BatchGetDeploymentGroups per 100 groups (ecspresso walks applications the same way). A group named on the
 * command line is checked with one GetDeploymentGroup instead.
 */
import type { AwsPorts } from '../aws/ports.js';
import { AwsApiError, UsageError } from '../errors/index.js';
import type { JsonObject } from '../model/task-definition.js';
import type { LiveServiceToImport } from '../plan/import-manifest.js';
import { controllerType, type DeploymentGroupRef } from '../plan/import-service.js';
import { clusterName, serviceName } from '../util/arn.js';
import { chunk } from '../util/chunk.js';
import { createLimit, mapLimited } from './concurrency.js';
import { describeServiceBatch, serviceBatches } from './describe-services.js';
import { currentTaskDefinitionArn, DEFAULT_CONCURRENCY } from './read-live-state.js';
import { toJson, toJsonObject } from './to-json.js';

export interface ReadServicesToImportOptions {
  /** Cluster name or ARN. */
  cluster: string;
  /** ECS service names (or ARNs) to import; ignored with `all`. */
  services: readonly string[];
  /** Every service of the cluster. */
  all: boolean;
  /** ECS service name → its deployment group, skipping discovery for that service. */
  deploymentGroups?: ReadonlyMap<string, DeploymentGroupRef>;
  signal?: AbortSignal;
  concurrency?: number;
}

export interface ServicesToImport {
  /** The cluster's name. */
  cluster: string;
  services: LiveServiceToImport[];
}

/** BatchGetDeploymentGroups takes at most 100 names. */
const DEPLOYMENT_GROUP_BATCH = 100;

/** Everything `init` needs of the services to import; throws UsageError naming what is missing. */
export async function readServicesToImport(ports: AwsPorts, options: ReadServicesToImportOptions): Promise<ServicesToImport> {
  const { signal } = options;
  const limit = createLimit(options.concurrency ?? DEFAULT_CONCURRENCY, signal);
  const cluster = clusterName(options.cluster);
  const clusterMissing = (error: unknown) => {
    if (error instanceof AwsApiError && error.awsCode === 'ClusterNotFoundException') {
      return new UsageError('CLUSTER_NOT_FOUND', `the ECS cluster "${cluster}" does not exist in ${ports.region}`, {
        hint: 'check --cluster and the region (--region, AWS_REGION)',
      });
    }
    return error;
  };

  let names: string[];
  try {
    names = options.all ? await listServiceNames(ports, options.cluster, signal) : [...new Set(options.services.map(serviceName))];
  } catch (error) {
    throw clusterMissing(error);
  }
  if (names.length === 0) {
    throw new UsageError('NO_SERVICES', `the ECS cluster "${cluster}" has no services to import`, {
      hint: 'create the services first, or check --cluster',
    });
  }

  // 1. Services, 10 per call.
  const described = new Map<string, JsonObject>();
  try {
    const batches = serviceBatches(names.map((service) => ({ cluster: options.cluster, service })));
    await mapLimited(batches, limit, async (batch) => {
      const services = await describeServiceBatch(ports, batch, { include: ['TAGS'], ...(signal ? { signal } : {}) });
      for (const svc of services) {
        const json = toJsonObject(svc);
        // INACTIVE and DRAINING services are deleted or being deleted: nothing to import.
        if (json.status === 'ACTIVE' && typeof json.serviceName === 'string') described.set(json.serviceName, json);
      }
    });
  } catch (error) {
    throw clusterMissing(error);
  }
  const missing = names.filter((n) => !described.has(n));
  if (missing.length > 0) {
    throw new UsageError(
      'SERVICE_NOT_FOUND',
      `${missing.length === 1 ? 'this service does not exist (or is' : 'these services do not exist (or are'} being deleted) in the ECS cluster "${cluster}": ${missing.join(', ')}`,
      { hint: 'check the names given with --service, or use --all to import every service of the cluster' },
    );
  }

  // 2. Task definitions, once per revision; 3. deployment groups of CODE_DEPLOY services. Both at once.
  const arns = [...new Set([...described.values()].map((s) => currentTaskDefinitionArn(s)).filter((a): a is string => a !== undefined))];
  const codeDeploy = [...described.values()].filter((s) => controllerType(s) === 'CODE_DEPLOY').map((s) => String(s.serviceName));
  const [taskDefinitions, groups] = await Promise.all([
    readTaskDefinitions(ports, arns, limit, signal),
    findDeploymentGroups(ports, cluster, codeDeploy, options.deploymentGroups ?? new Map(), limit, signal),
  ]);

  const services = names.map((name) => {
    const svc = described.get(name) as JsonObject;
    const arn = currentTaskDefinitionArn(svc);
    const taskDefinition = arn ? taskDefinitions.get(arn) : undefined;
    if (!taskDefinition) {
      throw new UsageError('LIVE_TASK_DEFINITION_NOT_FOUND', `${name}: the task definition it runs (${arn ?? 'none'}) could not be read`);
    }
    return { described: svc, taskDefinition, deploymentGroups: groups.get(name) ?? [] };
  });
  return { cluster, services };
}

async function listServiceNames(ports: AwsPorts, cluster: string, signal: AbortSignal | undefined): Promise<string[]> {
  const names: string[] = [];
  let nextToken: string | undefined;
  do {
    const out = await ports.ecs.listServices({ cluster, maxResults: 100, ...(nextToken ? { nextToken } : {}) }, { signal });
    names.push(...(out.serviceArns ?? []).map(serviceName));
    nextToken = out.nextToken;
  } while (nextToken);
  // A stable order, so two imports of the same cluster write the same manifest.
  return [...new Set(names)].sort();
}

async function readTaskDefinitions(
  ports: AwsPorts,
  arns: string[],
  limit: ReturnType<typeof createLimit>,
  signal: AbortSignal | undefined,
): Promise<Map<string, JsonObject>> {
  const out = new Map<string, JsonObject>();
  await mapLimited(arns, limit, async (arn) => {
    const res = await ports.ecs.describeTaskDefinition({ taskDefinition: arn, include: ['TAGS'] }, { signal });
    if (!res.taskDefinition) return;
    const td = toJsonObject(res.taskDefinition);
    if (res.tags && res.tags.length > 0) td.tags = toJson(res.tags);
    out.set(arn, td);
  });
  return out;
}

/** ECS service name → every deployment group (of the ECS compute platform) that deploys it in `cluster`. */
async function findDeploymentGroups(
  ports: AwsPorts,
  cluster: string,
  services: string[],
  named: ReadonlyMap<string, DeploymentGroupRef>,
  limit: ReturnType<typeof createLimit>,
  signal: AbortSignal | undefined,
): Promise<Map<string, DeploymentGroupRef[]>> {
  const found = new Map<string, DeploymentGroupRef[]>();
  const wanted = new Set(services.filter((s) => !named.has(s)));
  const add = (service: string, ref: DeploymentGroupRef) => found.set(service, [...(found.get(service) ?? []), ref]);

  // Named on the command line: one GetDeploymentGroup each, which must deploy the service.
  await mapLimited(
    services.filter((s) => named.has(s)),
    limit,
    async (service) => {
      const ref = named.get(service) as DeploymentGroupRef;
      let deploys: { cluster: string; service: string }[];
      try {
        const out = await ports.codedeploy.getDeploymentGroup(
          { applicationName: ref.application, deploymentGroupName: ref.deploymentGroup },
          { signal },
        );
        deploys = ecsServicesOf(out.deploymentGroupInfo?.ecsServices);
      } catch (error) {
        if (error instanceof AwsApiError && /DoesNotExist/.test(error.awsCode)) {
          throw new UsageError(
            'DEPLOYMENT_GROUP_NOT_FOUND',
            `--deployment-group ${service}=${ref.application}/${ref.deploymentGroup}: ${error.message}`,
            { cause: error },
          );
        }
        throw error;
      }
      if (!deploys.some((d) => d.cluster === cluster && d.service === service)) {
        const targets = deploys.map((d) => `${d.cluster}/${d.service}`).join(', ') || 'no ECS service';
        throw new UsageError(
          'DEPLOYMENT_GROUP_MISMATCH',
          `--deployment-group ${service}=${ref.application}/${ref.deploymentGroup}: that group deploys ${targets}, not ${cluster}/${service}`,
        );
      }
      add(service, ref);
    },
  );
  if (wanted.size === 0) return found;
  try {
    await discover(ports, cluster, wanted, add, limit, signal);
  } catch (error) {
    if (!(error instanceof AwsApiError)) throw error;
    throw new UsageError(
      'CODEDEPLOY_DISCOVERY_FAILED',
      `could not search CodeDeploy for the deployment group of ${[...wanted].join(', ')}: ${error.message}`,
      { hint: 'name it with --deployment-group SERVICE=APPLICATION/GROUP (then one GetDeploymentGroup call checks it)', cause: error },
    );
  }
  // Applications answer in any order; the first group is the one the manifest uses, so make it the same every run.
  for (const refs of found.values()) {
    refs.sort((a, b) => `${a.application}/${a.deploymentGroup}`.localeCompare(`${b.application}/${b.deploymentGroup}`));
  }
  return found;
}

/** Every application, every group: records the ECS groups that deploy a wanted service of `cluster`. */
async function discover(
  ports: AwsPorts,
  cluster: string,
  wanted: ReadonlySet<string>,
  add: (service: string, ref: DeploymentGroupRef) => void,
  limit: ReturnType<typeof createLimit>,
  signal: AbortSignal | undefined,
): Promise<void> {
  const applications = await paginate((nextToken) =>
    limit(() => ports.codedeploy.listApplications(nextToken ? { nextToken } : {}, { signal })).then((o) => ({
      items: o.applications ?? [],
      nextToken: o.nextToken,
    })),
  );
  await mapLimited(applications, limit, async (application) => {
    // Inside this application's slot, one call after another (never a nested slot: see concurrency.ts).
    const groups = await paginate((nextToken) =>
      ports.codedeploy
        .listDeploymentGroups({ applicationName: application, ...(nextToken ? { nextToken } : {}) }, { signal })
        .then((o) => ({ items: o.deploymentGroups ?? [], nextToken: o.nextToken })),
    );
    for (const batch of chunk(groups, DEPLOYMENT_GROUP_BATCH)) {
      const out = await ports.codedeploy.batchGetDeploymentGroups(
        { applicationName: application, deploymentGroupNames: batch },
        { signal },
      );
      for (const info of out.deploymentGroupsInfo ?? []) {
        if (info.computePlatform !== undefined && info.computePlatform !== 'ECS') continue;
        for (const target of ecsServicesOf(info.ecsServices)) {
          if (target.cluster === cluster && wanted.has(target.service) && info.deploymentGroupName) {
            add(target.service, { application, deploymentGroup: info.deploymentGroupName });
          }
        }
      }
    }
  });
}

function ecsServicesOf(list: { clusterName?: string; serviceName?: string }[] | undefined): { cluster: string; service: string }[] {
  return (list ?? []).map((e) => ({ cluster: clusterName(e.clusterName ?? ''), service: serviceName(e.serviceName ?? '') }));
}

async function paginate<T>(page: (nextToken: string | undefined) => Promise<{ items: T[]; nextToken: string | undefined }>): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | undefined;
  do {
    const out = await page(nextToken);
    items.push(...out.items);
    nextToken = out.nextToken;
  } while (nextToken);
  return items;
}
