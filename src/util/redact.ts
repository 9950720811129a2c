/**
 * Secrets never reach output (house rule 9). Three nets, from the most to the least structured:
 *
 * 1. By name: an environment variable (or a log/FireLens option) is sensitive when the manifest marks it, or when
 *    its name looks like a secret. Its value is shown as `(sensitive)` (src/plan/sensitive.ts, manifest render).
 * 2. By shape, in any text: a password in a URL (`postgres://app:***@db`), an `Authorization` header or bearer
 *    token, the value of a `--password`/`--token`-like flag, an AWS secret access key after its key id, an access
 *    key id.
 * 3. By value: values the manifest loader learnt are secret (those of sensitive variables, and what a
 *    `${env:API_TOKEN}`-like reference expanded to, wherever it landed) are replaced wherever they appear, also
 *    in text AWS sends back. The set is process-wide on purpose, like a CI runner's masks: a value once known to
 *    be secret must not be printed by any path of this process.
 */
import { setOwn } from './own.js';

export const REDACTED = '(sensitive)';

/** What replaces a credential found inside a longer text: `scheme://user:***@host`, `Bearer ***`. */
const MASK = '***';

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH|DSN|CONNECTION_?STRING)/i;

export function looksSensitive(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function isSensitive(name: string, marked: readonly string[]): boolean {
  return marked.includes(name) || looksSensitive(name);
}

/** Shorter values are not masked by value (masking `on` or `1` everywhere would garble every message). */
const MIN_MASKED_LENGTH = 6;

/**
 * A value that reads like a plain word (letters only, shorter than this) is not masked by value: a variable named
 * like a secret may hold `disabled` or `keycloak` (`AUTH_MODE`, `AUTH_PROVIDER`), and masking that word in every
 * message would garble them. Where such a variable is set, its name still hides it.
 */
const MIN_MASKED_WORD_LENGTH = 12;

const knownSecrets = new Set<string>();
let knownPattern: RegExp | undefined;

/** Remembers a value as secret: from now on {@link redactText} replaces it wherever it appears. */
export function rememberSecret(value: string): void {
  const v = value.trim();
  if (v.length < MIN_MASKED_LENGTH || knownSecrets.has(v)) return;
  if (/^[A-Za-z]+$/.test(v) && v.length < MIN_MASKED_WORD_LENGTH) return;
  knownSecrets.add(v);
  knownPattern = undefined;
}

/**
 * Forgets every remembered secret. One CLI run is one process, so it never needs this; a process that runs
 * several manifests one after another (the test workers, a library user) forgets between them, so one run's
 * values are not masked in the next run's output.
 */
export function forgetSecrets(): void {
  knownSecrets.clear();
  knownPattern = undefined;
}

/** Is this text, or a part of it, a value known to be secret? */
export function holdsKnownSecret(text: string): boolean {
  if (knownSecrets.size === 0) return false;
  for (const s of knownSecrets) if (text.includes(s)) return true;
  return false;
}

function knownSecretsPattern(): RegExp | undefined {
  if (knownSecrets.size === 0) return undefined;
  // Longest first, so a secret that contains another is replaced whole.
  knownPattern ??= new RegExp(
    [...knownSecrets]
      .sort((a, b) => b.length - a.length)
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('|'),
    'g',
  );
  return knownPattern;
}

/** `scheme://user:password@host`: the password, up to the last `@` of the authority. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'`]*):[^\s"'`]*@(?=[^\s@/?#"'`]*(?:[/?#\s"'`]|$))/gi;
/** `Authorization: Bearer x`, `Authorization: Basic x`, `authorization=x`. */
const AUTHORIZATION = /\b(Authorization\s*[:=]\s*(?:(?:Bearer|Basic|Token|Digest|AWS4-HMAC-SHA256)\s+)?)[^\s"'`,;]+/gi;
/** A bearer token on its own. */
const BEARER = /\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/g;
/** `--password=x`, `--api-key x`, `-token x`: the value of a flag named like a secret. */
const SECRET_FLAG =
  /(^|\s)(--?[A-Za-z0-9_-]*(?:password|passwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential)[A-Za-z0-9_-]*)(=|\s+)("[^"]*"|'[^']*'|[^\s"'`]+)/gi;
/** `DB_PASSWORD=x` in a shell line: an assignment to a name that looks secret. */
const SECRET_ASSIGNMENT =
  /\b([A-Za-z_][A-Za-z0-9_]*(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)[A-Za-z0-9_]*=)("[^"]*"|'[^']*'|[^\s"'`;&|]+)/gi;
/** An AWS secret access key (40 characters) right after its access key id. */
const AWS_KEY_PAIR = /\b((?:AKIA|ASIA)[A-Z0-9]{16})([\s:=,;"'|/]+)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/g;
/** An access key id: long-term (AKIA) or temporary (ASIA). */
const ACCESS_KEY_ID = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g;

/** A text with every credential it holds masked: by value, then by shape. Idempotent. */
export function redactText(text: string): string {
  let out = text;
  const known = knownSecretsPattern();
  if (known) out = out.replace(known, REDACTED);
  return out
    .replace(URL_PASSWORD, `$1:${MASK}@`)
    .replace(AUTHORIZATION, `$1${MASK}`)
    .replace(BEARER, `$1${MASK}`)
    .replace(AWS_KEY_PAIR, `$1$2${MASK}`)
    .replace(ACCESS_KEY_ID, `$1${MASK}`)
    .replace(SECRET_FLAG, (_m, lead: string, flag: string, sep: string) => `${lead}${flag}${sep}${MASK}`)
    .replace(SECRET_ASSIGNMENT, `$1${MASK}`);
}

/**
 * A command's arguments with credentials masked: each argument as text, and the argument after a flag named like
 * a secret (`["--password", "x"]`), which is a separate argument in a list.
 */
export function redactArgs(args: readonly string[]): string[] {
  return args.map((a, i) => {
    const previous = args[i - 1];
    if (
      previous !== undefined &&
      /^--?[A-Za-z0-9_-]*(?:password|passwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credential)[A-Za-z0-9_-]*$/i.test(
        previous,
      )
    ) {
      return MASK;
    }
    return redactText(a);
  });
}

/** A JSON-like value with every string passed through {@link redactText} (and string lists through {@link redactArgs}). */
export function redactStrings<T>(value: T): T {
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') return redactText(x);
    if (Array.isArray(x)) return x.every((i) => typeof i === 'string') ? redactArgs(x) : x.map(walk);
    if (x !== null && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(x)) setOwn(out, k, walk(v));
      return out;
    }
    return x;
  };
  return walk(value) as T;
}
