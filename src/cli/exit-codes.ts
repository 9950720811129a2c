/** The only place exit codes are defined (house rule 7). */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  /** `plan --detailed-exitcode` when the plan has changes, or a rollout (deployment, canary) is in flight. */
  Changes: 2,
  /** A canary paused for a person to approve: `ecsdeploy promote` or `ecsdeploy abort` moves it on. */
  Paused: 3,
  Interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
