/**
 * Secrets never reach output (house rule 9). An environment variable is sensitive when the manifest marks
 * it, or when its name looks like a secret.
 */

export const REDACTED = '(sensitive)';

const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL|AUTH|DSN|CONNECTION_?STRING)/i;

function looksSensitive(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function isSensitive(name: string, marked: readonly string[]): boolean {
  return marked.includes(name) || looksSensitive(name);
}
