/**
 * A named profile (`--profile` or `AWS_PROFILE`) must exist before the SDK is asked to use it. Otherwise the SDK's
 * chain ends in "could not load credentials" and the misspelt name is lost; worse, on an EC2 instance or in an ECS
 * task the chain goes on to the instance or task role and deploys with credentials nobody chose.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors/index.js';

/** Where the SDK looks (AWS SDKs and Tools reference, "Shared config and credentials files"). */
function sharedFiles(env: Record<string, string | undefined>): { config: string; credentials: string } {
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    config: env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
  };
}

/**
 * Profile names a file defines: `[name]` in the credentials file; `[default]` and `[profile name]` in the config
 * file (its `[sso-session ...]` and `[services ...]` sections are not profiles). A missing file defines none.
 */
function profilesIn(file: string, kind: 'config' | 'credentials'): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const m of text.matchAll(/^[ \t]*\[([^\]\r\n]+)\][ \t]*(?:[#;].*)?$/gm)) {
    const section = (m[1] as string).trim();
    if (kind === 'credentials') names.push(section);
    else if (section === 'default') names.push(section);
    else if (/^profile\s/.test(section)) names.push(section.replace(/^profile\s+/, ''));
  }
  return names;
}

const SHOWN_PROFILES = 10;

/** Throws AWS_PROFILE_NOT_FOUND, naming the profile, where it came from and where it was looked for. */
export function assertProfileExists(profile: string, from: '--profile' | 'AWS_PROFILE', env: Record<string, string | undefined>): void {
  const files = sharedFiles(env);
  const known = [...new Set([...profilesIn(files.config, 'config'), ...profilesIn(files.credentials, 'credentials')])];
  if (known.includes(profile)) return;
  const listed = known.slice(0, SHOWN_PROFILES).join(', ') + (known.length > SHOWN_PROFILES ? ', ...' : '');
  throw new UsageError(
    'AWS_PROFILE_NOT_FOUND',
    `the AWS profile \`${profile}\` (from ${from}) is not defined in ${files.config} or ${files.credentials}`,
    {
      hint: known.length
        ? `profiles defined there: ${listed}`
        : 'no profile is defined there; create one with `aws configure --profile NAME` (or `aws configure sso`), or set AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE',
    },
  );
}
