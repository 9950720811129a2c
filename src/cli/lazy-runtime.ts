/**
 * The AWS SDK and the sandbox are big; `validate`, `render`, `schema` and `--help` never need them. Commands
 * that talk to AWS build their runtime through this, which loads `aws-runtime.ts` (and with it the SDK chunk of
 * the bundle) on first use only.
 */
import type { ResolvedManifest } from '../model/manifest.js';
import type { AwsAccess, CommandRuntime } from './aws-runtime.js';

export async function createCommandRuntime(cmd: AwsAccess, manifest: ResolvedManifest | undefined): Promise<CommandRuntime> {
  const { createCommandRuntime: create } = await import('./aws-runtime.js');
  return create(cmd, manifest);
}
