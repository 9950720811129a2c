/**
 * Lookups and pinned images, for the CLI's commands that read AWS and for the library's `plan`: one definition,
 * so both read the same values the same way. The loader leaves lookups as placeholders; here the ones the chosen
 * services use are read in one pass (src/live/lookups), the manifest is loaded again with their values (so the
 * values get every check the manifest gets, at their own positions), and pinned image tags are resolved to digests
 * (src/live/image-digests). A manifest with neither costs nothing: the lookup ports (and their SDK clients) are
 * made only when there is something to read.
 */
import type { LookupPorts } from '../aws/ports.js';
import { AWS_SERVICES, type AwsServiceKey } from '../aws/services.js';
import { InternalError, UsageError } from '../errors/index.js';
import { ecrImage, pinImages } from '../live/image-digests.js';
import { lookupRequests, readLookups } from '../live/lookups/index.js';
import type { LoadManifestOptions } from '../manifest/index.js';
import { pendingSites } from '../manifest/lookup-sites.js';
import { type LookupRecord, type LookupSite, type LookupValue, type PinnedImage, siteLocation } from '../model/lookups.js';
import type { ResolvedManifest } from '../model/manifest.js';

/** Loads the manifest (with the given lookup values and warning sink), with the caller's services selected. */
export type ManifestLoader = (extra: Pick<LoadManifestOptions, 'lookupValues' | 'onWarning'>) => ResolvedManifest;

export interface ManifestLookupOptions {
  load: ManifestLoader;
  /** Makes the ports lookups and pinning read through, for the AWS services the lookups need. Called at most once. */
  lookupPorts: (manifest: ResolvedManifest, services: AwsServiceKey[]) => Promise<LookupPorts>;
  /** Each warning of the loads and of pinning, once. */
  onWarning: (message: string) => void;
  /** The region ports that never reach AWS report (every lookup reads a local Terraform state). */
  localRegion: (manifest: ResolvedManifest) => string;
  /** Against a sandbox account: nothing is pinned (the sandbox has no ECR). */
  sandbox: boolean;
  signal?: AbortSignal;
  /** Resolve pinned image tags to digests. @default true */
  pin?: boolean;
  /** Digests a saved plan recorded, by image as written: deployed as they are. */
  planned?: ReadonlyMap<string, PinnedImage>;
}

export interface LoadedWithLookups {
  manifest: ResolvedManifest;
  /** AWS calls made to read lookups and digests, by `Service.Operation`. */
  calls: Record<string, number>;
}

/** Every lookup read, where it is written and its fingerprint: what a plan keeps. */
function records(sites: readonly LookupSite[], values: ReadonlyMap<string, LookupValue>): LookupRecord[] {
  return lookupRequests(sites).map((r) => ({
    lookup: r.text,
    at: [...new Set(r.sites.map(siteLocation))],
    fingerprint: values.get(r.text)?.fingerprint ?? '',
  }));
}

/** The AWS services reading these lookups needs (none for local Terraform states). */
function servicesFor(sites: readonly LookupSite[], manifest: ResolvedManifest): AwsServiceKey[] {
  const states = manifest.tfstate ?? {};
  const all = Object.values(states);
  const needed = new Set<AwsServiceKey>();
  for (const s of sites) {
    if (s.lookup.kind === 'ssm' || s.lookup.kind === 'ssm-arn') needed.add('ssm');
    else if (s.lookup.kind === 'secretsmanager-arn') needed.add('secretsmanager');
    else if (s.lookup.kind === 'cfn') needed.add('cloudformation');
    else if (s.lookup.kind === 'tfstate') {
      const source = s.lookup.state === undefined ? all[0] : states[s.lookup.state];
      if (source?.kind !== 'file') needed.add('s3');
    }
  }
  return [...needed];
}

/** `a`, `a and b`, `a, b and c`. */
function listed(items: string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** Does pinning need ECR: an image to pin in an ECR registry, outside the sandbox? */
function pinsNeedAws(manifest: ResolvedManifest, sandbox: boolean): boolean {
  return !sandbox && manifest.services.some((s) => (s.pin ?? []).some((image) => ecrImage(image) !== undefined));
}

/** Ports that are never used (every lookup reads a local file): calling one is a bug. */
function noAwsPorts(region: string): LookupPorts {
  const refuse = (): never => {
    throw new InternalError('a lookup reached for AWS although none of them needs it');
  };
  return {
    region,
    ssm: refuse,
    secretsManager: refuse,
    s3: refuse,
    cloudformation: refuse,
    ecr: refuse,
    calls: { counts: () => ({}), total: () => 0 },
  };
}

/**
 * Lookup ports beside a sandbox account: only services the environment points at an emulator (the sandbox serves
 * none of them), refused for every unserved service at once, before anything is read.
 */
export async function sandboxLookupPorts(
  services: AwsServiceKey[],
  { env, region }: { env: Record<string, string | undefined>; region: string },
): Promise<LookupPorts> {
  const { createLookupPorts, resolveEndpoint } = await import('../aws/clients.js');
  const unserved = services.filter((s) => !resolveEndpoint(s, { env }));
  if (unserved.length > 0) {
    throw new UsageError(
      'LOOKUP_SERVICE_NOT_IN_SANDBOX',
      `the sandbox does not serve ${listed(unserved.map((s) => AWS_SERVICES[s].label))}, which the manifest's lookups read; nothing was read`,
      {
        hint: `point ${listed(unserved.map((s) => `AWS_ENDPOINT_URL_${AWS_SERVICES[s].envSuffix}`))} (or AWS_ENDPOINT_URL) at an emulator that serves ${unserved.length === 1 ? 'it' : 'them'}, such as moto`,
      },
    );
  }
  const credentials = {
    accessKeyId: env.AWS_ACCESS_KEY_ID || 'sandbox',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY || 'sandbox',
  };
  return createLookupPorts({ region, env, credentials }, { endpointsOnly: { purpose: 'reading the manifest’s lookups' } });
}

/** Loads the manifest with every lookup it uses read, and its pinned images resolved. */
export async function loadManifestWithLookups(options: ManifestLookupOptions): Promise<LoadedWithLookups> {
  const pin = options.pin ?? true;
  const reported = new Set<string>();
  // The second load finds the first one's warnings again; each is said once.
  const onWarning = (message: string): void => {
    if (reported.has(message)) return;
    reported.add(message);
    options.onWarning(message);
  };
  const signal = options.signal ? { signal: options.signal } : {};

  const first = options.load({ onWarning });
  const sites = pendingSites(first, first.lookups ?? []);
  const pinning = pin && first.services.some((s) => (s.pin ?? []).length > 0);
  if (sites.length === 0 && !pinning) return { manifest: first, calls: {} };

  const services = servicesFor(sites, first);
  let made: Promise<LookupPorts> | undefined;
  const aws = (): Promise<LookupPorts> => {
    made ??= options.lookupPorts(first, services);
    return made;
  };
  let manifest = first;
  if (sites.length > 0) {
    const ports = services.length > 0 ? await aws() : noAwsPorts(options.localRegion(first));
    const values = await readLookups(ports, lookupRequests(sites), { ...signal, ...(first.tfstate ? { tfstate: first.tfstate } : {}) });
    manifest = options.load({ onWarning, lookupValues: values });
    const left = pendingSites(manifest, manifest.lookups ?? []);
    if (left.length > 0) throw new InternalError(`lookups still unread after reading them: ${left.map((s) => s.text).join(', ')}`);
    manifest = { ...manifest, resolvedLookups: records(sites, values) };
  }
  if (pin) {
    const ports = pinsNeedAws(manifest, options.sandbox) ? await aws() : undefined;
    const pinned = await pinImages(ports, manifest, {
      ...signal,
      sandbox: options.sandbox,
      ...(options.planned ? { planned: options.planned } : {}),
    });
    for (const w of pinned.warnings) onWarning(w);
    manifest = pinned.manifest;
  }
  return { manifest, calls: made ? (await made).calls.counts() : {} };
}
