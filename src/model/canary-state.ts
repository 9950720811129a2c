/**
 * A canary's state, as tags on its canary ECS service: what must outlive a process (a step paused for approval, a
 * run that was killed) so another machine can promote, abort or resume it (ARCHITECTURE: state lives on AWS).
 * Pure: the strategy writes these tags through the ECS ports, `plan` and `status` read them from DescribeServices.
 *
 * One tag per field, so the console shows them plainly; every value fits ECS's 256-character limit.
 */

const CANARY_TAG_PREFIX = 'ecsdeploy:canary:';

const CANARY_TAGS = {
  run: `${CANARY_TAG_PREFIX}run`,
  revision: `${CANARY_TAG_PREFIX}revision`,
  step: `${CANARY_TAG_PREFIX}step`,
  weight: `${CANARY_TAG_PREFIX}weight`,
  phase: `${CANARY_TAG_PREFIX}phase`,
  verdict: `${CANARY_TAG_PREFIX}verdict`,
} as const;

/**
 * - `running`: a run drives it (if that run died, its state stays `running`: the next run says so).
 * - `paused`: stopped for a person (an approval step, or a gate that paused): `promote` or `abort`. A pause has no
 *   expiry: it lasts until a person decides, and every other apply counts the service as busy until then.
 * - `interrupted`: Ctrl-C with `--on-interrupt leave`: the weight stays; `promote`, `abort` or `apply --resume`.
 * - `promoting`, `aborting`: past the point of no return in that direction; a resume finishes it.
 */
export type CanaryPhase = 'running' | 'paused' | 'interrupted' | 'promoting' | 'aborting';

const PHASES: readonly CanaryPhase[] = ['running', 'paused', 'interrupted', 'promoting', 'aborting'];

export interface CanaryState {
  /** The ecsdeploy run that started the canary. */
  runId: string;
  /** The task definition the canary runs and promotion gives the stable service. */
  revision: string;
  /** 1-based step, as listed in the manifest; 0 before the first weight was set. */
  step: number;
  /** The canary's traffic percentage as last set and verified. */
  weight: number;
  phase: CanaryPhase;
  /** The last gate verdict, in one line (shortened to fit a tag). */
  verdict?: string;
}

/** ECS tag values hold at most 256 characters. */
const TAG_VALUE_MAX = 256;

function toTagValue(text: string): string {
  return text.length <= TAG_VALUE_MAX ? text : `${text.slice(0, TAG_VALUE_MAX - 1)}…`;
}

export function encodeCanaryState(state: CanaryState): { key: string; value: string }[] {
  if (state.revision.length > TAG_VALUE_MAX) {
    throw new Error(`the canary revision ARN is longer than ${TAG_VALUE_MAX} characters and cannot be recorded in a tag`);
  }
  return [
    { key: CANARY_TAGS.run, value: toTagValue(state.runId) },
    { key: CANARY_TAGS.revision, value: state.revision },
    { key: CANARY_TAGS.step, value: String(state.step) },
    { key: CANARY_TAGS.weight, value: String(state.weight) },
    { key: CANARY_TAGS.phase, value: state.phase },
    ...(state.verdict ? [{ key: CANARY_TAGS.verdict, value: toTagValue(state.verdict) }] : []),
  ];
}

/** Every tag key the state may use (to clear it whole). */
export const ALL_CANARY_TAG_KEYS: string[] = Object.values(CANARY_TAGS);

/**
 * The state recorded in `tags`, or undefined when there is none. A partial or garbled record (someone edited the
 * tags by hand) still counts as a canary in flight: it comes back with phase `running` and what could be read,
 * because ignoring it would let another apply start over a canary that may hold traffic.
 */
export function decodeCanaryState(
  tags: readonly { key?: string | undefined; value?: string | undefined }[] | undefined,
): CanaryState | undefined {
  const get = (key: string) => tags?.find((t) => t.key === key)?.value;
  const present = ALL_CANARY_TAG_KEYS.some((k) => get(k) !== undefined);
  if (!present) return undefined;
  const phase = get(CANARY_TAGS.phase);
  const number = (key: string) => {
    const n = Number(get(key));
    return Number.isFinite(n) ? n : 0;
  };
  const verdict = get(CANARY_TAGS.verdict);
  return {
    runId: get(CANARY_TAGS.run) ?? 'unknown',
    revision: get(CANARY_TAGS.revision) ?? '',
    step: number(CANARY_TAGS.step),
    weight: number(CANARY_TAGS.weight),
    phase: PHASES.includes(phase as CanaryPhase) ? (phase as CanaryPhase) : 'running',
    ...(verdict ? { verdict } : {}),
  };
}

/** `paused at step 2 (50 %) awaiting approval`, for plan, status and refusals. */
export function describeCanaryState(state: CanaryState): string {
  const at = state.step > 0 ? `step ${state.step} (${state.weight} %)` : 'the start (0 %)';
  switch (state.phase) {
    case 'paused':
      return `paused at ${at} awaiting approval`;
    case 'interrupted':
      return `interrupted at ${at}, left as it was`;
    case 'promoting':
      return `promoting (canary at ${state.weight} %)`;
    case 'aborting':
      return `aborting (canary at ${state.weight} %)`;
    case 'running':
      return `running at ${at}`;
  }
}
