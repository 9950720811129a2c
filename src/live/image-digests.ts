/**
 * Image pinning: the tags a manifest asks to pin (`images: { web: { image, pin: true } }`, `pinImages: true`)
 * are resolved to the digests they point to now, and the manifest is rewritten to deploy `repo:tag@sha256:...`,
 * so apply registers exactly the image the plan showed even if the tag moves meanwhile. ECR only: DescribeImages
 * per repository, up to 100 tags a call (it reports the digest the registry stores, with no manifest conversion);
 * an image elsewhere, or one under --sandbox, stays as written with a warning. A tag that does not exist fails the
 * plan, naming repository and tag.
 *
 * Applying a saved plan deploys the digests it recorded; the tags are read again only to say when one moved.
 */
import type { LookupPorts } from '../aws/ports.js';
import { AwsApiError, InternalError, PlanError } from '../errors/index.js';
import type { PinnedImage } from '../model/lookups.js';
import type { ResolvedManifest, ResolvedService } from '../model/manifest.js';
import type { ContainerDefinition } from '../model/task-definition.js';
import { chunk } from '../util/chunk.js';
import { createLimit, type Limit, mapLimited } from './concurrency.js';

/** DescribeImages takes at most 100 image ids per call. */
const DESCRIBE_IMAGES_BATCH = 100;

export interface EcrImage {
  registryId: string;
  region: string;
  repository: string;
  tag: string;
}

const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const ECR_DUALSTACK_HOST = /^(\d{12})\.dkr-ecr(?:-fips)?\.([a-z0-9-]+)\.on\.aws$/;

/** An image in a private ECR registry, with its tag (`latest` when none is written); else undefined. */
export function ecrImage(image: string): EcrImage | undefined {
  if (image.includes('@')) return undefined;
  const slash = image.indexOf('/');
  if (slash < 0) return undefined;
  const m = ECR_HOST.exec(image.slice(0, slash)) ?? ECR_DUALSTACK_HOST.exec(image.slice(0, slash));
  if (!m) return undefined;
  const rest = image.slice(slash + 1);
  const colon = rest.lastIndexOf(':');
  return {
    registryId: m[1] as string,
    region: m[2] as string,
    repository: colon < 0 ? rest : rest.slice(0, colon),
    tag: colon < 0 ? 'latest' : rest.slice(colon + 1),
  };
}

export interface PinOptions {
  signal?: AbortSignal;
  concurrency?: number;
  /** Under --sandbox nothing is pinned (the sandbox has no ECR); each pinned image is a warning. */
  sandbox?: boolean;
  /** Digests a saved plan recorded, by image as written: deployed as they are, whatever the tags say now. */
  planned?: ReadonlyMap<string, PinnedImage>;
}

export interface Pinning {
  manifest: ResolvedManifest;
  /** Images left as written, and tags that moved since a saved plan: one line each, for stderr. */
  warnings: string[];
}

type Found = { digest: string } | { missing: string };

/** The digests of the given tags of one repository: one call per 100 tags, and one per tag only to name the missing. */
async function readRepository(ports: LookupPorts, images: EcrImage[], limit: Limit, signal?: AbortSignal): Promise<Map<string, Found>> {
  const first = images[0] as EcrImage;
  const ecr = ports.ecr(first.region);
  const where = `ECR repository ${first.repository} (registry ${first.registryId}, ${first.region})`;
  const out = new Map<string, Found>();
  const describe = async (tags: string[]) => {
    const res = await ecr.describeImages(
      { registryId: first.registryId, repositoryName: first.repository, imageIds: tags.map((imageTag) => ({ imageTag })) },
      { signal },
    );
    for (const d of res.imageDetails ?? []) {
      for (const t of d.imageTags ?? []) if (tags.includes(t) && d.imageDigest) out.set(t, { digest: d.imageDigest });
    }
  };
  const tags = [...new Set(images.map((i) => i.tag))];
  await mapLimited(chunk(tags, DESCRIBE_IMAGES_BATCH), limit, async (batch) => {
    try {
      await describe(batch);
    } catch (error) {
      if (!(error instanceof AwsApiError)) throw error;
      if (error.awsCode === 'RepositoryNotFoundException') {
        for (const t of batch) out.set(t, { missing: `there is no ${where}` });
      } else if (error.awsCode === 'ImageNotFoundException') {
        // One missing tag fails the whole call: ask for each tag of the batch to name the missing ones.
        await Promise.all(
          batch.map(async (t) => {
            try {
              await describe([t]);
            } catch (e) {
              if (!(e instanceof AwsApiError && e.awsCode === 'ImageNotFoundException')) throw e;
            }
          }),
        );
      } else {
        throw error;
      }
    }
  });
  for (const t of tags) if (!out.has(t)) out.set(t, { missing: `tag ${t} does not exist in ${where}` });
  return out;
}

/** Every image a service pins, with what it becomes. */
function rewriteService(s: ResolvedService, pinned: ReadonlyMap<string, PinnedImage>): ResolvedService {
  const mine = (s.pin ?? []).flatMap((image) => pinned.get(image) ?? []);
  if (mine.length === 0) return s;
  const to = (image: string): string => pinned.get(image)?.pinned ?? image;
  const images = Object.fromEntries(Object.entries(s.images).map(([c, image]) => [c, to(image)]));
  const repositoryImages = s.repositoryImages.map((r) => ({ ...r, image: to(r.image) }));
  const td = s.taskDefinition;
  const taskDefinition =
    td.kind === 'declared'
      ? {
          ...td,
          input: {
            ...td.input,
            containerDefinitions: td.input.containerDefinitions.map(
              (c): ContainerDefinition =>
                typeof c.image === 'string' && (s.pin ?? []).includes(c.image) ? { ...c, image: to(c.image) } : c,
            ),
          },
        }
      : td;
  return { ...s, images, repositoryImages, taskDefinition, pinned: mine };
}

/**
 * Resolves the pinned images of the manifest's services and returns the manifest that deploys their digests.
 * Throws PlanError `IMAGE_TAG_NOT_FOUND` naming every tag that does not exist (and the services using it).
 */
export async function pinImages(ports: LookupPorts | undefined, manifest: ResolvedManifest, options: PinOptions = {}): Promise<Pinning> {
  const warnings: string[] = [];
  const users = new Map<string, string[]>();
  for (const s of manifest.services) {
    for (const image of s.pin ?? []) users.set(image, [...(users.get(image) ?? []), s.key]);
  }
  const toRead = new Map<string, EcrImage>();
  for (const [image, services] of users) {
    const who = services.join(', ');
    if (image.includes('@')) continue; // already a digest
    const ecr = ecrImage(image);
    if (!ecr) warnings.push(`${who}: ${image} is not in a private ECR registry; it is deployed as written, not pinned`);
    else if (options.sandbox) warnings.push(`${who}: ${image} is not pinned under --sandbox (the sandbox has no ECR); deployed as written`);
    else toRead.set(image, ecr);
  }
  if (toRead.size === 0) return { manifest, warnings };
  if (!ports) throw new InternalError('images to pin in ECR, and no ports to read them with');

  const limit = createLimit(options.concurrency ?? 8, options.signal);
  const byRepository = new Map<string, EcrImage[]>();
  for (const e of toRead.values()) {
    const key = `${e.region}|${e.registryId}|${e.repository}`;
    byRepository.set(key, [...(byRepository.get(key) ?? []), e]);
  }
  const found = new Map<string, Map<string, Found>>();
  await Promise.all(
    [...byRepository].map(async ([key, images]) => {
      found.set(key, await readRepository(ports, images, limit, options.signal));
    }),
  );

  const pinned = new Map<string, PinnedImage>();
  const missing: string[] = [];
  for (const [image, e] of toRead) {
    const now = found.get(`${e.region}|${e.registryId}|${e.repository}`)?.get(e.tag);
    const planned = options.planned?.get(image);
    if (planned) {
      // What was reviewed is deployed; a tag that moved since is worth saying, not refusing.
      pinned.set(image, planned);
      if (now && 'digest' in now && now.digest !== planned.digest) {
        warnings.push(`${image} now points to ${now.digest}; deploying ${planned.digest} as planned`);
      } else if (now && 'missing' in now) {
        warnings.push(`${image}: ${now.missing} any more; deploying ${planned.digest} as planned`);
      }
    } else if (now && 'digest' in now) {
      pinned.set(image, { image, digest: now.digest, pinned: `${image}@${now.digest}` });
    } else {
      missing.push(`${users.get(image)?.join(', ')}: ${now && 'missing' in now ? now.missing : `${image} could not be read`}`);
    }
  }
  if (missing.length > 0) {
    throw new PlanError(
      'IMAGE_TAG_NOT_FOUND',
      missing.length === 1 ? `cannot pin ${missing[0]}` : `cannot pin these images:\n${missing.map((m) => `  - ${m}`).join('\n')}`,
      { hint: 'push the image first, or fix the tag in the manifest or --image' },
    );
  }
  return { manifest: { ...manifest, services: manifest.services.map((s) => rewriteService(s, pinned)) }, warnings };
}
