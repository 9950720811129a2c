import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/manifest/did-you-mean.js';
import { percentsAllowProgress } from '../../src/manifest/rules.js';

describe('the rolling-update progress rule (aws-semantics.md §1.2)', () => {
  it.each([
    [2, 75, 125, false], // 2 must stay healthy, at most 2 may run
    [3, 100, 125, false], // floor(3.75)=3: cannot start; min 3: cannot stop
    [4, 50, 100, true], // may stop 2
    [4, 100, 200, true], // may start 4
    [1, 100, 150, false], // floor(1.5)=1
    [1, 0, 100, true], // may stop the only task
    [10, 90, 110, true], // min 9 < 10
    [0, 100, 100, true], // nothing to deploy
  ])('desired %i with min %i%% / max %i%% allows progress: %s', (desired, min, max, expected) => {
    expect(percentsAllowProgress(desired, min, max)).toBe(expected);
  });
});

describe('did you mean', () => {
  it('counts a swap of neighbours as one edit and ignores case', () => {
    expect(editDistance('wbe', 'web')).toBe(1);
    expect(editDistance('Cluster', 'cluster')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests only close candidates', () => {
    expect(closest('clustr', ['cluster', 'service'])).toBe('cluster');
    expect(closest('minimumHealthPercent', ['minimumHealthyPercent', 'maximumPercent'])).toBe('minimumHealthyPercent');
    expect(closest('zzz', ['cluster', 'service'])).toBeUndefined();
  });
});
