/** Builders for plans and engine dependencies in engine tests. */
import { applyPlan } from '../../src/engine/apply.js';
import type { ApplyOptions } from '../../src/engine/types.js';
import { MemorySink } from '../../src/events/types.js';
import type { ResolvedService } from '../../src/model/manifest.js';
import type { Plan, ServicePlan } from '../../src/plan/types.js';
import { VirtualClock } from '../../src/sandbox/clock.js';
import { FakeAws, svcArn } from './fake-aws.js';

export function servicePlan(o: {
  key: string;
  family?: string;
  cluster?: string;
  liveArn?: string | null;
  action?: ServicePlan['action'];
  taskDefinitionChanged?: boolean;
  dependsOn?: string[];
  timeoutMs?: number;
  onFailure?: 'rollback' | 'leave';
  desiredCount?: number;
  primaryDeploymentId?: string;
}): ServicePlan {
  const family = o.family ?? o.key;
  const cluster = o.cluster ?? 'prod';
  const live = o.liveArn
    ? {
        serviceArn: svcArn(cluster, o.key),
        status: 'ACTIVE',
        taskDefinitionArn: o.liveArn,
        primaryDeploymentId: o.primaryDeploymentId,
        updatedAt: undefined,
        desiredCount: 2,
        runningCount: 2,
        deploymentController: 'ECS',
      }
    : null;
  return {
    key: o.key,
    service: o.key,
    cluster,
    action: o.action ?? (live ? 'update' : 'create'),
    taskDefinitionChanged: o.taskDefinitionChanged ?? true,
    serviceChanged: false,
    desired: {
      taskDefinition: {
        family,
        containerDefinitions: [
          { name: 'sidecar', image: 'busybox', essential: false },
          { name: o.key === 'api' ? 'api' : 'web', image: `repo/${family}:v2`, essential: true },
        ],
      },
      service: {},
      desiredCount: o.desiredCount,
      deployment: { circuitBreaker: { enable: true, rollback: true } },
    },
    live,
    changes: [],
    diff: '',
    blockedReasons: [],
    strategy: { type: 'rolling' },
    dependsOn: o.dependsOn ?? [],
    timeoutMs: o.timeoutMs ?? 10 * 60_000,
    onFailure: o.onFailure ?? 'rollback',
    sensitiveNames: [],
  };
}

export function plan(services: ServicePlan[], extra: Partial<Plan> = {}): Plan {
  return {
    format: 'ecsdeploy.plan',
    version: 1,
    tool: { name: 'ecsdeploy', version: '0.0.0' },
    createdAt: '2026-01-01T00:00:00.000Z',
    manifest: { file: 'ecsdeploy.yaml', digest: 'abc123', environment: 'test' },
    region: 'us-east-1',
    services,
    before: [],
    scheduledTargets: [],
    keepRevisions: 0,
    notify: { eachCall: false },
    summary: { create: 0, update: services.length, noChange: 0, blocked: 0, inFlight: 0 },
    hasChanges: true,
    ...extra,
  };
}

export interface Harness {
  aws: FakeAws;
  clock: VirtualClock;
  sink: MemorySink;
  soft: AbortController;
  hard: AbortController;
  apply(p: Plan, o?: Partial<ApplyOptions>): ReturnType<typeof applyPlan>;
}

export function harness(): Harness {
  const clock = new VirtualClock();
  const aws = new FakeAws(clock);
  const sink = new MemorySink();
  const soft = new AbortController();
  const hard = new AbortController();
  return {
    aws,
    clock,
    sink,
    soft,
    hard,
    apply: (p, o = {}) =>
      applyPlan(
        p,
        { ports: aws.ports(), sink, clock, signal: soft.signal, hardSignal: hard.signal },
        { concurrency: 4, dryRun: false, force: false, onInterrupt: 'rollback', runId: 'run-1', lockSettleMs: 500, ...o },
      ),
  };
}

export function resolvedService(key: string, extra: Partial<ResolvedService> = {}): ResolvedService {
  return {
    key,
    service: key,
    cluster: 'prod',
    taskDefinition: { kind: 'live' },
    images: {},
    repositoryImages: [],
    environment: {},
    command: {},
    sensitive: [],
    desiredCount: undefined,
    deployment: {},
    settings: {},
    createIfMissing: false,
    dependsOn: [],
    strategy: { type: 'rolling' },
    timeoutMs: 600_000,
    onFailure: 'rollback',
    ignoreTags: [],
    ...extra,
  };
}
