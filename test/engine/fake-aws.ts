/**
 * A small stateful fake of the AWS calls the engine makes, for situations the sandbox cannot produce (strategy unit
 * tests, fake-only.test.ts). contract.test.ts runs the same deployments on it and on the sandbox and requires the
 * engine to see the same thing, so the fake cannot drift from the sandbox (which moto holds to AWS). It records
 * every call, and moves each ECS deployment one step per DescribeServices according to a scripted behaviour:
 *
 * - `healthy`:        IN_PROGRESS for `polls` reads, then COMPLETED (older deployments drained away).
 * - `circuit-breaker`: our deployment turns FAILED ("tasks failed to start") and ECS starts a PRIMARY rollback
 *                     deployment on the previous revision, which completes a few reads later; stopped tasks exist.
 * - `vanish`:         our deployment disappears and a PRIMARY deployment on the previous revision takes over.
 * - `fail`:           FAILED with no rollback (circuit breaker without rollback).
 * - `stuck`:          IN_PROGRESS forever.
 * - `replaced`:       another deployment (someone else's task definition) becomes PRIMARY.
 * - `superseded`:     like `replaced`, but ours stays listed as ACTIVE and still IN_PROGRESS while its tasks drain
 *                     (what ECS shows when a newer deployment starts before ours finished).
 * - `slow-circuit-breaker`: as observed on AWS, ECS's rollback deployment (previous revision) becomes PRIMARY while
 *                     ours is still listed IN_PROGRESS; ours turns FAILED one read later.
 *
 * Like ECS: a failing deployment stops as many tasks as the circuit breaker's threshold needs (aws-semantics §1.4),
 * tasks carry the containers of their task definition (essential ones exit, the others never started), and a
 * deployment replaced before any of its tasks was healthy leaves the list once its tasks are stopped.
 */
import type { AwsPorts, EcsDeployment, EcsService, EcsTask } from '../../src/aws/ports.js';
import { AwsApiError } from '../../src/errors/index.js';
import type { Clock } from '../../src/util/clock.js';

export type Behaviour =
  | 'healthy'
  | 'circuit-breaker'
  | 'vanish'
  | 'fail'
  | 'stuck'
  | 'replaced'
  | 'superseded'
  | 'slow-circuit-breaker'
  | 'late-fail';

export interface Call {
  op: string;
  input: Record<string, unknown>;
}

/** A container of a task definition, as tasks report it. */
interface ContainerSpec {
  name: string;
  essential: boolean;
}

interface ServiceState {
  svc: EcsService;
  behaviours: Behaviour[];
  /** Per deployment id: behaviour and reads seen. */
  progress: Map<string, { behaviour: Behaviour; reads: number; previous: string | undefined }>;
}

export const REGION = 'us-east-1';
export const ACCOUNT = '111122223333';
export const tdArn = (familyRev: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${familyRev}`;
export const svcArn = (cluster: string, name: string) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${cluster}/${name}`;

export class FakeAws {
  readonly calls: Call[] = [];
  readonly services = new Map<string, ServiceState>();
  /** family → revisions (index = revision - 1) with status, tags and containers. */
  readonly taskDefinitions = new Map<
    string,
    { arn: string; status: string; tags: { key: string; value: string }[]; containers: ContainerSpec[] }[]
  >();
  readonly tags = new Map<string, { key: string; value: string }[]>();
  readonly rules = new Map<string, Record<string, unknown>[]>();
  /** One-off task script: exit code of the first container, or `never-started`. */
  oneOffExit: number | 'never-started' = 0;
  oneOffReads = 2;
  /** Reads before a deployment settles. */
  polls = 2;
  /** ListTaskDefinitions page size (AWS pages at 100); a token carries the offset. */
  taskDefinitionPageSize = 100;
  snsFails = false;
  /** Like moto: UpdateService changes the service's task definition but starts no deployment. */
  updateWithoutDeployment = false;
  /** Called after TagResource (lets a test simulate a racing writer). */
  onTag?: (arn: string, tags: { key: string; value: string }[]) => void;
  private seq = 1;
  private readonly tasks = new Map<string, EcsTask>();
  private readonly oneOffProgress = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }

  callsOf(op: string): Record<string, unknown>[] {
    return this.calls.filter((c) => c.op === op).map((c) => c.input);
  }

  mutatingCalls(): Call[] {
    const reads = /^(Describe|List|Get)/;
    return this.calls.filter((c) => !reads.test(c.op));
  }

  /** A new revision; without `containers`, one essential container named like the family (`web`, `api`). */
  addTaskDefinition(family: string, tags: { key: string; value: string }[] = [], containers?: ContainerSpec[]): string {
    const revs = this.taskDefinitions.get(family) ?? [];
    const arn = tdArn(`${family}:${revs.length + 1}`);
    revs.push({ arn, status: 'ACTIVE', tags, containers: containers ?? [{ name: family, essential: true }] });
    this.taskDefinitions.set(family, revs);
    return arn;
  }

  addService(o: {
    cluster?: string;
    name: string;
    taskDefinition: string;
    desired?: number;
    behaviours?: Behaviour[];
    extra?: Partial<EcsService>;
  }): EcsService {
    const cluster = o.cluster ?? 'prod';
    const id = this.nextDeploymentId();
    const desired = o.desired ?? 2;
    const svc: EcsService = {
      serviceName: o.name,
      serviceArn: svcArn(cluster, o.name),
      clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${cluster}`,
      status: 'ACTIVE',
      taskDefinition: o.taskDefinition,
      desiredCount: desired,
      runningCount: desired,
      pendingCount: 0,
      deploymentController: { type: 'ECS' },
      deploymentConfiguration: { minimumHealthyPercent: 100, maximumPercent: 200 },
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
      deployments: [
        {
          id,
          status: 'PRIMARY',
          taskDefinition: o.taskDefinition,
          desiredCount: desired,
          runningCount: desired,
          pendingCount: 0,
          rolloutState: 'COMPLETED',
          createdAt: new Date(this.clock.now() - 3_600_000),
        },
      ],
      events: [],
      ...o.extra,
    };
    this.services.set(`${cluster}/${o.name}`, { svc, behaviours: [...(o.behaviours ?? [])], progress: new Map() });
    return svc;
  }

  service(name: string, cluster = 'prod'): EcsService {
    const s = this.services.get(`${cluster}/${name}`);
    if (!s) throw new Error(`no fake service ${cluster}/${name}`);
    return s.svc;
  }

  addRule(rule: string, targets: Record<string, unknown>[]): void {
    this.rules.set(rule, targets);
  }

  /** The containers tasks of `arn` run (a revision the fake does not hold: one essential `web`). */
  private containersOf(arn: string): ContainerSpec[] {
    for (const revs of this.taskDefinitions.values()) {
      const r = revs.find((x) => x.arn === arn);
      if (r) return r.containers;
    }
    return [{ name: 'web', essential: true }];
  }

  private nextDeploymentId(): string {
    this.seq += 1;
    return `ecs-svc/${1000 + this.seq}`;
  }

  private record(op: string, input: unknown): void {
    this.calls.push({ op, input: JSON.parse(JSON.stringify(input ?? {})) as Record<string, unknown> });
  }

  private event(st: ServiceState, message: string): void {
    this.seq += 1;
    st.svc.events = [{ id: `ev-${this.seq}`, createdAt: new Date(this.clock.now()), message }, ...(st.svc.events ?? [])];
  }

  private startDeployment(st: ServiceState, taskDefinition: string, behaviour: Behaviour | undefined): EcsDeployment {
    const svc = st.svc;
    const previous = svc.deployments?.find((d) => d.status === 'PRIMARY');
    if (previous && previous.taskDefinition === taskDefinition && !behaviour) return previous;
    const id = this.nextDeploymentId();
    const d: EcsDeployment = {
      id,
      status: 'PRIMARY',
      taskDefinition,
      desiredCount: svc.desiredCount,
      runningCount: 0,
      pendingCount: 0,
      rolloutState: 'IN_PROGRESS',
      rolloutStateReason: `ECS deployment ${id} in progress.`,
      createdAt: new Date(this.clock.now()),
    };
    for (const o of svc.deployments ?? []) o.status = 'ACTIVE';
    svc.deployments = [d, ...(svc.deployments ?? [])];
    svc.taskDefinition = taskDefinition;
    st.progress.set(id, { behaviour: behaviour ?? st.behaviours.shift() ?? 'healthy', reads: 0, previous: previous?.taskDefinition });
    return d;
  }

  /** Moves every in-flight deployment of the service one read forward. */
  private tick(st: ServiceState): void {
    const svc = st.svc;
    for (const d of [...(svc.deployments ?? [])]) {
      const p = d.id ? st.progress.get(d.id) : undefined;
      if (!p || d.rolloutState !== 'IN_PROGRESS') continue;
      p.reads += 1;
      if (p.reads === 1) {
        d.pendingCount = d.desiredCount;
        this.event(st, `(service ${svc.serviceName}) has started ${d.desiredCount} tasks: (task abc).`);
      }
      if (p.reads < this.polls) continue;
      switch (p.behaviour) {
        case 'healthy':
          d.rolloutState = 'COMPLETED';
          d.rolloutStateReason = `ECS deployment ${d.id} completed.`;
          d.runningCount = d.desiredCount;
          d.pendingCount = 0;
          svc.deployments = [d];
          svc.runningCount = d.desiredCount;
          this.event(st, `(service ${svc.serviceName}) (deployment ${d.id}) deployment completed.`);
          break;
        case 'slow-circuit-breaker':
          // The rollback first; ours fails on the next read (p.reads is kept just under the threshold).
          p.behaviour = 'late-fail';
          p.reads = this.polls - 1;
          if (p.previous) {
            this.event(st, `(service ${svc.serviceName}) rolling back to deployment ${d.id}.`);
            this.startDeployment(st, p.previous, 'healthy');
          }
          break;
        case 'late-fail':
        case 'circuit-breaker':
        case 'fail': {
          d.rolloutState = 'FAILED';
          d.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
          d.pendingCount = 0;
          // Tasks start `desired` at a time and each batch fails, until the threshold is reached.
          const desired = Math.max(1, d.desiredCount ?? 1);
          const threshold = Math.min(200, Math.max(3, Math.ceil(desired / 2)));
          for (let i = 0; i < Math.ceil(threshold / desired) * desired; i++) this.addStoppedTask(svc, d.taskDefinition ?? '');
          this.event(st, `(service ${svc.serviceName}) (deployment ${d.id}) deployment failed: tasks failed to start.`);
          if (p.behaviour === 'circuit-breaker' && p.previous) {
            this.event(st, `(service ${svc.serviceName}) rolling back to deployment ${d.id}.`);
            this.startDeployment(st, p.previous, 'healthy');
          }
          break;
        }
        case 'vanish':
          // Someone puts the previous revision back; ours goes once its tasks are stopped (dropReplacedUnhealthy).
          p.behaviour = 'stuck';
          if (p.previous) this.startDeployment(st, p.previous, 'healthy');
          break;
        case 'replaced':
          // Someone else's revision; ours goes once its tasks are stopped (dropReplacedUnhealthy).
          p.behaviour = 'stuck';
          this.startDeployment(st, tdArn('someone-else:1'), 'stuck');
          break;
        case 'superseded':
          // Ours keeps its rolloutState and only changes status; it makes no further progress. Its tasks were
          // running, so it stays listed while they drain.
          p.behaviour = 'stuck';
          d.runningCount = d.desiredCount;
          d.pendingCount = 0;
          this.startDeployment(st, tdArn('someone-else:1'), 'stuck');
          break;
        case 'stuck':
          break;
      }
    }
    this.dropReplacedUnhealthy(svc);
  }

  /**
   * A deployment replaced before any of its tasks ran (none running): ECS stops its tasks at once and lists it no
   * more once they are gone (here: the read after). A FAILED one stays listed while the deployment that replaced
   * it is in progress.
   */
  private dropReplacedUnhealthy(svc: EcsService): void {
    const primary = svc.deployments?.[0];
    svc.deployments = (svc.deployments ?? []).filter((d) => {
      if (d === primary || (d.runningCount ?? 0) > 0) return true;
      if (d.rolloutState === 'FAILED' && primary?.rolloutState === 'IN_PROGRESS') return true;
      const starting = d.pendingCount ?? 0;
      if (starting > 0) {
        for (let i = 0; i < starting; i++) this.addStoppedTask(svc, d.taskDefinition ?? '', primary?.id);
        d.pendingCount = 0;
        return true;
      }
      return false;
    });
  }

  /** A task that crashed (the essential container died; the others never got to start), or that ECS stopped. */
  private addStoppedTask(svc: EcsService, taskDefinitionArn: string, stoppedBy?: string): void {
    this.seq += 1;
    const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod/t${this.seq}`;
    const containers = this.containersOf(taskDefinitionArn);
    this.tasks.set(arn, {
      taskArn: arn,
      taskDefinitionArn,
      group: `service:${svc.serviceName}`,
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stoppedAt: new Date(this.clock.now()),
      ...(stoppedBy
        ? {
            stopCode: 'ServiceSchedulerInitiated',
            stoppedReason: `Scaling activity initiated by (deployment ${stoppedBy})`,
            containers: containers.map((c) => ({ name: c.name })),
          }
        : {
            stopCode: 'EssentialContainerExited',
            stoppedReason: 'Essential container in task exited',
            containers: containers.map((c) =>
              c.essential
                ? { name: c.name, exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' }
                : { name: c.name },
            ),
          }),
    });
  }

  ports(): AwsPorts {
    const self = this;
    const find = (cluster: string | undefined, service: string | undefined): ServiceState | undefined =>
      self.services.get(`${cluster ?? 'default'}/${service}`);
    const notFound = (op: string, message: string) =>
      new AwsApiError({ service: 'ECS', operation: op, awsCode: 'ServiceNotFoundException', message, httpStatus: 400 });
    const ecs: AwsPorts['ecs'] = {
      async describeServices(input) {
        self.record('DescribeServices', input);
        const services: EcsService[] = [];
        const failures: { arn: string; reason: string }[] = [];
        for (const name of input.services ?? []) {
          const st = find(input.cluster, name);
          if (!st) {
            failures.push({ arn: name, reason: 'MISSING' });
            continue;
          }
          self.tick(st);
          const copy = structuredClone(st.svc);
          if (input.include?.includes('TAGS')) copy.tags = self.tags.get(st.svc.serviceArn ?? '') ?? [];
          services.push(copy);
        }
        return { services, failures, $metadata: {} };
      },
      async describeTaskDefinition(input) {
        self.record('DescribeTaskDefinition', input);
        for (const revs of self.taskDefinitions.values()) {
          const r = revs.find((x) => x.arn === input.taskDefinition || x.arn.endsWith(`/${input.taskDefinition}`));
          if (r) return { taskDefinition: { taskDefinitionArn: r.arn, status: r.status as 'ACTIVE' }, tags: r.tags, $metadata: {} };
        }
        throw new AwsApiError({
          service: 'ECS',
          operation: 'DescribeTaskDefinition',
          awsCode: 'ClientException',
          message: 'Unable to describe task definition.',
        });
      },
      async registerTaskDefinition(input) {
        self.record('RegisterTaskDefinition', input);
        const arn = self.addTaskDefinition(
          input.family ?? 'x',
          input.tags as { key: string; value: string }[],
          (input.containerDefinitions ?? []).map((c) => ({ name: c.name ?? '', essential: c.essential !== false })),
        );
        return { taskDefinition: { taskDefinitionArn: arn, family: input.family }, tags: input.tags, $metadata: {} };
      },
      async deregisterTaskDefinition(input) {
        self.record('DeregisterTaskDefinition', input);
        for (const revs of self.taskDefinitions.values()) for (const r of revs) if (r.arn === input.taskDefinition) r.status = 'INACTIVE';
        return { $metadata: {} };
      },
      async listTaskDefinitions(input) {
        self.record('ListTaskDefinitions', input);
        const arns = [...self.taskDefinitions.entries()]
          .filter(([f]) => f.startsWith(input.familyPrefix ?? ''))
          .flatMap(([, revs]) => revs.filter((r) => !input.status || r.status === input.status).map((r) => r.arn));
        const rev = (a: string) => Number(a.slice(a.lastIndexOf(':') + 1));
        arns.sort((a, b) => (input.sort === 'DESC' ? rev(b) - rev(a) : rev(a) - rev(b)));
        const from = Number(input.nextToken ?? 0);
        const to = from + self.taskDefinitionPageSize;
        return {
          taskDefinitionArns: arns.slice(from, to),
          ...(to < arns.length ? { nextToken: String(to) } : {}),
          $metadata: {},
        };
      },
      async createService(input) {
        self.record('CreateService', input);
        const cluster = input.cluster ?? 'default';
        const svc = self.addService({
          cluster,
          name: input.serviceName ?? '',
          taskDefinition: input.taskDefinition ?? '',
          desired: input.desiredCount ?? 1,
        });
        const st = self.services.get(`${cluster}/${input.serviceName}`) as ServiceState;
        svc.deployments = [];
        const d = self.startDeployment(st, input.taskDefinition ?? '', undefined);
        return { service: structuredClone({ ...svc, deployments: [d] }), $metadata: {} };
      },
      async updateService(input) {
        self.record('UpdateService', input);
        const st = find(input.cluster, input.service);
        if (!st) throw notFound('UpdateService', 'Service not found.');
        if (input.desiredCount !== undefined) st.svc.desiredCount = input.desiredCount;
        if (input.taskDefinition && self.updateWithoutDeployment) st.svc.taskDefinition = input.taskDefinition;
        else if (input.taskDefinition) self.startDeployment(st, input.taskDefinition, undefined);
        return { service: structuredClone(st.svc), $metadata: {} };
      },
      async listServices() {
        return { serviceArns: [], $metadata: {} };
      },
      async listClusters() {
        return { clusterArns: [], $metadata: {} };
      },
      async runTask(input) {
        self.record('RunTask', input);
        self.seq += 1;
        const arn = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${input.cluster}/oneoff${self.seq}`;
        const task: EcsTask = {
          taskArn: arn,
          taskDefinitionArn: input.taskDefinition,
          lastStatus: 'PROVISIONING',
          startedBy: input.startedBy,
        };
        self.tasks.set(arn, task);
        self.oneOffProgress.set(arn, 0);
        return { tasks: [structuredClone(task)], failures: [], $metadata: {} };
      },
      async describeTasks(input) {
        self.record('DescribeTasks', input);
        const tasks: EcsTask[] = [];
        for (const arn of input.tasks ?? []) {
          const t = self.tasks.get(arn);
          if (!t) continue;
          const reads = self.oneOffProgress.get(arn);
          if (reads !== undefined) {
            self.oneOffProgress.set(arn, reads + 1);
            if (reads + 1 >= self.oneOffReads) {
              t.lastStatus = 'STOPPED';
              const containers = self.containersOf(t.taskDefinitionArn ?? '');
              if (self.oneOffExit === 'never-started') {
                t.stopCode = 'TaskFailedToStart';
                t.stoppedReason = 'CannotPullContainerError: image not found';
                t.containers = containers.map((c) => ({ name: c.name, reason: 'CannotPullContainerError' }));
              } else {
                const exit = self.oneOffExit;
                t.stopCode = 'EssentialContainerExited';
                t.stoppedReason = 'Essential container in task exited';
                // The essential containers exit with the scripted code; the others were stopped after them.
                t.containers = containers.map((c) => ({ name: c.name, exitCode: c.essential ? exit : 0 }));
              }
            } else t.lastStatus = 'RUNNING';
          }
          tasks.push(structuredClone(t));
        }
        return { tasks, failures: [], $metadata: {} };
      },
      async listTasks(input) {
        self.record('ListTasks', input);
        const arns = [...self.tasks.values()]
          .filter((t) => t.group === `service:${input.serviceName}` && (!input.desiredStatus || t.desiredStatus === input.desiredStatus))
          .map((t) => t.taskArn ?? '');
        return { taskArns: arns, $metadata: {} };
      },
      async stopTask(input) {
        self.record('StopTask', input);
        return { $metadata: {} };
      },
      async listServiceDeployments(input) {
        self.record('ListServiceDeployments', input);
        return { serviceDeployments: [], $metadata: {} };
      },
      async describeServiceDeployments(input) {
        self.record('DescribeServiceDeployments', input);
        return { serviceDeployments: [], $metadata: {} };
      },
      async describeServiceRevisions(input) {
        self.record('DescribeServiceRevisions', input);
        return { serviceRevisions: [], $metadata: {} };
      },
      async continueServiceDeployment(input) {
        self.record('ContinueServiceDeployment', input);
        return { serviceDeploymentArn: input.serviceDeploymentArn, $metadata: {} };
      },
      async stopServiceDeployment(input) {
        self.record('StopServiceDeployment', input);
        return { serviceDeploymentArn: input.serviceDeploymentArn, $metadata: {} };
      },
      async tagResource(input) {
        self.record('TagResource', input);
        const cur = (self.tags.get(input.resourceArn ?? '') ?? []).filter((t) => !input.tags?.some((n) => n.key === t.key));
        self.tags.set(input.resourceArn ?? '', [...cur, ...((input.tags ?? []) as { key: string; value: string }[])]);
        self.onTag?.(input.resourceArn ?? '', (input.tags ?? []) as { key: string; value: string }[]);
        return { $metadata: {} };
      },
      async untagResource(input) {
        self.record('UntagResource', input);
        self.tags.set(
          input.resourceArn ?? '',
          (self.tags.get(input.resourceArn ?? '') ?? []).filter((t) => !input.tagKeys?.includes(t.key)),
        );
        return { $metadata: {} };
      },
      async listTagsForResource(input) {
        self.record('ListTagsForResource', input);
        return { tags: structuredClone(self.tags.get(input.resourceArn ?? '') ?? []), $metadata: {} };
      },
      async describeClusters(input) {
        self.record('DescribeClusters', input);
        return { clusters: [], $metadata: {} };
      },
    };
    const unused = new Proxy(
      {},
      {
        get: (_t, op) => () => Promise.reject(new Error(`fake: unexpected call ${String(op)}`)),
      },
    );
    return {
      region: REGION,
      ecs,
      codedeploy: unused as AwsPorts['codedeploy'],
      elbv2: unused as AwsPorts['elbv2'],
      cloudwatch: unused as AwsPorts['cloudwatch'],
      events: {
        async describeRule(input: { Name?: string }) {
          self.record('DescribeRule', input);
          return { Name: input.Name, $metadata: {} };
        },
        async listTargetsByRule(input: { Rule?: string }) {
          self.record('ListTargetsByRule', input);
          return { Targets: structuredClone(self.rules.get(input.Rule ?? '') ?? []), $metadata: {} };
        },
        async putTargets(input: { Rule?: string; Targets?: { Id?: string }[] }) {
          self.record('PutTargets', input);
          const cur = self.rules.get(input.Rule ?? '') ?? [];
          for (const t of input.Targets ?? []) {
            const i = cur.findIndex((c) => c.Id === t.Id);
            if (i >= 0) cur[i] = structuredClone(t) as unknown as Record<string, unknown>;
          }
          return { FailedEntryCount: 0, FailedEntries: [], $metadata: {} };
        },
      } as unknown as AwsPorts['events'],
      sns: {
        async publish(input) {
          self.record('Publish', input);
          if (self.snsFails)
            throw new AwsApiError({ service: 'SNS', operation: 'Publish', awsCode: 'AuthorizationError', message: 'not allowed' });
          return { MessageId: 'm-1', $metadata: {} };
        },
      },
      calls: { counts: () => ({}), total: () => self.calls.length },
    };
  }
}
