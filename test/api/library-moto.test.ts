/**
 * The library against AWS, as moto (an emulator no one here wrote) stands in for it: `plan` with `aws` options
 * (endpoint, region, fixed credentials, an empty environment) reads the account they name, and nothing else.
 */
import { resolve } from 'node:path';
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadManifest, plan } from '../../src/index.js';
import { type MotoServer, motoAvailable, startMoto } from '../_helpers/moto.js';

const ROLLING = resolve(__dirname, '../../examples/rolling');
const available = motoAvailable();

describe.skipIf(!available)('plan against moto through the aws options', () => {
  let moto: MotoServer;
  const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'moto-secret-not-used' };

  beforeAll(async () => {
    moto = await startMoto();
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it('reads the account at the endpoint: a missing service is planned for creation, in the region given', async () => {
    const ecs = new ECSClient({ region: 'eu-west-1', endpoint: moto.endpoint, credentials });
    await ecs.send(new CreateClusterCommand({ clusterName: 'hello' }));
    const manifest = loadManifest('ecsdeploy.yaml', { cwd: ROLLING, env: {} });

    const planned = await plan(manifest, { aws: { endpoint: moto.endpoint, region: 'eu-west-1', credentials, env: {} } });

    expect(planned.region).toBe('eu-west-1');
    expect(planned.services[0]).toMatchObject({ key: 'web', action: 'create', live: null });
    expect(planned.calls?.['ECS.DescribeServices']).toBeGreaterThan(0);
  });

  it('sees what the account holds: the same manifest in a region where the cluster does not exist is blocked', async () => {
    const manifest = loadManifest('ecsdeploy.yaml', { cwd: ROLLING, env: {} });
    const planned = await plan(manifest, { aws: { endpoint: moto.endpoint, region: 'ap-south-1', credentials, env: {} } });
    expect(planned.services[0]?.action).toBe('blocked');
    expect(planned.services[0]?.blockedReasons.join(' ')).toMatch(/cluster/i);
  });
});
