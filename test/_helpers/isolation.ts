/**
 * Runs before every test file (vitest `setupFiles`). Test files share one module graph per worker (`isolate: false`
 * in vitest.config.ts), so what one file leaves patched, the next one inherits: after each file, put back the real
 * `send` of any AWS SDK client that aws-sdk-client-mock stubbed and the file did not restore.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { afterAll } from 'vitest';

const CLIENTS = [CloudWatchClient, CodeDeployClient, ECSClient, ElasticLoadBalancingV2Client, EventBridgeClient, SNSClient, STSClient];

afterAll(() => {
  for (const Client of CLIENTS) {
    // A stub is an own property of the prototype with a `restore()` (sinon); the real send is inherited.
    const send = Object.hasOwn(Client.prototype, 'send') ? (Client.prototype.send as { restore?: () => void }) : undefined;
    send?.restore?.();
  }
});
