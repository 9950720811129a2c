/**
 * The overrides a plan was made with (`--image`, `--var`, `-D`, `--min`, `--max`, `--timeout`), recorded in it so
 * `apply plan.json` rebuilds exactly what was reviewed without the flags being typed again. A `--var` whose value
 * may be secret (its name looks like one, or the value holds a credential or a value known to be secret) is
 * recorded by name only: apply asks for it again, and the plan's digests prove it is the same.
 */
import { holdsKnownSecret, looksSensitive, redactText } from '../util/redact.js';

/** Overrides as a command was given them. */
export interface OverrideFlags {
  images: string[];
  /** `NAME=VALUE`, as given to `--var`. */
  vars: string[];
  desiredCount?: number;
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  /** As given, e.g. `90s`. */
  timeout?: string;
}

/** A `--var` in a plan: its value, or only that it was given (a value that may be secret is never written). */
type RecordedVar = { name: string; value: string } | { name: string; sensitive: true };

/** `Plan.overrides`: what the plan was made with. */
export interface RecordedOverrides {
  images: string[];
  vars: RecordedVar[];
  desiredCount?: number;
  minimumHealthyPercent?: number;
  maximumPercent?: number;
  timeout?: string;
}

function splitVar(text: string): { name: string; value: string } {
  const i = text.indexOf('=');
  return i < 0 ? { name: text, value: '' } : { name: text.slice(0, i), value: text.slice(i + 1) };
}

function maySecret(name: string, value: string): boolean {
  return looksSensitive(name) || holdsKnownSecret(value) || redactText(value) !== value;
}

/** The overrides as a plan records them (empty lists when none was given: the plan says so). */
export function recordOverrides(flags: OverrideFlags): RecordedOverrides {
  return {
    images: [...flags.images],
    vars: flags.vars.map((v) => {
      const { name, value } = splitVar(v);
      return maySecret(name, value) ? { name, sensitive: true } : { name, value };
    }),
    ...(flags.desiredCount !== undefined ? { desiredCount: flags.desiredCount } : {}),
    ...(flags.minimumHealthyPercent !== undefined ? { minimumHealthyPercent: flags.minimumHealthyPercent } : {}),
    ...(flags.maximumPercent !== undefined ? { maximumPercent: flags.maximumPercent } : {}),
    ...(flags.timeout !== undefined ? { timeout: flags.timeout } : {}),
  };
}

/**
 * The overrides to apply a saved plan with: those it recorded, with the values of its secret variables from
 * `given` (the command's flags). Flags given that differ from what the plan recorded are refused, as are secret
 * variables not given again: returns what is wrong, one line each, instead. A plan from before overrides were
 * recorded (`recorded` undefined) is applied with the flags given, as then: its digests tell whether they match.
 */
export function overridesForSavedPlan(
  recorded: RecordedOverrides | undefined,
  given: OverrideFlags,
): { overrides: OverrideFlags } | { problems: string[] } {
  if (!recorded) return { overrides: given };
  const rec = recorded;
  const problems: string[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (given.images.length > 0 && !same(given.images, rec.images)) {
    problems.push(`--image ${given.images.join(' ')} (the plan was made with ${rec.images.length ? rec.images.join(' ') : 'none'})`);
  }
  const scalar = (flag: string, a: unknown, b: unknown) => {
    if (a !== undefined && a !== b) problems.push(`${flag} ${String(a)} (the plan was made with ${b === undefined ? 'none' : String(b)})`);
  };
  scalar('--desired-count', given.desiredCount, rec.desiredCount);
  scalar('--min', given.minimumHealthyPercent, rec.minimumHealthyPercent);
  scalar('--max', given.maximumPercent, rec.maximumPercent);
  scalar('--timeout', given.timeout, rec.timeout);
  const givenVars = new Map(given.vars.map((v) => [splitVar(v).name, splitVar(v).value]));
  const vars: string[] = [];
  for (const v of rec.vars) {
    const value = givenVars.get(v.name);
    if ('value' in v) {
      if (value !== undefined && value !== v.value) problems.push(`--var ${v.name}=${value} (the plan was made with ${v.name}=${v.value})`);
      vars.push(`${v.name}=${v.value}`);
    } else if (value === undefined) {
      problems.push(`--var ${v.name} is missing: the plan was made with it, and its value may be secret, so the plan does not hold it`);
    } else vars.push(`${v.name}=${value}`);
  }
  for (const name of givenVars.keys()) {
    if (!rec.vars.some((v) => v.name === name)) problems.push(`--var ${name} (the plan was made without it)`);
  }
  if (problems.length > 0) return { problems };
  return {
    overrides: {
      images: rec.images,
      vars,
      ...(rec.desiredCount !== undefined ? { desiredCount: rec.desiredCount } : {}),
      ...(rec.minimumHealthyPercent !== undefined ? { minimumHealthyPercent: rec.minimumHealthyPercent } : {}),
      ...(rec.maximumPercent !== undefined ? { maximumPercent: rec.maximumPercent } : {}),
      ...(rec.timeout !== undefined ? { timeout: rec.timeout } : {}),
    },
  };
}
