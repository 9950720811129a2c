/**
 * Pinning image tags to digests through the real ECR client with aws-sdk-client-mock: one DescribeImages per
 * repository (and region), a missing tag named with its repository, what is left as written (and said so), and
 * apply of a saved plan deploying the plan's digests when a tag moved.
 */
import { DescribeImagesCommand, ECRClient, ImageNotFoundException, RepositoryNotFoundException } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createLookupPorts } from '../../src/aws/clients.js';
import { PlanError } from '../../src/errors/index.js';
import { ecrImage, pinImages } from '../../src/live/image-digests.js';
import type { PinnedImage } from '../../src/model/lookups.js';
import { resolvedManifest, resolvedService } from '../live/fixtures.js';

const ecr = mockClient(ECRClient);
const ports = () => createLookupPorts({ region: 'us-east-1', env: {}, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' } });

const REG = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

/** A registry: repository → tag → digest, answering DescribeImages as ECR does (one missing tag fails the call). */
function serve(registry: Record<string, Record<string, string>>) {
  ecr.on(DescribeImagesCommand).callsFake(async (input: { repositoryName: string; imageIds: { imageTag: string }[] }) => {
    const repo = registry[input.repositoryName];
    if (!repo)
      throw new RepositoryNotFoundException({
        message: `The repository with name '${input.repositoryName}' does not exist`,
        $metadata: {},
      });
    const missing = input.imageIds.find((i) => !(i.imageTag in repo));
    if (missing)
      throw new ImageNotFoundException({
        message: `The image with imageId {imageTag:'${missing.imageTag}'} does not exist`,
        $metadata: {},
      });
    return { imageDetails: input.imageIds.map((i) => ({ imageDigest: repo[i.imageTag], imageTags: [i.imageTag] })) };
  });
}

beforeEach(() => {
  ecr.reset().onAnyCommand().rejects(new Error('unexpected AWS call'));
});

describe('ECR image references', () => {
  it.each([
    [`${REG}/shop/web:1.4.2`, { registryId: '123456789012', region: 'us-east-1', repository: 'shop/web', tag: '1.4.2' }],
    [
      '111122223333.dkr.ecr.eu-west-1.amazonaws.com/web',
      { registryId: '111122223333', region: 'eu-west-1', repository: 'web', tag: 'latest' },
    ],
    ['111122223333.dkr.ecr-fips.us-gov-west-1.amazonaws.com/web:1', { region: 'us-gov-west-1' }],
    ['111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/web:1', { region: 'cn-north-1' }],
    ['111122223333.dkr-ecr.eu-west-1.on.aws/web:1', { region: 'eu-west-1', repository: 'web' }],
  ])('%s is in ECR', (image, expected) => {
    expect(ecrImage(image)).toMatchObject(expected);
  });

  it.each([
    'nginx:1.27',
    'public.ecr.aws/nginx/nginx:1',
    'ghcr.io/org/web:1',
    `${REG}/web:1@${digest('a')}`,
    'registry.example.com:5000/web:1',
  ])('%s is not (or is pinned already)', (image) => {
    expect(ecrImage(image)).toBeUndefined();
  });
});

describe('pinning', () => {
  const manifest = () =>
    resolvedManifest([
      resolvedService('web', {
        taskDefinition: {
          kind: 'declared',
          input: {
            family: 'web',
            containerDefinitions: [
              { name: 'web', image: `${REG}/web:1.4.2` },
              { name: 'proxy', image: 'nginx:1.27' },
            ],
          },
        },
        images: { web: `${REG}/web:1.4.2` },
        pin: [`${REG}/web:1.4.2`, 'nginx:1.27'],
      }),
      resolvedService('worker', {
        taskDefinition: { kind: 'live' },
        images: { worker: `${REG}/web:1.4.1`, sidecar: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/agent:7' },
        pin: [`${REG}/web:1.4.1`, '111122223333.dkr.ecr.eu-west-1.amazonaws.com/agent:7'],
      }),
      resolvedService('api', { images: { api: `${REG}/api:2` } }),
    ]);

  it('asks each repository once for all its tags, in the region its registry names, and deploys image@digest', async () => {
    serve({ web: { '1.4.2': digest('a'), '1.4.1': digest('b') }, agent: { '7': digest('c') } });
    const { manifest: pinned, warnings } = await pinImages(await ports(), manifest());
    const calls = ecr.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(2);
    expect(calls.find((c) => c.repositoryName === 'web')).toMatchObject({
      registryId: '123456789012',
      imageIds: [{ imageTag: '1.4.2' }, { imageTag: '1.4.1' }],
    });
    const regions = await Promise.all(
      ecr
        .commandCalls(DescribeImagesCommand)
        .map(async (c) => [c.args[0].input.repositoryName, await (c.thisValue as ECRClient).config.region()]),
    );
    expect(Object.fromEntries(regions)).toEqual({ web: 'us-east-1', agent: 'eu-west-1' });
    const [web, worker, api] = pinned.services;
    const td = web?.taskDefinition.kind === 'declared' ? web.taskDefinition.input : undefined;
    expect(td?.containerDefinitions.map((c) => c.image)).toEqual([`${REG}/web:1.4.2@${digest('a')}`, 'nginx:1.27']);
    expect(web?.images.web).toBe(`${REG}/web:1.4.2@${digest('a')}`);
    expect(web?.pinned).toEqual([{ image: `${REG}/web:1.4.2`, digest: digest('a'), pinned: `${REG}/web:1.4.2@${digest('a')}` }]);
    expect(worker?.images).toEqual({
      worker: `${REG}/web:1.4.1@${digest('b')}`,
      sidecar: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/agent:7@${digest('c')}`,
    });
    // a service that pins nothing is left alone
    expect(api?.images.api).toBe(`${REG}/api:2`);
    expect(api?.pinned).toBeUndefined();
    expect(warnings).toEqual(['web: nginx:1.27 is not in a private ECR registry; it is deployed as written, not pinned']);
  });

  it('fails the plan naming repository and tag (and the services) when a tag does not exist', async () => {
    serve({ web: { '1.4.2': digest('a') }, agent: {} });
    const error = await pinImages(await ports(), manifest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).code).toBe('IMAGE_TAG_NOT_FOUND');
    expect((error as PlanError).message).toBe(
      'cannot pin these images:\n' +
        '  - worker: tag 1.4.1 does not exist in ECR repository web (registry 123456789012, us-east-1)\n' +
        '  - worker: tag 7 does not exist in ECR repository agent (registry 111122223333, eu-west-1)',
    );
  });

  it('says so when the repository does not exist', async () => {
    serve({});
    const only = resolvedManifest([resolvedService('web', { images: { web: `${REG}/nope:1` }, pin: [`${REG}/nope:1`] })]);
    await expect(pinImages(await ports(), only)).rejects.toThrow(
      'cannot pin web: there is no ECR repository nope (registry 123456789012, us-east-1)',
    );
  });

  it('under --sandbox pins nothing and reads nothing, with a warning per image', async () => {
    const { manifest: out, warnings } = await pinImages(undefined, manifest(), { sandbox: true });
    expect(ecr.calls()).toHaveLength(0);
    expect(out.services[0]?.images.web).toBe(`${REG}/web:1.4.2`);
    expect(warnings).toContain(`web: ${REG}/web:1.4.2 is not pinned under --sandbox (the sandbox has no ECR); deployed as written`);
  });

  it("applying a saved plan deploys the plan's digest and says when the tag moved (or is gone)", async () => {
    serve({ web: { '1.4.2': digest('f') }, agent: { '7': digest('c') } });
    const planned = new Map<string, PinnedImage>([
      [`${REG}/web:1.4.2`, { image: `${REG}/web:1.4.2`, digest: digest('a'), pinned: `${REG}/web:1.4.2@${digest('a')}` }],
      [`${REG}/web:1.4.1`, { image: `${REG}/web:1.4.1`, digest: digest('b'), pinned: `${REG}/web:1.4.1@${digest('b')}` }],
    ]);
    const { manifest: out, warnings } = await pinImages(await ports(), manifest(), { planned });
    expect(out.services[0]?.images.web).toBe(`${REG}/web:1.4.2@${digest('a')}`);
    expect(out.services[1]?.images.worker).toBe(`${REG}/web:1.4.1@${digest('b')}`);
    expect(warnings).toEqual([
      'web: nginx:1.27 is not in a private ECR registry; it is deployed as written, not pinned',
      `${REG}/web:1.4.2 now points to ${digest('f')}; deploying ${digest('a')} as planned`,
      `${REG}/web:1.4.1: tag 1.4.1 does not exist in ECR repository web (registry 123456789012, us-east-1) any more; deploying ${digest('b')} as planned`,
    ]);
  });

  it('asks for 100 tags a call at most', async () => {
    const tags = Array.from({ length: 150 }, (_, i) => `v${i}`);
    serve({ web: Object.fromEntries(tags.map((t) => [t, digest('a')])) });
    const many = resolvedManifest([resolvedService('web', { images: {}, pin: tags.map((t) => `${REG}/web:${t}`) })]);
    await pinImages(await ports(), many);
    expect(ecr.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input.imageIds?.length)).toEqual([100, 50]);
  });
});
