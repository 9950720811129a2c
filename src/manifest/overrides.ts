/** Command-line inputs to the manifest: `--var NAME=VALUE`, `--image [container=]image[:tag]`, `--timeout`. */
import { UsageError } from '../errors/index.js';
import type { RepositoryImageOverride } from '../model/manifest.js';
import { splitImage, withDefaultTag } from '../model/overrides.js';
import { parseDuration } from '../util/duration.js';
import { setOwn } from '../util/own.js';

export interface ManifestOverrides {
  images?: string[];
  desiredCount?: number;
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  timeout?: string;
}

export interface ParsedOverrides {
  /** `--image container=image`: container name → image. */
  containerImages: Record<string, string>;
  /** `--image image`: replaces every container whose repository matches. */
  repositoryImages: RepositoryImageOverride[];
  desiredCount?: number;
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  timeoutMs?: number;
}

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function parseVars(vars: readonly string[]): Record<string, string> {
  const out = new Map<string, string>();
  for (const v of vars) {
    const eq = v.indexOf('=');
    const name = eq < 0 ? v : v.slice(0, eq);
    if (eq < 0 || !VAR_NAME.test(name)) {
      throw new UsageError(
        'BAD_VAR',
        `--var ${JSON.stringify(eq < 0 ? v : name)}: expected NAME=VALUE with NAME made of letters, digits and _`,
      );
    }
    out.set(name, v.slice(eq + 1));
  }
  // fromEntries defines keys (`__proto__` included) where assignment would not.
  return Object.fromEntries(out);
}

function checkPercent(flag: string, v: number | undefined, min: number, max: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) {
    throw new UsageError('BAD_OVERRIDE', `${flag} ${v}: expected a whole number from ${min} to ${max}`);
  }
}

export function parseOverrides(o: ManifestOverrides = {}): ParsedOverrides {
  const containerImages: Record<string, string> = {};
  const repositoryImages: RepositoryImageOverride[] = [];
  for (const spec of o.images ?? []) {
    const eq = spec.indexOf('=');
    const container = eq < 0 ? undefined : spec.slice(0, eq);
    const image = eq < 0 ? spec : spec.slice(eq + 1);
    if (image === '' || container === '' || /\s/.test(image)) {
      throw new UsageError('BAD_IMAGE', `--image ${JSON.stringify(spec)}: expected [CONTAINER=]IMAGE[:TAG]`);
    }
    if (container === undefined) repositoryImages.push({ repository: splitImage(image).repository, image: withDefaultTag(image) });
    else setOwn(containerImages, container, withDefaultTag(image));
  }
  if (o.desiredCount !== undefined && (!Number.isInteger(o.desiredCount) || o.desiredCount < 0)) {
    throw new UsageError('BAD_OVERRIDE', `--desired-count ${o.desiredCount}: expected a whole number >= 0`);
  }
  checkPercent('--min', o.minimumHealthyPercent, 0, 100);
  checkPercent('--max', o.maximumPercent, 100, 400);
  let timeoutMs: number | undefined;
  if (o.timeout !== undefined) {
    timeoutMs = parseDuration(o.timeout);
    if (timeoutMs === undefined || timeoutMs === 0) {
      throw new UsageError('BAD_OVERRIDE', `--timeout ${JSON.stringify(o.timeout)}: expected a duration such as 90s, 20m or 1h`);
    }
  }
  return {
    containerImages,
    repositoryImages,
    ...(o.desiredCount !== undefined && { desiredCount: o.desiredCount }),
    ...(o.minimumHealthyPercent !== undefined && { minimumHealthyPercent: o.minimumHealthyPercent }),
    ...(o.maximumPercent !== undefined && { maximumPercent: o.maximumPercent }),
    ...(timeoutMs !== undefined && { timeoutMs }),
  };
}
