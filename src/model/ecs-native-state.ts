/**
 * An ECS-native deployment's state, as tags on its ECS service: what must outlive a process (a deployment held for
 * approval at ecsdeploy's pause hook, a run that was killed) so another machine can promote, abort or resume it
 * (ARCHITECTURE: state lives on AWS). AWS's own record is the service deployment itself; the tags say which one is
 * ecsdeploy's, which run started it, and where ecsdeploy stands with it. Pure: the strategy writes the tags, `plan`
 * reads them from DescribeServices.
 */

const PREFIX = 'ecsdeploy:ecs-native:';

const TAGS = {
  run: `${PREFIX}run`,
  deployment: `${PREFIX}deployment`,
  revision: `${PREFIX}revision`,
  phase: `${PREFIX}phase`,
  stage: `${PREFIX}stage`,
  verdict: `${PREFIX}verdict`,
} as const;

/**
 * - `running`: a run follows it (if that run died, the state stays `running`: the next run says so).
 * - `paused`: held at ecsdeploy's pause hook for a person: `promote` or `abort` (ECS rolls it back when the hook's
 *   timeout ends first).
 * - `interrupted`: Ctrl-C with `--on-interrupt leave`: ECS carries on to ecsdeploy's next pause hook and waits there.
 */
export type EcsNativePhase = 'running' | 'paused' | 'interrupted';

const PHASES: readonly EcsNativePhase[] = ['running', 'paused', 'interrupted'];

export interface EcsNativeState {
  runId: string;
  /** The service deployment ARN; empty until UpdateService answered. */
  serviceDeployment: string;
  /** The task definition it deploys. */
  revision: string;
  phase: EcsNativePhase;
  /** The lifecycle stage of the hold (paused): `POST_TEST_TRAFFIC_SHIFT`, `PRE_PRODUCTION_TRAFFIC_SHIFT`, ... */
  stage?: string;
  /** The last verdict, in one line (shortened to fit a tag). */
  verdict?: string;
}

const TAG_VALUE_MAX = 256;

function short(text: string): string {
  return text.length <= TAG_VALUE_MAX ? text : `${text.slice(0, TAG_VALUE_MAX - 1)}…`;
}

export function encodeEcsNativeState(state: EcsNativeState): { key: string; value: string }[] {
  for (const arn of [state.serviceDeployment, state.revision]) {
    if (arn.length > TAG_VALUE_MAX) throw new Error(`${arn} is longer than ${TAG_VALUE_MAX} characters and cannot be recorded in a tag`);
  }
  return [
    { key: TAGS.run, value: short(state.runId) },
    { key: TAGS.deployment, value: state.serviceDeployment },
    { key: TAGS.revision, value: state.revision },
    { key: TAGS.phase, value: state.phase },
    ...(state.stage ? [{ key: TAGS.stage, value: short(state.stage) }] : []),
    ...(state.verdict ? [{ key: TAGS.verdict, value: short(state.verdict) }] : []),
  ];
}

export const ALL_ECS_NATIVE_TAG_KEYS: string[] = Object.values(TAGS);

/**
 * The state recorded in `tags`, or undefined when there is none. A partial record (tags edited by hand) still
 * counts, as `running`: ignoring it would let another apply start over a deployment ecsdeploy holds.
 */
export function decodeEcsNativeState(
  tags: readonly { key?: string | undefined; value?: string | undefined }[] | undefined,
): EcsNativeState | undefined {
  const get = (key: string) => tags?.find((t) => t.key === key)?.value;
  if (!ALL_ECS_NATIVE_TAG_KEYS.some((k) => get(k) !== undefined)) return undefined;
  const phase = get(TAGS.phase);
  const stage = get(TAGS.stage);
  const verdict = get(TAGS.verdict);
  return {
    runId: get(TAGS.run) ?? 'unknown',
    serviceDeployment: get(TAGS.deployment) ?? '',
    revision: get(TAGS.revision) ?? '',
    phase: PHASES.includes(phase as EcsNativePhase) ? (phase as EcsNativePhase) : 'running',
    ...(stage ? { stage } : {}),
    ...(verdict ? { verdict } : {}),
  };
}

/** `paused at PRE_PRODUCTION_TRAFFIC_SHIFT awaiting approval`, for plan, status and refusals. */
export function describeEcsNativeState(state: EcsNativeState): string {
  const at = state.stage ? ` at ${state.stage}` : '';
  switch (state.phase) {
    case 'paused':
      return `paused${at} awaiting approval`;
    case 'interrupted':
      return `interrupted${at}: ECS waits at ecsdeploy's next pause hook`;
    case 'running':
      return `running${at}`;
  }
}
