import { describe, expect, it } from 'vitest';
import { applyOverrides, splitImage, withDefaultTag } from '../../src/model/overrides.js';
import type { TaskDefinitionInput } from '../../src/model/task-definition.js';

const td = (): TaskDefinitionInput => ({
  family: 'web',
  containerDefinitions: [
    {
      name: 'web',
      image: 'registry.example:5000/shop/web:1.0',
      environment: [
        { name: 'constructor', value: 'kept' },
        { name: 'MODE', value: 'old' },
      ],
    },
    { name: 'proxy', image: 'envoyproxy/envoy:v1.30' },
  ],
});

const none = { images: {}, repositoryImages: [], environment: {}, command: {} };

describe('applyOverrides', () => {
  it('replaces only the named variables of a container, whatever their names (even Object prototype keys)', () => {
    const r = applyOverrides(td(), { ...none, environment: { web: { MODE: 'new' } } });
    expect(r.taskDefinition.containerDefinitions[0]?.environment).toEqual([
      { name: 'constructor', value: 'kept' },
      { name: 'MODE', value: 'new' },
    ]);
  });

  it('replaces the image of every container whose repository matches, and reports repositories that match none', () => {
    const r = applyOverrides(td(), {
      ...none,
      repositoryImages: [
        { repository: 'registry.example:5000/shop/web', image: 'registry.example:5000/shop/web:2.0' },
        { repository: 'nginx', image: 'nginx:latest' },
      ],
    });
    expect(r.taskDefinition.containerDefinitions.map((c) => c.image)).toEqual([
      'registry.example:5000/shop/web:2.0',
      'envoyproxy/envoy:v1.30',
    ]);
    expect(r.unmatchedRepositories).toEqual(['nginx']);
  });

  it('reports containers named by an override that the task definition lacks, and leaves the input untouched', () => {
    const input = td();
    const r = applyOverrides(input, { ...none, images: { worker: 'x:1' }, command: { web: ['serve'] } });
    expect(r.unknownContainers).toEqual(['worker']);
    expect(r.taskDefinition.containerDefinitions[0]?.command).toEqual(['serve']);
    expect(input.containerDefinitions[0]?.command).toBeUndefined();
  });
});

describe('image references', () => {
  it.each([
    ['mariadb', { repository: 'mariadb', tag: undefined, digest: undefined }],
    ['silintl/mariadb:latest', { repository: 'silintl/mariadb', tag: 'latest', digest: undefined }],
    ['private.registry.com:8000/repo/image:tag', { repository: 'private.registry.com:8000/repo/image', tag: 'tag', digest: undefined }],
    ['private.registry.com:8000/repo/image', { repository: 'private.registry.com:8000/repo/image', tag: undefined, digest: undefined }],
    ['repo/image@sha256:abc', { repository: 'repo/image', tag: undefined, digest: 'sha256:abc' }],
  ])('splits %s into repository, tag and digest', (image, parts) => {
    expect(splitImage(image)).toEqual(parts);
  });

  it('defaults the tag to latest only when there is neither tag nor digest, as ecs-deploy-py did', () => {
    expect(withDefaultTag('private.registry.com:8000/repo/image')).toBe('private.registry.com:8000/repo/image:latest');
    expect(withDefaultTag('repo/image:1.2')).toBe('repo/image:1.2');
    expect(withDefaultTag('repo/image@sha256:abc')).toBe('repo/image@sha256:abc');
  });
});
