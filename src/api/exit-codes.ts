/**
 * The only place exit codes are defined (house rule 7): the CLI exits with them, and a program that wraps the
 * library (a release script, a CI step) can exit as `ecsdeploy apply` would for the same outcome.
 */
import type { ApplyResult } from '../engine/types.js';

export const ExitCode = {
  Ok: 0,
  Failed: 1,
  /** `plan --detailed-exitcode` when the plan has changes, or a rollout (deployment, canary) is in flight. */
  Changes: 2,
  /**
   * A deployment paused for a person to approve (a canary step, a blue-green ready wait, an ECS-native pause) or a
   * gate that paused without evidence: `ecsdeploy promote` or `ecsdeploy abort` moves it on.
   */
  Paused: 3,
  Interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** The exit code `ecsdeploy apply` gives an outcome: 0 succeeded or no change, 1 failed, 3 paused, 130 interrupted. */
export function exitCodeFor(result: Pick<ApplyResult, 'outcome'>): ExitCodeValue {
  if (result.outcome === 'interrupted') return ExitCode.Interrupted;
  if (result.outcome === 'failed') return ExitCode.Failed;
  if (result.outcome === 'paused') return ExitCode.Paused;
  return ExitCode.Ok;
}
