/**
 * Listener rule conditions, checked as AWS checks them (API_RuleCondition and its *ConditionConfig shapes): a
 * known field, its config (or, for host-header and path-pattern, a single legacy `Values` entry), values up to 128
 * characters, header names and request methods up to 40. Conditions are kept as given, the way DescribeRules
 * returns them.
 */
import { isRecord, list, recordList } from '../input.js';
import type { JsonObject } from '../types.js';
import { validation } from './state.js';

const FIELDS = ['host-header', 'http-header', 'http-request-method', 'path-pattern', 'query-string', 'source-ip'];
const MAX_VALUE = 128;
const MAX_NAME = 40;

function strings(v: unknown): string[] {
  return list(v).map(String);
}

function configValues(c: Record<string, unknown>, config: string): unknown[] | undefined {
  const cfg = c[config];
  return isRecord(cfg) ? list(cfg.Values) : undefined;
}

/** host-header and path-pattern: `Values` with one entry, or the config's values; 128 characters each. */
function checkHostOrPath(c: Record<string, unknown>, field: string, config: string): void {
  let values = configValues(c, config);
  if (values === undefined && c.Values !== undefined) {
    values = list(c.Values);
    if (values.length > 1) throw validation(`The '${field}' field contains too many values; the limit is '1'`);
  } else if (values !== undefined && c.Values !== undefined && list(c.Values).length) {
    throw validation(`You cannot provide both Values and '${config}' for a condition of type '${field}'`);
  }
  if (!values?.length) throw validation('A condition value must be specified');
  for (const v of strings(values))
    if (v.length > MAX_VALUE) throw validation(`The '${field}' value is too long; the limit is '${MAX_VALUE}'`);
}

function requireConfig(c: Record<string, unknown>, field: string, config: string): Record<string, unknown> {
  const cfg = c[config];
  if (!isRecord(cfg)) throw validation(`A '${config}' must be specified with '${field}'`);
  return cfg;
}

const CHECKS: Record<string, (c: Record<string, unknown>) => void> = {
  'host-header': (c) => checkHostOrPath(c, 'host-header', 'HostHeaderConfig'),
  'path-pattern': (c) => checkHostOrPath(c, 'path-pattern', 'PathPatternConfig'),
  'http-header': (c) => {
    const cfg = requireConfig(c, 'http-header', 'HttpHeaderConfig');
    if (String(cfg.HttpHeaderName ?? '').length > MAX_NAME) {
      throw validation(`The 'HttpHeaderName' value is too long; the limit is '${MAX_NAME}'`);
    }
    for (const v of strings(cfg.Values)) {
      if (v.length > MAX_VALUE) throw validation(`The 'http-header' value is too long; the limit is '${MAX_VALUE}'`);
    }
  },
  'http-request-method': (c) => {
    const cfg = requireConfig(c, 'http-request-method', 'HttpRequestMethodConfig');
    for (const v of strings(cfg.Values)) {
      if (v.length > MAX_NAME) throw validation(`The 'http-request-method' value is too long; the limit is '${MAX_NAME}'`);
      if (!/^[A-Z_-]+$/.test(v)) {
        throw validation("The 'http-request-method' value is invalid; the allowed characters are A-Z, hyphen and underscore");
      }
    }
  },
  'query-string': (c) => {
    const cfg = requireConfig(c, 'query-string', 'QueryStringConfig');
    for (const pair of recordList(cfg.Values)) {
      if (pair.Value === undefined) throw validation("A 'Value' must be specified in 'QueryStringKeyValuePair'");
      if (pair.Key !== undefined && String(pair.Key).length > MAX_VALUE)
        throw validation(`The 'Key' value is too long; the limit is '${MAX_VALUE}'`);
      if (String(pair.Value).length > MAX_VALUE) throw validation(`The 'Value' value is too long; the limit is '${MAX_VALUE}'`);
    }
  },
  'source-ip': (c) => {
    const cfg = requireConfig(c, 'source-ip', 'SourceIpConfig');
    if (!list(cfg.Values).length) throw validation("A 'source-ip' value must be specified");
  },
};

/** Checks a rule's conditions; returns them as stored (a copy). */
export function readConditions(raw: unknown): JsonObject[] {
  const conditions = recordList(raw);
  for (const c of conditions) {
    const field = String(c.Field ?? '');
    if (!FIELDS.includes(field)) throw validation(`The condition field '${field}' must be one of '[${FIELDS.join(', ')}]'`);
    if (c.Values !== undefined && field !== 'host-header' && field !== 'path-pattern') {
      throw validation(`The 'Values' field is not compatible with '${field}'`);
    }
    CHECKS[field]?.(c);
  }
  return JSON.parse(JSON.stringify(conditions)) as JsonObject[];
}
