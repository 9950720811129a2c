/**
 * Numeric flags, checked the way the manifest's values are: a bad value names the flag and the range it accepts,
 * on stderr, exit 1. clipanion's own number validator says neither the long flag name nor the range, and its
 * parser reads `-D -1` as two options ("Not enough arguments to option -D"); {@link joinNegativeNumbers} hands
 * such a value to its flag so the check can say what is wrong with it.
 */
import { UsageError } from '../errors/index.js';
import { MAX_DESIRED_COUNT } from '../manifest/limits.js';

/** Flags whose value may look like a negative number (a count, a duration, a revision), by every name they have. */
const NUMERIC_FLAGS: ReadonlySet<string> = new Set([
  '-t',
  '--timeout',
  '--to',
  '-D',
  '--desired-count',
  '-m',
  '--min',
  '-M',
  '--max',
  '--concurrency',
  '--max-attempts',
  '--port',
  '--speed',
]);

const NEGATIVE_NUMBER = /^-\d/;

/** `-D -1` → `-D=-1`: a value that starts with `-` is otherwise taken for an option. */
export function joinNegativeNumbers(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (arg === '--') return [...out, ...argv.slice(i)];
    if (NUMERIC_FLAGS.has(arg) && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

const WHOLE_NUMBER = /^-?\d+$/;

/**
 * The whole number a flag was given, or undefined when it was not given. `flag` is the long name, for messages.
 * Refuses fractions, exponents, words and anything outside [min, max].
 */
export function wholeNumberFlag(
  flag: string,
  raw: string | undefined,
  range: { min: number; max: number; code: string },
): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  const value = Number(text);
  if (!WHOLE_NUMBER.test(text) || value < range.min || value > range.max) {
    throw new UsageError(range.code, `${flag} ${JSON.stringify(raw)}: expected a whole number from ${range.min} to ${range.max}`);
  }
  return value;
}

/** The ranges, with the error code each flag has always used. */
export const FLAG_RANGES = {
  desiredCount: { min: 0, max: MAX_DESIRED_COUNT, code: 'BAD_OVERRIDE' },
  minimumHealthyPercent: { min: 0, max: 100, code: 'BAD_OVERRIDE' },
  maximumPercent: { min: 100, max: 400, code: 'BAD_OVERRIDE' },
  maxAttempts: { min: 1, max: 50, code: 'AWS_MAX_ATTEMPTS_INVALID' },
  concurrency: { min: 1, max: 64, code: 'CONCURRENCY_INVALID' },
} as const;
