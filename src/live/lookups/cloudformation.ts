/** `${cfn:STACK.OutputKey}`: DescribeStacks once per stack, then its outputs (CloudFormation and CDK stacks alike). */
import type { LookupPorts } from '../../aws/ports.js';
import { AwsApiError } from '../../errors/index.js';
import { mapLimited } from '../concurrency.js';
import { type LookupRequest, ofKind, type Outcome, type ReadContext } from './outcome.js';

export async function readStackOutputs(
  ports: LookupPorts,
  requests: readonly LookupRequest[],
  out: Outcome,
  ctx: ReadContext,
): Promise<void> {
  const wanted = ofKind(requests, 'cfn');
  const stacks = [...new Set(wanted.map((r) => r.lookup.stack))];
  const outputs = new Map<string, Map<string, string>>();
  await mapLimited(stacks, ctx.limit, async (stack) => {
    try {
      const res = await ports.cloudformation().describeStacks({ StackName: stack }, { signal: ctx.signal });
      const found = res.Stacks?.[0];
      if (!found) return;
      outputs.set(stack, new Map((found.Outputs ?? []).flatMap((o) => (o.OutputKey ? [[o.OutputKey, o.OutputValue ?? ''] as const] : []))));
    } catch (error) {
      // CloudFormation answers a stack that does not exist with ValidationError ("Stack with id X does not exist").
      if (!(error instanceof AwsApiError && error.awsCode === 'ValidationError' && /does not exist/.test(error.message))) throw error;
    }
  });
  for (const r of wanted) {
    const { stack, output } = r.lookup;
    const found = outputs.get(stack);
    const value = found?.get(output);
    if (!found) out.fail(r.text, `no CloudFormation stack ${stack} in ${ctx.region}`);
    else if (value === undefined) {
      const keys = [...found.keys()];
      out.fail(r.text, `stack ${stack} has no output ${output} (${keys.length ? `outputs: ${keys.join(', ')}` : 'it has no outputs'})`);
    } else out.set(r.text, value);
  }
}
