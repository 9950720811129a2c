import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/index.js';
import { buildPlan } from '../../src/plan/build.js';
import { compareWithSavedPlan, parseSavedPlan, serializePlan } from '../../src/plan/saved-plan.js';
import { describedService, IMAGE_V2, liveService, liveState, manifest, minimalTaskDefinition, OPTIONS, service } from './fixtures.js';

const base = () => buildPlan(manifest([service()]), liveState([liveService()]), OPTIONS);
const saved = () => parseSavedPlan(serializePlan(base()), 'plan.json');

function caught(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error('expected a UsageError');
}

describe('saved plans', () => {
  it('round-trip: a saved plan parses back and is fresh against the same inputs', () => {
    const s = saved();
    expect(s.format).toBe('ecsdeploy.plan');
    expect(s.services[0]?.desiredDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(compareWithSavedPlan(s, base())).toEqual([]);
  });

  it('is pretty JSON ending in a newline', () => {
    const text = serializePlan(base());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "format": "ecsdeploy.plan",\n');
  });

  it('rejects junk, other formats and other format versions with clear usage errors', () => {
    expect(caught(() => parseSavedPlan('not json', 'p.json'))).toMatchObject({
      code: 'PLAN_FILE_INVALID',
      message: expect.stringContaining('p.json is not a saved ecsdeploy plan'),
    });
    expect(caught(() => parseSavedPlan('{"format":"terraform"}', 'p.json')).message).toContain('format "terraform"');
    const v2 = JSON.stringify({ ...JSON.parse(serializePlan(base())), version: 2, tool: { name: 'ecsdeploy', version: '9.0.0' } });
    const err = caught(() => parseSavedPlan(v2, 'p.json'));
    expect(err.code).toBe('PLAN_VERSION_UNSUPPORTED');
    expect(err.message).toContain('format version 2 written by ecsdeploy 9.0.0');
    expect(err.hint).toContain('ecsdeploy plan --out');
    const broken = JSON.parse(serializePlan(base()));
    delete broken.services[0].desiredDigest;
    expect(caught(() => parseSavedPlan(JSON.stringify(broken), 'p.json')).message).toContain('services[0].desiredDigest');
  });

  describe('compareWithSavedPlan reports what moved', () => {
    it('the manifest digest', () => {
      const fresh = buildPlan(manifest([service()], { digest: 'b'.repeat(64) }), liveState([liveService()]), OPTIONS);
      expect(compareWithSavedPlan(saved(), fresh)).toEqual([
        `manifest ecsdeploy.yaml changed (digest ${'a'.repeat(12)} → ${'b'.repeat(12)})`,
      ]);
    });

    it('the live task definition, primary deployment, updatedAt, desired count and status', () => {
      const described = describedService({
        taskDefinition: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/shop-web:8',
        desiredCount: 3,
        status: 'DRAINING',
        deployments: [{ id: 'ecs-svc/999', status: 'PRIMARY', updatedAt: '2026-11-22T12:30:00.000Z' }],
      });
      // keep the manifest count equal to live so only the fingerprint moves, not the plan's desired values
      const fresh = buildPlan(manifest([service()]), liveState([liveService({ described })]), OPTIONS);
      const moved = compareWithSavedPlan(saved(), fresh);
      expect(moved).toEqual([
        'service web (shop/web): status ACTIVE → DRAINING',
        'service web (shop/web): task definition arn:aws:ecs:eu-west-1:111122223333:task-definition/shop-web:7 → arn:aws:ecs:eu-west-1:111122223333:task-definition/shop-web:8',
        'service web (shop/web): primary deployment ecs-svc/1234567890123456789 → ecs-svc/999',
        'service web (shop/web): primary deployment updatedAt 2026-11-20T09:16:40.000Z → 2026-11-22T12:30:00.000Z',
        'service web (shop/web): desired count 2 → 3',
      ]);
    });

    it('the desired task definition (an override changed) without storing any value', () => {
      const td = minimalTaskDefinition();
      td.containerDefinitions[0]!.image = IMAGE_V2;
      const fresh = buildPlan(
        manifest([service({ taskDefinition: { kind: 'declared', input: td } })]),
        liveState([liveService()]),
        OPTIONS,
      );
      expect(compareWithSavedPlan(saved(), fresh)).toEqual([
        'service web (shop/web): the desired task definition or settings differ from the plan (manifest, overrides or the copied live definition changed)',
      ]);
    });

    it('a sensitive value that changed since the plan, although the saved plan only holds (sensitive)', () => {
      const td = minimalTaskDefinition();
      td.containerDefinitions[0]!.environment![2]!.value = 'rotated';
      const fresh = buildPlan(
        manifest([service({ taskDefinition: { kind: 'declared', input: td } })]),
        liveState([liveService()]),
        OPTIONS,
      );
      expect(compareWithSavedPlan(saved(), fresh)).toHaveLength(1);
    });

    it('services added to and removed from the manifest', () => {
      const fresh = buildPlan(
        manifest([service({ key: 'api', service: 'api' })]),
        liveState([liveService({ key: 'api', service: 'api' })]),
        OPTIONS,
      );
      expect(compareWithSavedPlan(saved(), fresh)).toEqual([
        'service web (shop/web) was in the plan but is no longer in the manifest',
        'service api (shop/api) is in the manifest now but was not in the plan',
      ]);
    });

    it('a service that appeared or disappeared in AWS', () => {
      const creating = buildPlan(
        manifest([service({ createIfMissing: true })]),
        liveState([liveService({ described: undefined, taskDefinition: undefined })]),
        OPTIONS,
      );
      const savedCreate = parseSavedPlan(serializePlan(creating), 'plan.json');
      expect(
        compareWithSavedPlan(savedCreate, buildPlan(manifest([service({ createIfMissing: true })]), liveState([liveService()]), OPTIONS)),
      ).toEqual(['service web (shop/web) did not exist when planned and exists now']);
      expect(compareWithSavedPlan(saved(), creating)).toEqual(['service web (shop/web) existed when planned and is gone now']);
    });

    it('the environment and region', () => {
      const fresh = buildPlan(manifest([service()], { environment: 'staging', region: 'us-east-1' }), liveState([liveService()]), OPTIONS);
      expect(compareWithSavedPlan(saved(), fresh)).toEqual(['environment production → staging', 'region eu-west-1 → us-east-1']);
    });
  });
});
