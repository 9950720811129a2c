/**
 * Finding an address in a Terraform state (format version 4, what Terraform has written since 0.12):
 *
 *   { "version": 4, "outputs": { NAME: { "value": ..., "sensitive": bool } },
 *     "resources": [ { "module": "module.net[\"a\"]", "mode": "managed" | "data", "type", "name",
 *                      "instances": [ { "index_key": 0 | "a", "attributes": {...}, "sensitive_attributes": [...] } ] } ] }
 *
 * Pure: a parsed document in, a value (as text) or a message out. Messages name addresses, attributes and keys,
 * never a value.
 */
import { type AddressStep, formatResource, formatSteps, type TerraformAddress } from '../../model/lookups.js';

export type StateValue = { ok: true; value: string; sensitive: boolean } | { ok: false; message: string };

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Why a parsed JSON document is not a state this reads, or undefined when it is. */
export function stateProblem(doc: unknown): string | undefined {
  if (!isObject(doc)) return 'it is not a Terraform state (not a JSON object)';
  if (doc.version !== 4) {
    return `it is a Terraform state of format version ${JSON.stringify(doc.version ?? null)}; ecsdeploy reads version 4 (Terraform 0.12 and later)`;
  }
  return undefined;
}

/** A few names from a list, for messages. */
function some(names: string[]): string {
  const shown = names.slice(0, 10).join(', ');
  return names.length > 10 ? `${shown}, ...` : shown || '(none)';
}

function keyText(k: unknown): string {
  return typeof k === 'number' ? String(k) : JSON.stringify(k);
}

/** Follows `path` into `value`; `where` names what is walked, for messages. */
function walk(value: unknown, path: readonly AddressStep[], where: string): { ok: true; value: unknown } | { ok: false; message: string } {
  let v = value;
  let at = where;
  for (const step of path) {
    if ('name' in step) {
      if (!isObject(v) || !Object.hasOwn(v, step.name)) {
        const names = isObject(v) ? Object.keys(v) : [];
        return { ok: false, message: `${at} has no attribute ${step.name}${isObject(v) ? ` (attributes: ${some(names)})` : ''}` };
      }
      v = v[step.name];
    } else if (Array.isArray(v)) {
      if (typeof step.index !== 'number' || step.index >= v.length) {
        return { ok: false, message: `${at} is a list of ${v.length}; index it with a number from 0 to ${v.length - 1}` };
      }
      v = v[step.index];
    } else if (isObject(v)) {
      const key = String(step.index);
      if (!Object.hasOwn(v, key)) return { ok: false, message: `${at} has no key ${keyText(step.index)} (keys: ${some(Object.keys(v))})` };
      v = v[key];
    } else {
      return { ok: false, message: `${at} is not a list or a mapping, it cannot be indexed` };
    }
    at += formatSteps([step]);
  }
  return { ok: true, value: v };
}

/** The one value a lookup gives, as text: strings as they are, numbers and booleans as written in JSON. */
function asText(v: unknown, where: string): { ok: true; value: string } | { ok: false; message: string } {
  if (typeof v === 'string') return { ok: true, value: v };
  if (typeof v === 'number' || typeof v === 'boolean') return { ok: true, value: String(v) };
  if (v === null || v === undefined) return { ok: false, message: `${where} is null` };
  const what = Array.isArray(v) ? `a list of ${v.length}: pick an item, ${where}[0]` : `a mapping: pick a key, ${where}["KEY"]`;
  return { ok: false, message: `${where} is ${what}` };
}

/**
 * Is `path` (below the instance's attributes) sensitive? `sensitive_attributes` lists paths as Terraform writes
 * them: steps `{ "type": "get_attr", "value": "password" }` or `{ "type": "index", "value": { "value": 0 } }`. A
 * listed path covers everything below it. A list this does not understand counts as sensitive: better a masked
 * value than a shown secret.
 */
function isSensitivePath(listed: unknown, path: readonly AddressStep[]): boolean {
  if (listed === undefined || listed === null) return false;
  if (!Array.isArray(listed)) return true;
  for (const entry of listed) {
    if (!Array.isArray(entry)) return true;
    let covers = true;
    for (const [i, step] of entry.entries()) {
      const mine = path[i];
      if (!isObject(step)) return true;
      if (mine === undefined) {
        covers = false;
        break;
      }
      if (step.type === 'get_attr') {
        if (!('name' in mine) || mine.name !== step.value) covers = false;
      } else if (step.type === 'index') {
        const key = isObject(step.value) ? step.value.value : step.value;
        if (!('index' in mine) || String(mine.index) !== String(key)) covers = false;
      } else {
        return true;
      }
      if (!covers) break;
    }
    if (covers) return true;
  }
  return false;
}

export function valueAt(state: Record<string, unknown>, address: TerraformAddress): StateValue {
  if (address.kind === 'output') {
    const outputs = isObject(state.outputs) ? state.outputs : {};
    const output = outputs[address.name];
    if (!Object.hasOwn(outputs, address.name) || !isObject(output)) {
      return { ok: false, message: `the state has no output ${address.name} (outputs: ${some(Object.keys(outputs))})` };
    }
    const where = `output.${address.name}`;
    const found = walk(output.value, address.path, where);
    if (!found.ok) return found;
    const text = asText(found.value, `${where}${formatSteps(address.path)}`);
    return text.ok ? { ...text, sensitive: output.sensitive === true } : text;
  }
  const resources = Array.isArray(state.resources) ? state.resources.filter(isObject) : [];
  const module = address.module;
  const resource = resources.find(
    (r) => (r.module ?? '') === module && (r.mode ?? 'managed') === address.mode && r.type === address.type && r.name === address.name,
  );
  const name = formatResource({ ...address, index: undefined });
  if (!resource) {
    const sameModule = resources
      .filter((r) => (r.module ?? '') === module && r.type === address.type)
      .map((r) => `${r.mode === 'data' ? 'data.' : ''}${String(r.type)}.${String(r.name)}`);
    const where = module ? ` in ${module}` : '';
    return {
      ok: false,
      message: `the state has no ${name}${sameModule.length ? ` (of that type${where}: ${some(sameModule)})` : where ? ` (nothing of type ${address.type}${where})` : ''}`,
    };
  }
  const instances = Array.isArray(resource.instances) ? resource.instances.filter(isObject) : [];
  const keys = instances.map((i) => i.index_key).filter((k) => k !== undefined);
  let instance: Record<string, unknown> | undefined;
  if (address.index === undefined) {
    if (keys.length > 0)
      return {
        ok: false,
        message: `${name} has several instances: name one, e.g. ${name}[${keyText(keys[0])}] (keys: ${some(keys.map(keyText))})`,
      };
    instance = instances[0];
  } else {
    instance = instances.find((i) => i.index_key === address.index);
    if (!instance) return { ok: false, message: `${name} has no instance [${keyText(address.index)}] (keys: ${some(keys.map(keyText))})` };
  }
  if (!instance || !isObject(instance.attributes)) return { ok: false, message: `${name} has no instance with attributes in the state` };
  const where = formatResource(address);
  const found = walk(instance.attributes, address.path, where);
  if (!found.ok) return found;
  const text = asText(found.value, `${where}${formatSteps(address.path)}`);
  return text.ok ? { ...text, sensitive: isSensitivePath(instance.sensitive_attributes, address.path) } : text;
}
