/**
 * `${tfstate:[NAME:]ADDRESS}`: each state read once per run (a local file, or one S3 GetObject), then every
 * address found in it. A value Terraform marks sensitive is a secret from then on (masked wherever it appears).
 */
import { readFile } from 'node:fs/promises';
import type { LookupPorts } from '../../aws/ports.js';
import { AwsApiError } from '../../errors/index.js';
import type { TfstateSource } from '../../model/lookups.js';
import { mapLimited } from '../concurrency.js';
import { type LookupRequest, ofKind, type Outcome, type ReadContext } from './outcome.js';
import { stateProblem, valueAt } from './tfstate-value.js';

type Read = { ok: true; state: Record<string, unknown> } | { ok: false; message: string };

function describe(source: TfstateSource): string {
  return `Terraform state ${source.name} (${source.kind === 'file' ? source.shown : source.url})`;
}

async function readText(ports: LookupPorts, source: TfstateSource, ctx: ReadContext): Promise<string | { missing: string }> {
  if (source.kind === 'file') {
    try {
      return await readFile(source.path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return { missing: code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable') };
    }
  }
  try {
    return (await ports.s3().getObjectText({ Bucket: source.bucket, Key: source.key }, { signal: ctx.signal })).text;
  } catch (error) {
    if (error instanceof AwsApiError && (error.awsCode === 'NoSuchKey' || error.awsCode === 'NoSuchBucket')) {
      return { missing: error.awsCode === 'NoSuchKey' ? 'no such object' : 'no such bucket' };
    }
    throw error;
  }
}

async function readState(ports: LookupPorts, source: TfstateSource, ctx: ReadContext): Promise<Read> {
  const text = await readText(ports, source, ctx);
  if (typeof text !== 'string') return { ok: false, message: `cannot read ${describe(source)}: ${text.missing}` };
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, message: `cannot read ${describe(source)}: it is not JSON` };
  }
  const problem = stateProblem(doc);
  return problem
    ? { ok: false, message: `cannot read ${describe(source)}: ${problem}` }
    : { ok: true, state: doc as Record<string, unknown> };
}

export async function readTfstate(
  ports: LookupPorts,
  requests: readonly LookupRequest[],
  sources: Readonly<Record<string, TfstateSource>>,
  out: Outcome,
  ctx: ReadContext,
): Promise<void> {
  const wanted = ofKind(requests, 'tfstate');
  if (wanted.length === 0) return;
  const all = Object.values(sources);
  // The loader checked the names: one state may go unnamed only when it is the only one.
  const sourceOf = (state: string | undefined): TfstateSource | undefined =>
    state === undefined ? (all.length === 1 ? all[0] : undefined) : Object.hasOwn(sources, state) ? sources[state] : undefined;
  const needed = [...new Set(wanted.map((r) => sourceOf(r.lookup.state)).filter((s): s is TfstateSource => s !== undefined))];
  const states = new Map<string, Read>();
  await mapLimited(
    needed.filter((s) => s.kind === 's3'),
    ctx.limit,
    async (s) => {
      states.set(s.name, await readState(ports, s, ctx));
    },
  );
  for (const s of needed.filter((n) => n.kind === 'file')) states.set(s.name, await readState(ports, s, ctx));
  for (const r of wanted) {
    const source = sourceOf(r.lookup.state);
    const read = source && states.get(source.name);
    if (!source || !read) {
      out.fail(r.text, 'no Terraform state declared under tfstate: for this lookup');
      continue;
    }
    if (!read.ok) {
      out.fail(r.text, read.message);
      continue;
    }
    const v = valueAt(read.state, r.lookup.address);
    if (v.ok) out.set(r.text, v.value, v.sensitive);
    else out.fail(r.text, `${v.message} (in ${describe(source)})`);
  }
}
