/** The only place exit codes are defined (house rule 7). */
export const ExitCode = {
  Ok: 0,
  Failed: 1,
  /** `plan --detailed-exitcode` when the plan has changes. */
  Changes: 2,
  Interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
