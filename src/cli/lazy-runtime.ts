/**
 * The AWS SDK and the sandbox are big; `validate`, `render`, `schema` and `--help` never need them. Commands
 * that talk to AWS build their runtime through this, which loads `aws-runtime.ts` (and with it the SDK chunk of
 * the bundle) on first use only.
 */
import type { ResolvedManifest } from '../model/manifest.js';
import type { CommandRuntime } from './aws-runtime.js';
import type { AwsCommand } from './base-command.js';

export async function createCommandRuntime(cmd: AwsCommand, manifest: ResolvedManifest | undefined): Promise<CommandRuntime> {
  const { createCommandRuntime: create } = await import('./aws-runtime.js');
  return create(cmd, manifest);
}
