/** The overrides a plan records, and how apply of a saved plan uses them. Pure. */
import { describe, expect, it } from 'vitest';
import { overridesForSavedPlan, recordOverrides } from '../../src/plan/recorded-overrides.js';
import { rememberSecret } from '../../src/util/redact.js';

describe('recorded overrides', () => {
  it('keeps every override as given, and a variable whose value may be secret by its name only', () => {
    rememberSecret('a-known-secret-value-42');
    const r = recordOverrides({
      images: ['web=registry/web:1.4.2'],
      vars: ['tag=1.4.2', 'db_password=hunter2-hunter2', 'dsn=postgres://app:pw@db/app', 'note=a-known-secret-value-42', 'empty='],
      desiredCount: 3,
      timeout: '90s',
    });
    expect(r).toEqual({
      images: ['web=registry/web:1.4.2'],
      vars: [
        { name: 'tag', value: '1.4.2' },
        { name: 'db_password', sensitive: true },
        { name: 'dsn', sensitive: true },
        { name: 'note', sensitive: true },
        { name: 'empty', value: '' },
      ],
      desiredCount: 3,
      timeout: '90s',
    });
    expect(JSON.stringify(r)).not.toMatch(/hunter2|pw@|a-known-secret/);
  });

  it('applies a saved plan with what it recorded, and the secret variables given again', () => {
    const recorded = recordOverrides({ images: ['web=r/web:2'], vars: ['tag=2', 'api_token=t0k3n-value'], maximumPercent: 150 });
    expect(overridesForSavedPlan(recorded, { images: [], vars: ['api_token=t0k3n-value'] })).toEqual({
      overrides: { images: ['web=r/web:2'], vars: ['tag=2', 'api_token=t0k3n-value'], maximumPercent: 150 },
    });
    // Giving the same again is fine.
    expect(
      overridesForSavedPlan(recorded, { images: ['web=r/web:2'], vars: ['tag=2', 'api_token=x'], maximumPercent: 150 }),
    ).toHaveProperty('overrides');
  });

  it('names every flag that differs from what the plan recorded, and a secret variable not given again', () => {
    const recorded = recordOverrides({ images: ['web=r/web:2'], vars: ['tag=2', 'api_token=t0k3n-value'] });
    expect(overridesForSavedPlan(recorded, { images: ['web=r/web:3'], vars: ['tag=3', 'extra=1'], desiredCount: 4 })).toEqual({
      problems: [
        '--image web=r/web:3 (the plan was made with web=r/web:2)',
        '--desired-count 4 (the plan was made with none)',
        '--var tag=3 (the plan was made with tag=2)',
        '--var api_token is missing: the plan was made with it, and its value may be secret, so the plan does not hold it',
        '--var extra (the plan was made without it)',
      ],
    });
  });

  it('applies a plan made before overrides were recorded with the flags given, as then', () => {
    const given = { images: ['web=r/web:2'], vars: ['tag=2'] };
    expect(overridesForSavedPlan(undefined, given)).toEqual({ overrides: given });
  });
});
