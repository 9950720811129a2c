/** The message of anything thrown, for one line of a reason or a warning (never a stack). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
