/**
 * ECS task definitions: register (filling the defaults AWS fills on describe, as moto does too), describe (with
 * TAGS), deregister, list. Unknown members pass through untouched: newer fields must survive a round trip.
 */
import { SandboxApiError } from '../../errors.js';
import type { WorldContext } from '../context.js';
import { clone, isRecord, list, optNumber, optString, reqString, tagsOf, type Input } from '../input.js';
import { checkTaskDefinition, cpuUnits, isFargateSize, memoryMiB } from './task-definition-rules.js';
import type { JsonObject, TaskDefinitionState } from '../types.js';

const READ_ONLY = ['taskDefinitionArn', 'revision', 'status', 'requiresAttributes', 'compatibilities', 'registeredAt', 'registeredBy'];

function fillContainer(c: Record<string, unknown>, networkMode: string): JsonObject {
  const out: Record<string, unknown> = {
    cpu: 0,
    portMappings: [],
    essential: true,
    environment: [],
    mountPoints: [],
    volumesFrom: [],
    systemControls: [],
    ...clone(c),
  };
  out.portMappings = list(out.portMappings).map((p) => {
    const pm = { ...(p as Record<string, unknown>) };
    if (pm.protocol === undefined) pm.protocol = 'tcp';
    // Under awsvpc/host the host port is the container port (AWS fills it in on describe).
    if ((networkMode === 'awsvpc' || networkMode === 'host') && pm.hostPort === undefined && pm.containerPort !== undefined) {
      pm.hostPort = pm.containerPort;
    }
    return pm;
  });
  return out as JsonObject;
}

/** An EFS volume without `rootDirectory` mounts the file system's root, and describes as `/`. */
function fillVolume(v: Record<string, unknown>): Record<string, unknown> {
  const efs = v.efsVolumeConfiguration;
  if (!isRecord(efs) || efs.rootDirectory !== undefined) return v;
  return { ...v, efsVolumeConfiguration: { ...efs, rootDirectory: '/' } };
}

function requiresAttributes(td: JsonObject): JsonObject[] {
  const names = new Set<string>(['com.amazonaws.ecs.capability.docker-remote-api.1.18']);
  if (td.networkMode === 'awsvpc') names.add('ecs.capability.task-eni');
  if (typeof td.executionRoleArn === 'string') names.add('ecs.capability.execution-role-ecr-pull');
  if (typeof td.taskRoleArn === 'string') names.add('com.amazonaws.ecs.capability.task-iam-role');
  for (const c of list(td.containerDefinitions) as Record<string, unknown>[]) {
    if (typeof c.image === 'string' && c.image.includes('.dkr.ecr.')) names.add('com.amazonaws.ecs.capability.ecr-auth');
    const log = c.logConfiguration;
    if (isRecord(log) && log.logDriver === 'awslogs') {
      names.add('com.amazonaws.ecs.capability.logging-driver.awslogs');
      names.add('com.amazonaws.ecs.capability.docker-remote-api.1.19');
    }
    if (list(c.secrets).length) names.add('ecs.capability.secrets.asm.environment-variables');
    if (c.healthCheck) names.add('ecs.capability.container-health-check');
  }
  return [...names].sort().map((name) => ({ name }));
}

export function parseTaskDefinitionRef(ref: string): { family: string; revision: number | undefined } {
  const tail = ref.startsWith('arn:') ? (ref.split('task-definition/')[1] ?? '') : ref;
  const [family, rev] = tail.split(':');
  return { family: family ?? '', revision: rev === undefined ? undefined : Number(rev) };
}

/** The stored task definition a reference (ARN, `family:rev`, or `family` = latest ACTIVE) names. */
export function findTaskDefinition(w: WorldContext, ref: string): TaskDefinitionState | undefined {
  const { family, revision } = parseTaskDefinitionRef(ref);
  const revs = w.st.ecs.taskDefinitions[family];
  if (!revs) return undefined;
  if (revision === undefined) {
    for (let i = revs.length - 1; i >= 0; i--) if (revs[i]?.td.status === 'ACTIVE') return revs[i];
    return undefined;
  }
  return revs[revision - 1];
}

export function taskDefinition(w: WorldContext, ref: string): TaskDefinitionState {
  const found = findTaskDefinition(w, ref);
  if (!found) throw new SandboxApiError('ClientException', 'Unable to describe task definition.');
  return found;
}

function tdOut(t: TaskDefinitionState): Record<string, unknown> {
  const td = clone(t.td) as Record<string, unknown>;
  td.registeredAt = new Date(td.registeredAt as number);
  if (typeof td.deregisteredAt === 'number') td.deregisteredAt = new Date(td.deregisteredAt);
  return td;
}

export function registerTaskDefinition(w: WorldContext, input: Input): Record<string, unknown> {
  const family = reqString(input, 'family', 'ClientException');
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(family)) {
    throw new SandboxApiError('ClientException', 'Family contains invalid characters.');
  }
  const containers = list(input.containerDefinitions);
  if (!containers.length) throw new SandboxApiError('ClientException', 'Container list cannot be empty.');
  for (const c of containers) {
    if (!isRecord(c) || typeof c.name !== 'string')
      throw new SandboxApiError('ClientException', 'Container.name should not be null or empty.');
    if (typeof c.image !== 'string') throw new SandboxApiError('ClientException', 'Container.image should not be null or empty.');
  }
  const given = clone(input) as Record<string, unknown>;
  const tags = tagsOf(given.tags);
  delete given.tags;
  for (const k of READ_ONLY) delete given[k];
  const requires = list(given.requiresCompatibilities).map(String);
  const cpu = cpuUnits(given.cpu);
  const memory = memoryMiB(given.memory);
  checkTaskDefinition({
    requiresCompatibilities: requires,
    networkMode: typeof given.networkMode === 'string' ? given.networkMode : undefined,
    cpu,
    memory,
    pidMode: given.pidMode,
    containerDefinitions: containers,
  });
  if (cpu !== undefined) given.cpu = cpu;
  if (memory !== undefined) given.memory = memory;
  const networkMode = typeof given.networkMode === 'string' ? given.networkMode : requires.includes('FARGATE') ? 'awsvpc' : 'bridge';
  // The launch types the definition validates against, whatever it asked for (API_TaskDefinition `compatibilities`).
  const compatibilities = ['EC2'];
  if (networkMode === 'awsvpc' && isFargateSize(cpu, memory)) compatibilities.push('FARGATE');
  if (requires.includes('EXTERNAL')) compatibilities.push('EXTERNAL');
  const revs = w.st.ecs.taskDefinitions[family] ?? [];
  w.st.ecs.taskDefinitions[family] = revs;
  const revision = revs.length + 1;
  const td: Record<string, unknown> = {
    taskDefinitionArn: w.arn('ecs', `task-definition/${family}:${revision}`),
    ...given,
    containerDefinitions: containers.map((c) => fillContainer(c as Record<string, unknown>, networkMode)),
    family,
    networkMode,
    revision,
    volumes: list(given.volumes).filter(isRecord).map(fillVolume),
    status: 'ACTIVE',
    placementConstraints: given.placementConstraints ?? [],
    compatibilities,
    registeredAt: w.now,
    registeredBy: w.globalArn('sts', 'assumed-role/sandbox/ecsdeploy'),
  };
  td.requiresAttributes = requiresAttributes(td as JsonObject);
  const state: TaskDefinitionState = { td: td as JsonObject, tags };
  revs.push(state);
  const out: Record<string, unknown> = { taskDefinition: tdOut(state) };
  if (tags.length) out.tags = clone(tags);
  return out;
}

export function describeTaskDefinition(w: WorldContext, input: Input): Record<string, unknown> {
  const ref = reqString(input, 'taskDefinition', 'ClientException');
  const t = taskDefinition(w, ref);
  const out: Record<string, unknown> = { taskDefinition: tdOut(t) };
  if (list(input.include).includes('TAGS')) out.tags = clone(t.tags);
  return out;
}

/** Deregistering and deleting name one revision: `family:revision` or its ARN. */
function revisionRef(ref: string): void {
  const tail = ref.startsWith('arn:') ? (ref.split('task-definition/')[1] ?? '') : ref;
  const colon = tail.indexOf(':');
  if (colon < 0) throw new SandboxApiError('ClientException', 'Revision is missing.');
  const rev = tail.slice(colon + 1);
  if (!/^[1-9][0-9]*$/.test(rev)) throw new SandboxApiError('ClientException', `Invalid revision number. Number: ${rev}`);
}

export function deregisterTaskDefinition(w: WorldContext, input: Input): Record<string, unknown> {
  const ref = reqString(input, 'taskDefinition', 'ClientException');
  revisionRef(ref);
  const t = taskDefinition(w, ref);
  t.td.status = 'INACTIVE';
  t.td.deregisteredAt = w.now;
  return { taskDefinition: tdOut(t) };
}

/**
 * Deletes deregistered revisions: they go to DELETE_IN_PROGRESS (and stay there: the sandbox never purges), and
 * nothing new may use them. Per-revision problems are failures, not errors (API_DeleteTaskDefinitions).
 */
export function deleteTaskDefinitions(w: WorldContext, input: Input): Record<string, unknown> {
  const refs = list(input.taskDefinitions).map(String);
  if (!refs.length) throw new SandboxApiError('InvalidParameterException', 'taskDefinitions cannot be empty.');
  if (refs.length > 10) throw new SandboxApiError('InvalidParameterException', 'taskDefinitions cannot have more than 10 elements.');
  const taskDefinitions: Record<string, unknown>[] = [];
  const failures: Record<string, unknown>[] = [];
  for (const ref of refs) {
    const { revision } = parseTaskDefinitionRef(ref);
    const t = revision !== undefined && Number.isInteger(revision) ? findTaskDefinition(w, ref) : undefined;
    if (revision === undefined || !Number.isInteger(revision)) {
      failures.push({
        arn: ref,
        reason: 'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.',
      });
    } else if (!t) {
      failures.push({
        arn: ref,
        reason: 'The specified task definition does not exist. Specify a valid account, family, revision and try again.',
      });
    } else if (t.td.status === 'ACTIVE') {
      failures.push({
        arn: ref,
        reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
      });
    } else {
      t.td.status = 'DELETE_IN_PROGRESS';
      taskDefinitions.push(tdOut(t));
    }
  }
  return { taskDefinitions, failures };
}

export function listTaskDefinitions(w: WorldContext, input: Input): Record<string, unknown> {
  // Despite its name, `familyPrefix` is "the full family name to filter the ListTaskDefinitions results with".
  const family = optString(input, 'familyPrefix');
  const status = optString(input, 'status') ?? 'ACTIVE';
  const sort = optString(input, 'sort') ?? 'ASC';
  const arns: string[] = [];
  for (const [name, revs] of Object.entries(w.st.ecs.taskDefinitions).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (family !== undefined && name !== family) continue;
    for (const r of revs) if (status === 'ALL' || r.td.status === status) arns.push(String(r.td.taskDefinitionArn));
  }
  if (sort === 'DESC') arns.reverse();
  return paginate(arns, input, 'taskDefinitionArns', 100);
}

export function listTaskDefinitionFamilies(w: WorldContext, input: Input): Record<string, unknown> {
  const prefix = optString(input, 'familyPrefix');
  const families = Object.keys(w.st.ecs.taskDefinitions)
    .filter((f) => prefix === undefined || f.startsWith(prefix))
    .sort();
  return paginate(families, input, 'families', 100);
}

/** `nextToken` is the offset as text, so pages stay stable while nothing is added. */
export function paginate(items: string[], input: Input, key: string, maxLimit: number, pageDefault = maxLimit): Record<string, unknown> {
  const max = Math.min(optNumber(input, 'maxResults') ?? pageDefault, maxLimit);
  const token = optString(input, 'nextToken');
  const start = token ? Number(token) : 0;
  if (Number.isNaN(start)) throw new SandboxApiError('InvalidParameterException', 'Invalid nextToken');
  const page = items.slice(start, start + max);
  const out: Record<string, unknown> = { [key]: page };
  if (start + max < items.length) out.nextToken = String(start + max);
  return out;
}
