/**
 * `${ssm:...}` and `${ssm-arn:...}`: GetParameters, 10 names per call (its limit), each name asked once for both
 * kinds. Never with decryption: a SecureString's value is not wanted anywhere (it would land in a task definition
 * and a plan), so asking for one with `${ssm:...}` is an error that points to `secrets` and `${ssm-arn:...}`.
 */
import type { LookupPorts } from '../../aws/ports.js';
import { looksSensitive } from '../../util/redact.js';
import { chunk } from '../../util/chunk.js';
import { mapLimited } from '../concurrency.js';
import { type LookupRequest, ofKind, type Outcome, type ReadContext } from './outcome.js';

/** GetParameters accepts at most 10 names per call. */
const GET_PARAMETERS_BATCH = 10;

export async function readSsm(ports: LookupPorts, requests: readonly LookupRequest[], out: Outcome, ctx: ReadContext): Promise<void> {
  const wanted = ofKind(requests, 'ssm', 'ssm-arn');
  if (wanted.length === 0) return;
  const names = [...new Set(wanted.map((r) => r.lookup.name))];
  const found = new Map<string, { type: string | undefined; value: string | undefined; arn: string | undefined }>();
  await mapLimited(chunk(names, GET_PARAMETERS_BATCH), ctx.limit, async (batch) => {
    const res = await ports.ssm().getParameters({ Names: batch, WithDecryption: false }, { signal: ctx.signal });
    for (const p of res.Parameters ?? []) {
      if (p.Name === undefined) continue;
      // A SecureString's (encrypted, or in some emulators plain) value is dropped here, never kept.
      found.set(p.Name, { type: p.Type, value: p.Type === 'SecureString' ? undefined : p.Value, arn: p.ARN });
    }
  });
  for (const r of wanted) {
    const { kind, name } = r.lookup;
    const p = found.get(name);
    if (!p) {
      out.fail(r.text, `no SSM parameter ${name} in ${ctx.region} (read as \`\${${r.text}}\`)`);
    } else if (kind === 'ssm-arn') {
      if (p.arn === undefined) out.fail(r.text, `SSM returned no ARN for parameter ${name}`);
      else out.set(r.text, p.arn);
    } else if (p.type === 'SecureString') {
      out.fail(
        r.text,
        `SSM parameter ${name} is a SecureString: its value is never put in a task definition or a plan; ` +
          `give it to the container as a secret, \`secrets: [{ name: ..., valueFrom: "\${ssm-arn:${name}}" }]\``,
      );
    } else {
      // A String named like a secret (`/shop/api-token`) is treated as one: masked wherever it appears.
      out.set(r.text, p.value ?? '', looksSensitive(name.slice(name.lastIndexOf('/') + 1)));
    }
  }
}
