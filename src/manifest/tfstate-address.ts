/**
 * Terraform addresses as `${tfstate:...}` takes them, checked when the manifest is loaded (so a typo is an error
 * at its FILE:LINE:COL before anything reads a state):
 *
 *   output.NAME[.more]                          a root output (state v4 keeps only the root module's outputs)
 *   [module.M[KEY].]...TYPE.NAME[KEY].ATTR...   an attribute of a managed resource instance
 *   [module.M.]data.TYPE.NAME[KEY].ATTR...      the same for a data source
 *
 * KEY is a number (`count`) or a quoted string (`for_each`), as Terraform writes them: `aws_subnet.private["a"].id`.
 */
import { type AddressStep, formatSteps, type TerraformAddress } from '../model/lookups.js';

export type ParsedAddress = { ok: true; address: TerraformAddress } | { ok: false; message: string };

const IDENT = /^[A-Za-z_][A-Za-z0-9_-]*/;
const NUMBER = /^(0|[1-9]\d*)\]/;
const QUOTED = /^"(?:[^"\\]|\\.)*"\]/;

/** `a.b["c"][0]` → steps, or why it is not an address. */
function tokenize(text: string): AddressStep[] | string {
  const steps: AddressStep[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    if (steps.length === 0 || rest.startsWith('.')) {
      const from = steps.length === 0 ? 0 : 1;
      const m = IDENT.exec(rest.slice(from));
      if (!m) return `expected a name at character ${i + from + 1}`;
      steps.push({ name: m[0] });
      i += from + m[0].length;
    } else if (rest.startsWith('[')) {
      const body = rest.slice(1);
      const n = NUMBER.exec(body);
      const q = n ? undefined : QUOTED.exec(body);
      if (n) {
        steps.push({ index: Number(n[1]) });
        i += 1 + n[0].length;
      } else if (q) {
        try {
          steps.push({ index: JSON.parse(q[0].slice(0, -1)) as string });
        } catch {
          return `a bad quoted key at character ${i + 1}`;
        }
        i += 1 + q[0].length;
      } else {
        return `an index is a number or a quoted key, [0] or ["a"] (character ${i + 1})`;
      }
    } else {
      return `unexpected \`${rest[0]}\` at character ${i + 1}`;
    }
  }
  return steps;
}

const nameAt = (steps: AddressStep[], i: number): string | undefined => {
  const s = steps[i];
  return s && 'name' in s ? s.name : undefined;
};
const indexAt = (steps: AddressStep[], i: number): number | string | undefined => {
  const s = steps[i];
  return s && 'index' in s ? s.index : undefined;
};

const EXAMPLES = 'e.g. aws_lb_target_group.web.arn, module.net.aws_subnet.private["a"].id or output.cluster_name';

export function parseTerraformAddress(text: string): ParsedAddress {
  const steps = tokenize(text);
  if (typeof steps === 'string') return { ok: false, message: `not a Terraform address: ${steps} (${EXAMPLES})` };
  if (nameAt(steps, 0) === 'output') {
    const name = nameAt(steps, 1);
    if (name === undefined) return { ok: false, message: 'name the output: output.NAME' };
    return { ok: true, address: { kind: 'output', name, path: steps.slice(2) } };
  }
  let i = 0;
  const modules: string[] = [];
  while (nameAt(steps, i) === 'module') {
    const name = nameAt(steps, i + 1);
    if (name === undefined) return { ok: false, message: 'name the module: module.NAME' };
    const key = indexAt(steps, i + 2);
    modules.push(`module.${name}${key === undefined ? '' : formatSteps([{ index: key }])}`);
    i += key === undefined ? 2 : 3;
  }
  let mode: 'managed' | 'data' = 'managed';
  if (nameAt(steps, i) === 'data') {
    mode = 'data';
    i += 1;
  }
  const type = nameAt(steps, i);
  const name = nameAt(steps, i + 1);
  if (type === undefined || name === undefined) {
    return { ok: false, message: `expected a resource TYPE.NAME${modules.length ? ` after ${modules.join('.')}` : ''} (${EXAMPLES})` };
  }
  i += 2;
  const index = indexAt(steps, i);
  if (index !== undefined) i += 1;
  const path = steps.slice(i);
  const resource = `${modules.map((m) => `${m}.`).join('')}${mode === 'data' ? 'data.' : ''}${type}.${name}${index === undefined ? '' : formatSteps([{ index }])}`;
  if (path.length === 0 || !('name' in (path[0] as AddressStep))) {
    return { ok: false, message: `name an attribute of ${resource}, e.g. ${resource}.id` };
  }
  return { ok: true, address: { kind: 'resource', module: modules.join('.'), mode, type, name, index, path } };
}
