/**
 * How the loader treats lookups. Loading never calls AWS, so a lookup whose value is not read yet becomes a
 * placeholder: an opaque token (with a per-process random part, so no input can forge one) that stands for the
 * {@link LookupSite} recording what was asked and where it is written. `validate` and `render` work on that;
 * commands that talk to AWS read every lookup the chosen services use, then load the manifest again with the
 * values, so the values go through every check the rest of the manifest goes through, at their own positions.
 *
 * While a value is a placeholder, problems found with it are not problems yet (a placeholder is no valid ARN);
 * they are checked when the value is there. Once values are in, messages never quote them: each one is shown as
 * the lookup it came from.
 */
import { randomBytes } from 'node:crypto';
import type { ManifestIssue } from '../errors/index.js';
import type { Lookup, LookupSite, LookupValue } from '../model/lookups.js';
import { rememberSecret } from '../util/redact.js';

const OPEN = '\u27e6lookup ';
const CLOSE = '\u27e7';
const NONCE = randomBytes(6).toString('hex');
const TOKEN = new RegExp(`${OPEN}${NONCE}#(\\d+)${CLOSE}`, 'g');

/** Values shorter than this are not replaced in messages (a 3-letter value would garble every word it is in). */
const MIN_HIDDEN_LENGTH = 4;

export interface SitePosition {
  file: string;
  line: number;
  column: number;
  path: string;
}

export class LookupCollector {
  readonly sites: LookupSite[] = [];
  /** `file\0path` of every value that holds a placeholder. */
  private readonly landed = new Set<string>();
  /** Values put in, with the lookup text that stands for each in messages. */
  private readonly used = new Map<string, string>();

  /** How many lookups were placed (values or placeholders) so far. */
  placed = 0;

  /** @param values lookups already read, by their text; absent ones become placeholders. */
  constructor(private readonly values: ReadonlyMap<string, LookupValue> = new Map()) {}

  /** The value of a lookup written at `where`, or a placeholder for it when it is not read yet. */
  place(lookup: Lookup, text: string, where: SitePosition): string {
    this.placed += 1;
    const v = this.values.get(text);
    if (v !== undefined) {
      // Terraform's sensitive values are secrets wherever they land (like `${env:API_TOKEN}`).
      if (v.sensitive) rememberSecret(v.value);
      this.used.set(v.value, text);
      return v.value;
    }
    const token = `${OPEN}${NONCE}#${this.sites.length}${CLOSE}`;
    this.sites.push({ lookup, text, ...where, token });
    return token;
  }

  /** Does this text hold a placeholder of this process? */
  holdsPlaceholder(text: string): boolean {
    return holdsPlaceholder(text);
  }

  /** Records that the value at `path` of `file` holds a placeholder. */
  landedAt(file: string, path: string): void {
    this.landed.add(`${file}\0${path}`);
  }

  /** Issues that can be judged now: not those about a value that is still a placeholder. */
  judgeable(issues: ManifestIssue[]): ManifestIssue[] {
    if (this.landed.size === 0 && this.sites.length === 0) return issues;
    return issues.filter((i) => !this.landed.has(`${i.file}\0${i.path}`) && !this.holdsPlaceholder(i.message));
  }

  /** Issues whose messages show each lookup value as the lookup it came from. */
  hideValues(issues: ManifestIssue[]): ManifestIssue[] {
    if (this.used.size === 0) return issues;
    const values = [...this.used.entries()].filter(([v]) => v.length >= MIN_HIDDEN_LENGTH).sort((a, b) => b[0].length - a[0].length);
    return issues.map((issue) => {
      let message = issue.message;
      for (const [value, text] of values) message = message.split(value).join(`\${${text}}`);
      return message === issue.message ? issue : { ...issue, message };
    });
  }
}

/**
 * Does this text hold a placeholder of this process? Such a value is not known yet: it is never remembered as a
 * secret (the placeholder would be masked in every later manifest of the process that has one at the same place;
 * the value itself is remembered when it is read).
 */
export function holdsPlaceholder(text: string): boolean {
  return text.includes(`${OPEN}${NONCE}#`);
}

/**
 * Every site whose placeholder is still somewhere in `value` (a manifest, or any part of one), apart from the
 * list of sites itself (a manifest carries it as `lookups`).
 */
export function pendingSites(value: unknown, sites: readonly LookupSite[]): LookupSite[] {
  if (sites.length === 0) return [];
  const found = new Set<number>();
  const walk = (x: unknown): void => {
    if (x === sites) return;
    if (typeof x === 'string') {
      if (!x.includes(OPEN)) return;
      for (const m of x.matchAll(TOKEN)) found.add(Number(m[1]));
    } else if (Array.isArray(x)) {
      for (const i of x) walk(i);
    } else if (x !== null && typeof x === 'object') {
      for (const v of Object.values(x)) walk(v);
    }
  };
  walk(value);
  const byToken = new Map(sites.map((s) => [s.token, s]));
  return [...found].sort((a, b) => a - b).flatMap((i) => byToken.get(`${OPEN}${NONCE}#${i}${CLOSE}`) ?? []);
}

/** `value` with every placeholder written as the lookup it stands for (`${ssm:/x}`): how `render` shows them. */
export function showPlaceholders<T>(value: T, sites: readonly LookupSite[]): T {
  if (sites.length === 0) return value;
  const byToken = new Map(sites.map((s) => [s.token, s]));
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') {
      return x.includes(OPEN) ? x.replace(TOKEN, (t) => `\${${byToken.get(t)?.text ?? 'lookup'}}`) : x;
    }
    if (Array.isArray(x)) return x.map(walk);
    if (x !== null && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x))
        Object.defineProperty(out, k, { value: walk(v), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return x;
  };
  return walk(value) as T;
}
