/**
 * The SDK clients behind lookups and image pinning, loaded on demand by `createLookupPorts` (clients.ts) so a
 * command whose manifest has no lookups never parses them. Each client is made on first use, with the run's one
 * configuration (region, credentials, endpoints, retries, call counting).
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { GetObjectCommand, type GetObjectCommandInput, type GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { UsageError } from '../errors/index.js';
import { type ClientBase, type LookupPortsOptions, op } from './clients.js';
import { toAwsApiError } from './errors.js';
import type { CloudFormationPort, EcrPort, LookupPorts, S3Port, SecretsManagerPort, SsmPort } from './ports.js';
import { AWS_SERVICES, type AwsServiceKey } from './services.js';

function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => {
    made ??= make();
    return made;
  };
}

export function buildLookupPorts(base: ClientBase, options: LookupPortsOptions): LookupPorts {
  const reachable = (service: AwsServiceKey): void => {
    if (!options.endpointsOnly || base.endpointOf(service)) return;
    const { label, envSuffix } = AWS_SERVICES[service];
    throw new UsageError(
      'LOOKUP_SERVICE_NOT_IN_SANDBOX',
      `the sandbox does not serve ${label}, which ${options.endpointsOnly.purpose} needs; nothing was read from AWS`,
      { hint: `point AWS_ENDPOINT_URL_${envSuffix} (or AWS_ENDPOINT_URL) at an emulator that serves it, such as moto` },
    );
  };

  const ssm = once((): SsmPort => {
    reachable('ssm');
    const b = base.bind('ssm', (c) => new SSMClient(c));
    return { getParameters: op<SsmPort['getParameters']>(b, 'GetParameters', GetParametersCommand) };
  });

  const secretsManager = once((): SecretsManagerPort => {
    reachable('secretsmanager');
    const b = base.bind('secretsmanager', (c) => new SecretsManagerClient(c));
    return { describeSecret: op<SecretsManagerPort['describeSecret']>(b, 'DescribeSecret', DescribeSecretCommand) };
  });

  const s3 = once((): S3Port => {
    reachable('s3');
    // A state bucket may be in another region: the client follows S3's redirect instead of failing. Emulators
    // on a custom endpoint take bucket names in the path, not as a host name.
    const b = base.bind(
      's3',
      (c) => new S3Client({ ...c, followRegionRedirects: true, ...(base.endpointOf('s3') && { forcePathStyle: true }) }),
    );
    const getObject = op<(input: GetObjectCommandInput, o?: { signal?: AbortSignal }) => Promise<GetObjectCommandOutput>>(
      b,
      'GetObject',
      GetObjectCommand,
    );
    return {
      getObjectText: async (input, o) => {
        const out = await getObject(input, o);
        try {
          return { text: (await out.Body?.transformToString('utf8')) ?? '' };
        } catch (error) {
          // The body streams after the call returned: a connection lost there is still this call's failure.
          throw toAwsApiError(b.label, 'GetObject', error, { region: b.region, ...(b.endpoint ? { endpoint: b.endpoint } : {}) });
        }
      },
    };
  });

  const cloudformation = once((): CloudFormationPort => {
    reachable('cloudformation');
    const b = base.bind('cloudformation', (c) => new CloudFormationClient(c));
    return { describeStacks: op<CloudFormationPort['describeStacks']>(b, 'DescribeStacks', DescribeStacksCommand) };
  });

  const ecrByRegion = new Map<string, EcrPort>();
  const ecr = (region: string): EcrPort => {
    reachable('ecr');
    let port = ecrByRegion.get(region);
    if (!port) {
      const b = base.bind('ecr', (c) => new ECRClient(c), region);
      port = { describeImages: op<EcrPort['describeImages']>(b, 'DescribeImages', DescribeImagesCommand) };
      ecrByRegion.set(region, port);
    }
    return port;
  };

  return { region: base.region, ssm, secretsManager, s3, cloudformation, ecr, calls: base.counter };
}
