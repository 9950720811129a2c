import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CreateClusterCommand, ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { envFrom, waitFor } from '../../_helpers/sandbox.js';

const ROOT = join(__dirname, '../../..');

describe('the ecsdeploy sandbox command, built', () => {
  const built = existsSync(join(ROOT, 'dist/cli.mjs'));
  it.skipIf(!built)(
    'prints the environment from the built bin, serves an ECSClient over HTTP and exits 0 on SIGINT',
    async () => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/ecsdeploy.js'), 'sandbox', '--port', '0'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const env = await waitFor(() => (out.includes('AWS_SECRET_ACCESS_KEY') ? envFrom(out) : undefined));
        const ecs = new ECSClient({
          region: env.AWS_REGION as string,
          endpoint: env.AWS_ENDPOINT_URL as string,
          credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID as string, secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string },
        });
        await ecs.send(new CreateClusterCommand({ clusterName: 'from-bin' }));
        expect((await ecs.send(new ListClustersCommand({}))).clusterArns).toHaveLength(1);
        child.kill('SIGINT');
        expect(await exited).toBe(0);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
    20_000,
  );
});
