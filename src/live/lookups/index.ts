/**
 * Reads every lookup a manifest uses, in one pass: SSM parameters in batches of 10, each secret, stack and
 * Terraform state once, all with bounded concurrency. Returns each value with its fingerprint; anything that
 * cannot be read is a manifest error at every place the lookup is written (all of them at once, never the value).
 */
import type { LookupPorts } from '../../aws/ports.js';
import { ManifestError, type ManifestIssue } from '../../errors/index.js';
import type { LookupSite, LookupValue, TfstateSource } from '../../model/lookups.js';
import { sha256Hex } from '../../plan/json.js';
import { createLimit } from '../concurrency.js';
import { readStackOutputs } from './cloudformation.js';
import { type LookupRequest, Outcome } from './outcome.js';
import { readSecretArns } from './secrets-manager.js';
import { readSsm } from './ssm.js';
import { readTfstate } from './tfstate.js';

export type { LookupRequest } from './outcome.js';

export interface ReadLookupsOptions {
  signal?: AbortSignal;
  /** AWS calls in flight at once; default 8. */
  concurrency?: number;
  /** Terraform states by name (the manifest's `tfstate:`). */
  tfstate?: Readonly<Record<string, TfstateSource>>;
}

/**
 * What a saved plan keeps instead of a value: sha256 over the lookup's text and value (the text, so one value
 * read by two lookups does not give the same fingerprint).
 */
export function lookupFingerprint(text: string, value: string): string {
  return sha256Hex(`ecsdeploy-lookup-v1\0${text}\0${value}`);
}

/** Sites grouped into one request per lookup text, in the order first written. */
export function lookupRequests(sites: readonly LookupSite[]): LookupRequest[] {
  const byText = new Map<string, LookupRequest>();
  for (const site of sites) {
    const r = byText.get(site.text) ?? { text: site.text, lookup: site.lookup, sites: [] };
    r.sites.push(site);
    byText.set(site.text, r);
  }
  return [...byText.values()];
}

export async function readLookups(
  ports: LookupPorts,
  requests: readonly LookupRequest[],
  options: ReadLookupsOptions = {},
): Promise<Map<string, LookupValue>> {
  const out = new Outcome();
  const ctx = { signal: options.signal, limit: createLimit(options.concurrency ?? 8, options.signal), region: ports.region };
  await Promise.all([
    readSsm(ports, requests, out, ctx),
    readSecretArns(ports, requests, out, ctx),
    readStackOutputs(ports, requests, out, ctx),
    readTfstate(ports, requests, options.tfstate ?? {}, out, ctx),
  ]);
  const issues: ManifestIssue[] = [];
  for (const r of requests) {
    const failure = out.failures.get(r.text);
    if (failure === undefined && out.values.has(r.text)) continue;
    const message = failure ?? `\`\${${r.text}}\` was not read`;
    for (const s of r.sites) issues.push({ file: s.file, line: s.line, column: s.column, path: s.path, message });
  }
  if (issues.length > 0) throw new ManifestError(issues);
  const values = new Map<string, LookupValue>();
  for (const [text, v] of out.values) values.set(text, { ...v, fingerprint: lookupFingerprint(text, v.value) });
  return values;
}
