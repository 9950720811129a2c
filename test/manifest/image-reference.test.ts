import { describe, expect, it } from 'vitest';
import { imageProblems, visible } from '../../src/manifest/image-reference.js';

const DIGEST = `sha256:${'a1'.repeat(32)}`;
const severity = (image: string) => imageProblems(image).map((p) => p.severity);

describe('image references', () => {
  it.each([
    'nginx',
    'nginx:1.27',
    'nginx:1.27-alpine',
    'library/nginx:latest',
    'public.ecr.aws/nginx/nginx:1.27',
    '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:1.4.2',
    'localhost:5000/app:dev_1',
    `registry.example.com:5000/team/app@${DIGEST}`,
    `nginx:1.27@${DIGEST.toUpperCase().replace('SHA256', 'sha256')}`,
    'a/b__c/d-e.f:T_1',
    `nginx:${'x'.repeat(128)}`,
  ])('%s is accepted without a word', (image) => {
    expect(imageProblems(image)).toEqual([]);
  });

  it.each([
    ['', 'must not be empty'],
    ['nginx :1.27', 'whitespace or invisible characters'],
    ['nginx:1.27\n', 'whitespace or invisible characters'],
    ['ngi\u200bnx:1', 'ngi\\u200bnx:1'],
    ['nginx:1.27;rm', 'not an image ECS accepts'],
    ['nginx@1.27', 'malformed digest'],
    ['nginx@sha256:abc', 'malformed digest'],
    [`nginx@md5:${'a'.repeat(64)}`, 'malformed digest'],
    [`nginx@sha256:${'g'.repeat(64)}`, 'malformed digest'],
    [`nginx@${DIGEST}@${DIGEST}`, 'malformed digest'],
    [`${'a'.repeat(256)}:1`, 'at most 255'],
    [`nginx:${'x'.repeat(129)}`, 'invalid tag'],
    ['nginx:', 'invalid tag'],
    ['nginx:.hidden', 'invalid tag'],
    ['nginx:1#2', 'invalid tag'],
  ])('%j is an error (%s)', (image, words) => {
    const problems = imageProblems(image);
    expect(problems.map((p) => p.severity)).toEqual(['error']);
    expect(problems[0]?.message).toContain(words);
  });

  it.each([
    ['Shop/Web:1.4', 'uppercase'],
    ['registry.example.com/Team/app:1', 'uppercase'],
    ['nginx::1.27', '`::`'],
    ['shop/web#1:2', 'not a repository name registries accept'],
    ['shop/-web:1', 'not a repository name registries accept'],
  ])('%s registers in ECS but cannot be pulled: a warning (%s)', (image, words) => {
    const problems = imageProblems(image);
    expect(problems.map((p) => p.severity)).toEqual(['warning']);
    expect(problems[0]?.message).toContain(words);
  });

  it('an uppercase registry host is no problem (host names are case-insensitive)', () => {
    expect(severity('Registry.Example.com/team/app:1')).toEqual([]);
  });

  it('spells out invisible characters', () => {
    expect(visible('web\u200b\u0007 x')).toBe('web\\u200b\\u0007 x');
  });
});
