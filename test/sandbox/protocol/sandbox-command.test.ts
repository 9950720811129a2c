import { PassThrough } from 'node:stream';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import { envFrom, waitFor } from '../../_helpers/sandbox.js';

describe('ecsdeploy sandbox', () => {
  it('prints the environment to export, serves real SDK clients over HTTP, and stops on the abort signal', async () => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const controller = new AbortController();
    const exit = run(['sandbox', '--port', '0', '--region', 'eu-west-3'], {
      stdout,
      stderr,
      signal: controller.signal,
      env: {},
      isTTY: false,
    });
    const env = await waitFor(() => (out.includes('AWS_SECRET_ACCESS_KEY') ? envFrom(out) : undefined));
    expect(env.AWS_ENDPOINT_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(env.AWS_REGION).toBe('eu-west-3');
    const ecs = new ECSClient({
      region: env.AWS_REGION as string,
      endpoint: env.AWS_ENDPOINT_URL as string,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string },
    });
    await ecs.send(new CreateClusterCommand({ clusterName: 'over-http' }));
    const listed = await ecs.send(new ListClustersCommand({}));
    expect(listed.clusterArns).toEqual([expect.stringMatching(/^arn:aws:ecs:eu-west-3:\d{12}:cluster\/over-http$/)]);
    controller.abort(new Error('received SIGINT'));
    expect(await exit).toBe(0);
    expect(err).toMatch(/stopped after 2 calls/);
    // stdout carries only the environment: it is meant for eval.
    expect(
      out
        .trim()
        .split('\n')
        .every((l) => l.startsWith('export ')),
    ).toBe(true);
  });
});
