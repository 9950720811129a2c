/**
 * Lookups and pinned images, for the commands that read AWS (plan, apply, promote, abort, status, rollback, unlock,
 * and render with --resolve-lookups): the command's side of src/api/lookups.ts, which the library's `plan` uses
 * too. Here: the command's manifest flags and services, its AWS options (or --sandbox), and warnings on stderr.
 */
import type { LookupPorts } from '../aws/ports.js';
import type { AwsServiceKey } from '../aws/services.js';
import {
  type LoadedWithLookups,
  loadManifestWithLookups as loadWithLookups,
  type ManifestLoader,
  sandboxLookupPorts,
} from '../api/lookups.js';
import { loadManifest, selectServices } from '../manifest/index.js';
import type { PinnedImage } from '../model/lookups.js';
import type { ResolvedManifest } from '../model/manifest.js';
import type { SavedPlan } from '../plan/saved-plan.js';
import type { AwsAccessCommand } from './base-command.js';
import { manifestOptionsOf } from './manifest-options.js';

export interface LookupLoadOptions {
  /** Loads the manifest (with the given lookup values and warning sink) and selects the command's services. */
  load?: ManifestLoader;
  /** Resolve pinned image tags to digests (plan, apply, render --resolve-lookups). @default true */
  pin?: boolean;
  /** Applying this saved plan: its pinned digests are deployed as they are. */
  saved?: SavedPlan;
}

/**
 * Under --sandbox, lookups go only to services the environment points at an emulator (the sandbox serves none of
 * them); otherwise to AWS with the command's region, credentials and endpoints, like every other call.
 */
async function lookupPortsFor(cmd: AwsAccessCommand, manifest: ResolvedManifest, services: AwsServiceKey[]): Promise<LookupPorts> {
  const [{ createLookupPorts }, { awsOptionsOf }] = await Promise.all([import('../aws/clients.js'), import('./aws-runtime.js')]);
  const options = awsOptionsOf(cmd);
  const env = cmd.context.env;
  if (cmd.sandbox) {
    const region = options.region ?? manifest.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
    return sandboxLookupPorts(services, { env, region });
  }
  return createLookupPorts({ ...options, ...(manifest.region ? { defaultRegion: manifest.region } : {}), env });
}

/** Loads the command's manifest with every lookup it uses read, and its pinned images resolved. */
export async function loadManifestWithLookups(cmd: AwsAccessCommand, options: LookupLoadOptions = {}): Promise<LoadedWithLookups> {
  const planned = new Map<string, PinnedImage>();
  for (const s of options.saved?.services ?? []) for (const p of s.pinnedImages ?? []) planned.set(p.image, p);
  return loadWithLookups({
    load: options.load ?? ((extra) => selectServices(loadManifest({ ...manifestOptionsOf(cmd), ...extra }), cmd.services)),
    lookupPorts: (manifest, services) => lookupPortsFor(cmd, manifest, services),
    onWarning: (message) => cmd.context.stderr.write(`warning: ${message}\n`),
    localRegion: (manifest) => cmd.region ?? manifest.region ?? 'local',
    sandbox: cmd.sandbox,
    signal: cmd.context.signal,
    ...(options.pin !== undefined ? { pin: options.pin } : {}),
    planned,
  });
}
