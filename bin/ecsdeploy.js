#!/usr/bin/env node
import module from 'node:module';

// Node 22+ keeps compiled code between runs (a faster cold start); Node 20 lacks the API and skips it.
module.enableCompileCache?.();
// The AWS SDK prints a nine-line Node-version notice on Node 20; ecsdeploy's users must never see it.
// Supported Node versions are documented in the README.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { main } = await import('../dist/cli.mjs');
process.exitCode = await main(process.argv.slice(2));
