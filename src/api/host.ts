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

/**
 * The AWS SDK warns on every run under Node 20 that its *future* releases will need Node 22. The package bundles
 * the SDK it was tested with, so the warning is not the program's to act on (the CLI silences it the same way).
 * A program that set the variable itself keeps its value.
 */
export function silenceBundledSdkNodeWarning(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
