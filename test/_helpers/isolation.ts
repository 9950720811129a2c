/**
 * Runs before every test file (vitest `setupFiles`). Test files share one module graph per worker (`isolate: false`
 * in vitest.config.ts), so what one file leaves patched, the next one inherits: after each file, put back the real
 * `send` of any AWS SDK client that aws-sdk-client-mock stubbed and the file did not restore, and forget the values
 * its manifests marked secret.
 */
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll } from 'vitest';
import { forgetSecrets } from '../../src/util/redact.js';

/** Every SDK client package.json depends on (test/isolation.test.ts keeps this list complete). */
export const CLIENTS = [
  CloudFormationClient,
  CloudWatchClient,
  CodeDeployClient,
  ECRClient,
  ECSClient,
  ElasticLoadBalancingV2Client,
  EventBridgeClient,
  S3Client,
  SecretsManagerClient,
  SNSClient,
  SSMClient,
  STSClient,
];

afterAll(() => {
  // Values one file's manifests marked secret must not be masked in the next file's output.
  forgetSecrets();
  for (const Client of CLIENTS) {
    // A stub is an own property of the prototype with a `restore()` (sinon); the real send is inherited.
    const send = Object.hasOwn(Client.prototype, 'send') ? (Client.prototype.send as { restore?: () => void }) : undefined;
    send?.restore?.();
  }
});
