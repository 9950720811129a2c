/**
 * The engine against the in-process sandbox, for engine behaviour tests: a manifest seeds the account one release
 * behind (as `--sandbox` does), `plan()` reads the account and builds the plan as `ecsdeploy plan` does, and
 * `apply()` runs `applyPlan` on real SDK clients over the sandbox, on its clock, recording every call the engine
 * makes. The sandbox is the ECS these tests deploy to; moto's conformance suite keeps it honest.
 *
 *   const h = await engineOnSandbox({ manifest: manifestDoc({ api: service('api') }) });
 *   const r = await h.apply(await h.plan());
 *   expect(h.rec.count('RegisterTaskDefinition')).toBe(1);
 *
 * Manifests are written as JSON (which is YAML), so a test builds them as objects.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { AwsPorts, EcsService } from '../../src/aws/ports.js';
import { applyPlan } from '../../src/engine/apply.js';
import { type RollbackOptions, rollbackService } from '../../src/engine/rollback.js';
import type { ApplyOptions, ApplyResult } from '../../src/engine/types.js';
import { MemorySink } from '../../src/events/types.js';
import { readLiveState } from '../../src/live/read-live-state.js';
import { type ManifestOverrides, loadManifest } from '../../src/manifest/index.js';
import type { ResolvedManifest } from '../../src/model/manifest.js';
import { buildPlan } from '../../src/plan/build.js';
import type { Plan } from '../../src/plan/types.js';
import type { Scenario } from '../../src/sandbox/world/index.js';
import { isoTime } from '../../src/util/clock.js';
import { type RecordedPorts, recordCalls } from '../_helpers/recorded-ports.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

export type ManifestDoc = Record<string, unknown>;

export const CLUSTER = 'prod';

/**
 * Tags as other runs and machines see them on AWS (written out, not imported from the engine: a renamed tag
 * would strand the locks and marks of every earlier run).
 */
export const LOCK_TAG = 'ecsdeploy:lock';
export const DEPLOYED = [{ key: 'ecsdeploy:deployed', value: '2026-01-01T00:00:00Z' }];
export const REGISTERED = [{ key: 'ecsdeploy:manifest-digest', value: 'abc' }];

/** `family:revision` of a task definition ARN. */
export const shortArn = (arn: unknown): string | undefined => String(arn).split('/').at(-1);

/**
 * A Fargate service `key` on cluster `prod` (ECS name = key, family = key): a non-essential `sidecar` and an
 * essential container named like the service, whose image is `repo/<key>:${env:TAG:-v2}`. The account is seeded
 * with that image at tag `previous`, so a plan changes the image (and only the image) unless TAG=previous.
 */
export function service(key: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    taskDefinition: {
      family: key,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: 'sidecar', image: 'busybox:1.36', essential: false },
        { name: key, image: `repo/${key}:v1`, essential: true },
      ],
    },
    images: { [key]: `repo/${key}:\${env:TAG:-v2}` },
    desiredCount: 2,
    ...extra,
  };
}

/** A manifest of `services` on cluster `prod` with the usual rolling defaults; `extra` adds top-level keys. */
export function manifestDoc(services: Record<string, Record<string, unknown>>, extra: ManifestDoc = {}): ManifestDoc {
  return {
    version: 1,
    region: 'us-east-1',
    defaults: {
      cluster: CLUSTER,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'], assignPublicIp: 'DISABLED' } },
      deployment: { minimumHealthyPercent: 100, maximumPercent: 200, circuitBreaker: { enable: true, rollback: true } },
      timeout: '10m',
    },
    services,
    ...extra,
  };
}

export const APPLY_DEFAULTS: ApplyOptions = {
  concurrency: 4,
  dryRun: false,
  force: false,
  onInterrupt: 'rollback',
  runId: 'run-1',
  lockSettleMs: 500,
};

export interface EngineSandbox {
  sb: InProcessSandbox;
  clock: InProcessSandbox['clock'];
  sink: MemorySink;
  soft: AbortController;
  hard: AbortController;
  /** The ports the engine runs on; every call it makes is recorded here. */
  rec: RecordedPorts;
  /** Ports for arranging and inspecting the account; their calls are not recorded. */
  admin: AwsPorts;
  manifest: ResolvedManifest;
  /** Loads the manifest again (as a later run would), with these `--image`/`-D`/`--min` overrides. */
  load(overrides?: ManifestOverrides): ResolvedManifest;
  /** Reads the account and builds a plan, as `ecsdeploy plan` does. */
  plan(manifest?: ResolvedManifest): Promise<Plan>;
  apply(plan: Plan, options?: Partial<ApplyOptions>): Promise<ApplyResult>;
  rollback(key: string, options?: Partial<RollbackOptions>): Promise<ApplyResult>;
  /** The service as DescribeServices shows it now. */
  describe(key: string): Promise<EcsService>;
  /** `arn:aws:ecs:…:task-definition/<familyRev>` in this account. */
  tdArn(familyRev: string): string;
  /** Registers a revision of `family` outside ecsdeploy: one essential container named like it, running `image`. */
  register(family: string, image: string, tags?: { key: string; value: string }[]): Promise<string>;
}

export async function engineOnSandbox(o: {
  manifest: ManifestDoc;
  /** Seed the account from this manifest instead (what exists before the run); default: `manifest`. */
  seed?: ManifestDoc;
  /** `${env:...}` for the manifest; the seed uses the same. */
  env?: Record<string, string>;
  scenario?: Partial<Scenario>;
}): Promise<EngineSandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-engine-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const env = o.env ?? {};
  if (o.seed) writeFileSync(join(dir, 'seed.yaml'), JSON.stringify(o.seed, null, 2));
  writeFileSync(join(dir, 'ecsdeploy.yaml'), JSON.stringify(o.manifest, null, 2));
  const load = (overrides?: ManifestOverrides) => loadManifest({ cwd: dir, env, ...(overrides ? { overrides } : {}) });
  const manifest = load();
  const seed = o.seed ? loadManifest({ cwd: dir, file: 'seed.yaml', env }) : manifest;
  const sb = startInProcessSandbox({ manifest: seed, ...(o.scenario ? { scenario: o.scenario } : {}) });
  const admin = createAwsPorts(sb.awsConfig());
  const rec = recordCalls(createAwsPorts(sb.awsConfig()));
  const sink = new MemorySink();
  const soft = new AbortController();
  const hard = new AbortController();
  const byKey = (key: string) => {
    const s = manifest.services.find((x) => x.key === key);
    if (!s) throw new Error(`no service ${key} in the manifest`);
    return s;
  };
  const deps = () => ({ ports: rec.ports, sink, clock: sb.clock, signal: soft.signal, hardSignal: hard.signal });
  return {
    sb,
    clock: sb.clock,
    sink,
    soft,
    hard,
    rec,
    admin,
    manifest,
    load,
    async plan(m = manifest) {
      const live = await readLiveState(admin, m);
      return buildPlan(m, live, { now: isoTime(sb.clock), toolVersion: '0.0.0-test' });
    },
    apply: (plan, options = {}) => applyPlan(plan, deps(), { ...APPLY_DEFAULTS, ...options }),
    rollback: (key, options = {}) =>
      rollbackService(byKey(key), deps(), { runId: 'rb-1', force: false, onInterrupt: 'rollback', lockSettleMs: 500, ...options }),
    async describe(key) {
      const s = byKey(key);
      const out = await admin.ecs.describeServices({ cluster: s.cluster, services: [s.service], include: ['TAGS'] });
      const svc = out.services?.[0];
      if (!svc) throw new Error(`service ${s.service} is not in the account`);
      return svc;
    },
    tdArn: (familyRev) => `arn:aws:ecs:${sb.runtime.region}:${sb.runtime.world.accountId}:task-definition/${familyRev}`,
    async register(family, image, tags = []) {
      const out = await admin.ecs.registerTaskDefinition({
        family,
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        containerDefinitions: [{ name: family, image, essential: true }],
        ...(tags.length ? { tags } : {}),
      });
      return out.taskDefinition?.taskDefinitionArn as string;
    },
  };
}
