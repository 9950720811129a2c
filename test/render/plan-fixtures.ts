/** Plans for the renderer tests, built by the real buildPlan from AWS-shaped fixtures. */
import { buildPlan } from '../../src/plan/build.js';
import type { Plan } from '../../src/plan/types.js';
import { IMAGE_V2, liveService, liveState, manifest, minimalTaskDefinition, OPTIONS, service } from '../plan/fixtures.js';

/** web: new image; api: unchanged; worker: blocked (launchType); jobs: created. */
export function mixedPlan(): Plan {
  const td = minimalTaskDefinition();
  td.containerDefinitions[0]!.image = IMAGE_V2;
  return buildPlan(
    manifest([
      service({ taskDefinition: { kind: 'declared', input: td } }),
      service({ key: 'api', service: 'shop-api' }),
      service({ key: 'worker', service: 'worker', settings: { ...service().settings, launchType: 'EC2' } }),
      service({ key: 'jobs', service: 'jobs', createIfMissing: true, strategy: { type: 'rolling' } }),
    ]),
    liveState([
      liveService(),
      liveService({ key: 'api', service: 'shop-api' }),
      liveService({ key: 'worker', service: 'worker' }),
      liveService({ key: 'jobs', service: 'jobs', described: undefined, taskDefinition: undefined }),
    ]),
    OPTIONS,
  );
}

export function unchangedPlan(): Plan {
  return buildPlan(manifest([service()]), liveState([liveService()]), OPTIONS);
}
