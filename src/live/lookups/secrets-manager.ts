/**
 * `${secretsmanager-arn:NAME}`: the secret's full ARN (with the random suffix Secrets Manager adds), for
 * `secrets[].valueFrom`. DescribeSecret once per secret: it returns the ARN and never the value. (ListSecrets
 * could batch, but it matches names by prefix and needs permission to list every secret of the account.)
 */
import type { LookupPorts } from '../../aws/ports.js';
import { AwsApiError } from '../../errors/index.js';
import { mapLimited } from '../concurrency.js';
import { type LookupRequest, ofKind, type Outcome, type ReadContext } from './outcome.js';

export async function readSecretArns(
  ports: LookupPorts,
  requests: readonly LookupRequest[],
  out: Outcome,
  ctx: ReadContext,
): Promise<void> {
  const wanted = ofKind(requests, 'secretsmanager-arn');
  const secrets = [...new Set(wanted.map((r) => r.lookup.secret))];
  const arns = new Map<string, { arn: string | undefined; deleted: boolean }>();
  await mapLimited(secrets, ctx.limit, async (secret) => {
    try {
      const res = await ports.secretsManager().describeSecret({ SecretId: secret }, { signal: ctx.signal });
      arns.set(secret, { arn: res.ARN, deleted: res.DeletedDate !== undefined });
    } catch (error) {
      if (!(error instanceof AwsApiError && error.awsCode === 'ResourceNotFoundException')) throw error;
    }
  });
  for (const r of wanted) {
    const found = arns.get(r.lookup.secret);
    if (!found?.arn) out.fail(r.text, `no secret ${r.lookup.secret} in Secrets Manager in ${ctx.region}`);
    else if (found.deleted) out.fail(r.text, `secret ${r.lookup.secret} is scheduled for deletion; tasks could not read it`);
    else out.set(r.text, found.arn);
  }
}
