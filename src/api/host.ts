/**
 * What the library takes from the process when the caller does not say: the working directory and the
 * environment (interpolation, AWS region and profile). The library is a composition root like the CLI, so it is
 * the one other place that reads `process`; everything below it is handed these values.
 */

/** The caller's environment, or the process's. */
export function hostEnv(env: Record<string, string | undefined> | undefined): Record<string, string | undefined> {
  return env ?? process.env;
}

/** The caller's working directory, or the process's. */
export function hostCwd(cwd: string | undefined): string {
  return cwd ?? process.cwd();
}
