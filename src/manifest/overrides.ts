/** Command-line inputs to the manifest: `--var NAME=VALUE`, `--image [container=]image[:tag]`, `--timeout`. */
import { UsageError } from '../errors/index.js';
import type { RepositoryImageOverride } from '../model/manifest.js';
import { splitImage, withDefaultTag } from '../model/overrides.js';
import { parseDuration } from '../util/duration.js';
import { setOwn } from '../util/own.js';
import { imageProblems, visible } from './image-reference.js';
import { ECS_NAME, MAX_DESIRED_COUNT, MAX_DURATION_MS, MAX_DURATION_TEXT } from './limits.js';

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
  /** `--image` values ECS registers but no registry can pull, as messages naming the flag. */
  warnings: string[];
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

function checkRange(flag: string, v: number | undefined, min: number, max: number): void {
  if (v !== undefined && (!Number.isInteger(v) || v < min || v > max)) {
    throw new UsageError('BAD_OVERRIDE', `${flag} ${v}: expected a whole number from ${min} to ${max}`);
  }
}

export function parseOverrides(o: ManifestOverrides = {}): ParsedOverrides {
  const containerImages: Record<string, string> = {};
  const repositoryImages: RepositoryImageOverride[] = [];
  const warnings: string[] = [];
  for (const spec of o.images ?? []) {
    const eq = spec.indexOf('=');
    const container = eq < 0 ? undefined : spec.slice(0, eq);
    const image = eq < 0 ? spec : spec.slice(eq + 1);
    if (image === '' || container === '') {
      throw new UsageError('BAD_IMAGE', `--image ${JSON.stringify(spec)}: expected [CONTAINER=]IMAGE[:TAG]`);
    }
    if (container !== undefined && !ECS_NAME.test(container)) {
      throw new UsageError(
        'BAD_IMAGE',
        `--image ${JSON.stringify(spec)}: \`${visible(container)}\` is not a container name (1 to 255 letters, digits, - and _)`,
      );
    }
    for (const problem of imageProblems(image)) {
      if (problem.severity === 'error') throw new UsageError('BAD_IMAGE', `--image ${JSON.stringify(spec)}: ${problem.message}`);
      warnings.push(`--image ${JSON.stringify(spec)}: ${problem.message}`);
    }
    if (container === undefined) repositoryImages.push({ repository: splitImage(image).repository, image: withDefaultTag(image) });
    else setOwn(containerImages, container, withDefaultTag(image));
  }
  checkRange('--desired-count', o.desiredCount, 0, MAX_DESIRED_COUNT);
  checkRange('--min', o.minimumHealthyPercent, 0, 100);
  checkRange('--max', o.maximumPercent, 100, 400);
  let timeoutMs: number | undefined;
  if (o.timeout !== undefined) {
    timeoutMs = parseDuration(o.timeout);
    if (timeoutMs === undefined || timeoutMs === 0 || timeoutMs > MAX_DURATION_MS) {
      throw new UsageError(
        'BAD_OVERRIDE',
        `--timeout ${JSON.stringify(o.timeout)}: expected a duration longer than 0 and at most ${MAX_DURATION_TEXT}, such as 90s, 20m or 1h`,
      );
    }
  }
  return {
    containerImages,
    repositoryImages,
    warnings,
    ...(o.desiredCount !== undefined && { desiredCount: o.desiredCount }),
    ...(o.minimumHealthyPercent !== undefined && { minimumHealthyPercent: o.minimumHealthyPercent }),
    ...(o.maximumPercent !== undefined && { maximumPercent: o.maximumPercent }),
    ...(timeoutMs !== undefined && { timeoutMs }),
  };
}
