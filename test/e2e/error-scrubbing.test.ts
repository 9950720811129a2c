/**
 * An AWS error whose message holds a bare access key id (as STS, IAM and some proxies write them: "Access key
 * AKIA... is not valid") never reaches the output whole: not in the error a command prints, not in the events of
 * a deploy, in any format. The real CLI and SDK over the sandbox, with one operation answered by such an error.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAwsPorts } from '../../src/aws/clients.js';
import type { CliContext } from '../../src/cli/context.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { SdkHttpRequest } from '../../src/sandbox/in-process.js';
import { cli } from '../_helpers/cli.js';
import { type InProcessSandbox, startInProcessSandbox } from '../_helpers/sandbox.js';

const cwd = resolve(__dirname, '../../examples/rolling');
const env = { IMAGE_TAG: '1.2.3' };
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const TEMPORARY_KEY_ID = 'ASIAY34FZKBOKMUTVV7A';

/** Sandbox ports where ECS `operation` is answered with an error naming access key ids, as AWS does on bad keys. */
function failing(sb: InProcessSandbox, operation: string): Partial<CliContext> {
  const inner = sb.runtime.requestHandler;
  const handler = Object.assign(Object.create(Object.getPrototypeOf(inner)) as object, inner, {
    handle: (request: SdkHttpRequest, options?: { abortSignal?: unknown }) => {
      if (request.headers['x-amz-target'] !== `AmazonEC2ContainerServiceV20141113.${operation}`) return inner.handle(request, options);
      const body = {
        __type: 'UnrecognizedClientException',
        message: `The security token included in the request is invalid. Access key ${KEY_ID} is not valid (session of ${TEMPORARY_KEY_ID}).`,
      };
      return Promise.resolve({
        response: {
          statusCode: 400,
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': 'req-1' },
          body: new TextEncoder().encode(JSON.stringify(body)),
        },
      });
    },
  });
  return { clock: sb.clock, portsFactory: () => createAwsPorts(sb.awsConfig({ requestHandler: handler })) };
}

function expectScrubbed(text: string): void {
  expect(text).not.toContain(KEY_ID);
  expect(text).not.toContain(TEMPORARY_KEY_ID);
  expect(text).not.toMatch(/AKIAIOSFODNN7|ASIAY34FZKBOK/);
}

describe('an AWS error naming an access key id', () => {
  it.each(['plan', 'plan --format json', 'apply --yes --format json', 'apply --yes --format plain --verbose'])(
    'is printed without the key id when reading the account fails (%s)',
    async (command) => {
      const sb = startInProcessSandbox({ manifest: loadManifest({ cwd, env }) });
      const r = await cli(command.split(' '), { cwd, env, context: failing(sb, 'DescribeServices') });
      expect(r.code).toBe(1);
      // The error is still told, with the key's kind kept.
      expect(r.stderr).toMatch(/UnrecognizedClientException: The security token included in the request is invalid\. Access key AKIA…/);
      expectScrubbed(r.stdout + r.stderr);
    },
  );

  it.each(['json', 'plain'])('is reported without the key id when a deploy step fails (--format %s)', async (format) => {
    const sb = startInProcessSandbox({ manifest: loadManifest({ cwd, env }) });
    const r = await cli(['apply', '--yes', '--format', format, '--verbose'], { cwd, env, context: failing(sb, 'UpdateService') });
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/Access key AKIA… is not valid \(session of ASIA…\)/);
    expectScrubbed(r.stdout + r.stderr);
  });
});
