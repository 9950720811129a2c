/**
 * Saved plans (`ecsdeploy plan --out plan.json`, `apply --plan plan.json`). A saved plan never holds a sensitive
 * value; instead each service carries `desiredDigest`, a sha256 over the UNredacted desired task definition and
 * settings, so apply can rebuild the plan and prove that what it would do is exactly what was reviewed
 * (house rule 2: apply of a saved plan refuses when anything moved). Lookups are kept as fingerprints: apply reads
 * them again, and a value that changed makes the plan stale, named with where the lookup is written.
 */
import { UsageError } from '../errors/index.js';
import type { LookupRecord } from '../model/lookups.js';
import type { Json } from '../model/task-definition.js';
import { redactStrings } from '../util/redact.js';
import { canonicalJson, isObject, sha256Hex } from './json.js';
import { redactChanges, redactOneOffTask, redactTaskDefinition, sensitivityTest } from './sensitive.js';
import { type LiveFingerprint, PLAN_FORMAT, PLAN_VERSION, type Plan, type ServicePlan } from './types.js';

interface SavedServicePlan extends ServicePlan {
  /** sha256 (hex) of the canonical JSON of the unredacted desired task definition, settings, count and deployment. */
  desiredDigest: string;
}

export interface SavedPlan extends Omit<Plan, 'services'> {
  services: SavedServicePlan[];
}

/** The digest apply compares: what would be registered and sent, before redaction. */
function desiredDigest(service: ServicePlan): string {
  const d = service.desired;
  return sha256Hex(
    canonicalJson({
      taskDefinition: d.taskDefinition,
      service: d.service,
      desiredCount: d.desiredCount ?? null,
      deployment: d.deployment,
    }),
  );
}

/**
 * The plan with every sensitive value replaced by `(sensitive)` (changes and diff are redacted by buildPlan
 * already), and every credential left in any other string masked (a URL password in a tag, a known secret in a
 * blocked reason).
 */
export function redactPlan(plan: Plan): Plan {
  const namesByKey = new Map(plan.services.map((s) => [s.key, s.sensitiveNames]));
  return redactStrings({
    ...plan,
    services: plan.services.map((s) => {
      const test = sensitivityTest(s.sensitiveNames);
      return {
        ...s,
        desired: { ...s.desired, taskDefinition: redactTaskDefinition(s.desired.taskDefinition, test) },
        // defence in depth: a hand-built ServicePlan may carry raw values
        changes: redactChanges(s.changes, test),
      };
    }),
    before: plan.before.map((t) => redactOneOffTask(t, sensitivityTest(namesByKey.get(t.taskDefinitionOf) ?? []))),
  });
}

/**
 * The saved-plan file: pretty JSON, redacted, with a `desiredDigest` per service; `manifestFromPlan` is the
 * manifest's path relative to the plan file's folder (see `Plan.manifest.fromPlan`).
 */
export function serializePlan(plan: Plan, o: { manifestFromPlan?: string } = {}): string {
  const redacted = redactPlan(plan);
  const saved: SavedPlan = {
    ...redacted,
    ...(o.manifestFromPlan !== undefined ? { manifest: { ...redacted.manifest, fromPlan: o.manifestFromPlan } } : {}),
    services: redacted.services.map((s, i) => ({ ...s, desiredDigest: desiredDigest(plan.services[i] as ServicePlan) })),
  };
  return `${JSON.stringify(saved, null, 2)}\n`;
}

const HINT = 'make one with `ecsdeploy plan --out <file>` using this version of ecsdeploy';

export function parseSavedPlan(text: string, file: string): SavedPlan {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError('PLAN_FILE_INVALID', `${file} is not a saved ecsdeploy plan: it is not JSON (${(e as Error).message})`, {
      hint: HINT,
    });
  }
  if (!isObject(doc) || doc.format !== PLAN_FORMAT) {
    const format = isObject(doc) ? JSON.stringify(doc.format ?? null) : 'none';
    throw new UsageError('PLAN_FILE_INVALID', `${file} is not a saved ecsdeploy plan (format ${format}, expected "${PLAN_FORMAT}")`, {
      hint: HINT,
    });
  }
  if (doc.version !== PLAN_VERSION) {
    const tool = isObject(doc.tool) && typeof doc.tool.version === 'string' ? ` written by ecsdeploy ${doc.tool.version}` : '';
    throw new UsageError(
      'PLAN_VERSION_UNSUPPORTED',
      `${file} is a plan of format version ${JSON.stringify(doc.version ?? null)}${tool}; this ecsdeploy reads version ${PLAN_VERSION}`,
      { hint: HINT },
    );
  }
  const problems: string[] = [];
  if (!isObject(doc.manifest) || typeof doc.manifest.digest !== 'string') problems.push('manifest.digest');
  if (!Array.isArray(doc.services)) problems.push('services');
  else {
    doc.services.forEach((s: Json, i: number) => {
      if (!isObject(s)) {
        problems.push(`services[${i}]`);
        return;
      }
      for (const k of ['key', 'service', 'cluster', 'action', 'desiredDigest'])
        if (typeof s[k] !== 'string') problems.push(`services[${i}].${k}`);
      if (s.live !== null && !isObject(s.live)) problems.push(`services[${i}].live`);
      if (!isObject(s.desired)) problems.push(`services[${i}].desired`);
      if (s.pinnedImages !== undefined && !(Array.isArray(s.pinnedImages) && s.pinnedImages.every(isPinnedImage))) {
        problems.push(`services[${i}].pinnedImages`);
      }
    });
  }
  if (doc.lookups !== undefined && !(Array.isArray(doc.lookups) && doc.lookups.every(isLookupRecord))) problems.push('lookups');
  if (problems.length > 0) {
    throw new UsageError('PLAN_FILE_INVALID', `${file} is not a complete ecsdeploy plan: missing or wrong ${problems.join(', ')}`, {
      hint: HINT,
    });
  }
  return doc as unknown as SavedPlan;
}

function isPinnedImage(p: Json): boolean {
  return isObject(p) && typeof p.image === 'string' && typeof p.digest === 'string' && typeof p.pinned === 'string';
}

function isLookupRecord(l: Json): boolean {
  return (
    isObject(l) &&
    typeof l.lookup === 'string' &&
    typeof l.fingerprint === 'string' &&
    Array.isArray(l.at) &&
    l.at.every((a) => typeof a === 'string')
  );
}

/** The lookups whose values are not what the plan read, one line each (naming the lookup and where it is written). */
function movedLookups(saved: readonly LookupRecord[], fresh: readonly LookupRecord[]): string[] {
  const moved: string[] = [];
  const now = new Map(fresh.map((l) => [l.lookup, l]));
  const before = new Set(saved.map((l) => l.lookup));
  for (const l of saved) {
    const f = now.get(l.lookup);
    const where = `\${${l.lookup}} (${l.at.join(', ')})`;
    if (!f) moved.push(`lookup ${where} was read for the plan and is no longer used`);
    else if (f.fingerprint !== l.fingerprint) moved.push(`lookup ${where} has a different value than when the plan was made`);
  }
  for (const f of fresh)
    if (!before.has(f.lookup)) moved.push(`lookup \${${f.lookup}} (${f.at.join(', ')}) is used now but was not in the plan`);
  return moved;
}

const FINGERPRINT_FIELDS: [keyof LiveFingerprint, string][] = [
  ['serviceArn', 'service ARN'],
  ['status', 'status'],
  ['taskDefinitionArn', 'task definition'],
  ['primaryDeploymentId', 'primary deployment'],
  ['updatedAt', 'primary deployment updatedAt'],
  ['desiredCount', 'desired count'],
];

function short(digest: string): string {
  return digest.slice(0, 12);
}

function show(v: unknown): string {
  return v === undefined || v === null ? '(none)' : String(v);
}

/**
 * What moved between a saved plan and a fresh plan built from the same manifest and current live state, one
 * readable line each. Empty: the saved plan is still fresh.
 */
export function compareWithSavedPlan(saved: SavedPlan, fresh: Plan): string[] {
  const moved: string[] = [];
  if (saved.manifest.digest !== fresh.manifest.digest) {
    moved.push(`manifest ${saved.manifest.file} changed (digest ${short(saved.manifest.digest)} → ${short(fresh.manifest.digest)})`);
  }
  if ((saved.manifest.environment ?? null) !== (fresh.manifest.environment ?? null)) {
    moved.push(`environment ${show(saved.manifest.environment)} → ${show(fresh.manifest.environment)}`);
  }
  if ((saved.region ?? null) !== (fresh.region ?? null)) moved.push(`region ${show(saved.region)} → ${show(fresh.region)}`);
  moved.push(...movedLookups(saved.lookups ?? [], fresh.lookups ?? []));

  const freshByKey = new Map(fresh.services.map((s) => [s.key, s]));
  const savedKeys = new Set(saved.services.map((s) => s.key));
  for (const s of saved.services) {
    const name = `service ${s.key} (${s.cluster}/${s.service})`;
    const f = freshByKey.get(s.key);
    if (!f) {
      moved.push(`${name} was in the plan but is no longer in the manifest`);
      continue;
    }
    if (s.live === null && f.live !== null) moved.push(`${name} did not exist when planned and exists now`);
    else if (s.live !== null && f.live === null) moved.push(`${name} existed when planned and is gone now`);
    else if (s.live && f.live) {
      for (const [field, label] of FINGERPRINT_FIELDS) {
        if ((s.live[field] ?? null) !== (f.live[field] ?? null))
          moved.push(`${name}: ${label} ${show(s.live[field])} → ${show(f.live[field])}`);
      }
    }
    if (s.desiredDigest !== desiredDigest(f)) {
      moved.push(
        `${name}: the desired task definition or settings differ from the plan (manifest, overrides or the copied live definition changed)`,
      );
    }
  }
  for (const f of fresh.services) {
    if (!savedKeys.has(f.key)) moved.push(`service ${f.key} (${f.cluster}/${f.service}) is in the manifest now but was not in the plan`);
  }
  return moved;
}
