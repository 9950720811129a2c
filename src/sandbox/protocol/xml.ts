/**
 * The AWS query protocol's response side: XML in the shape the SDK's XML deserializer reads.
 * `<OpResponse xmlns><OpResult>...</OpResult><ResponseMetadata><RequestId/></ResponseMetadata></OpResponse>`,
 * lists as `<member>` children, maps as `<entry><key/><value/></entry>`, timestamps ISO 8601.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\r': '&#xD;',
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"'\r]/g, (c) => ESCAPES[c] as string);
}

function scalar(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return escapeXml(String(value));
}

/**
 * Serializes `value` as the content of an element. `mapPaths` names the members (dotted from the result, list
 * items transparent) that are maps rather than structures: a plain object cannot tell them apart.
 */
function content(value: unknown, path: string, mapPaths: ReadonlySet<string>): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) {
    let out = '';
    for (const item of value) {
      if (item === null || item === undefined) continue;
      out += `<member>${content(item, path, mapPaths)}</member>`;
    }
    return out;
  }
  if (value instanceof Date || typeof value !== 'object') return scalar(value);
  const obj = value as Record<string, unknown>;
  if (mapPaths.has(path)) {
    let out = '';
    for (const [k, v] of Object.entries(obj)) {
      if (v === null || v === undefined) continue;
      out += `<entry><key>${escapeXml(k)}</key><value>${content(v, `${path}.value`, mapPaths)}</value></entry>`;
    }
    return out;
  }
  let out = '';
  for (const [k, v] of Object.entries(obj)) {
    if (v === null || v === undefined) continue;
    const childPath = path === '' ? k : `${path}.${k}`;
    out += `<${k}>${content(v, childPath, mapPaths)}</${k}>`;
  }
  return out;
}

export function encodeQueryResult(options: {
  operation: string;
  xmlns: string;
  output: Record<string, unknown>;
  requestId: string;
  mapPaths?: ReadonlySet<string>;
}): string {
  const { operation, xmlns, output, requestId } = options;
  const result = content(output, '', options.mapPaths ?? new Set());
  return (
    `<${operation}Response xmlns="${escapeXml(xmlns)}">` +
    `<${operation}Result>${result}</${operation}Result>` +
    `<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata>` +
    `</${operation}Response>`
  );
}

export function encodeQueryError(options: {
  xmlns: string;
  type: 'Sender' | 'Receiver';
  code: string;
  message: string;
  requestId: string;
}): string {
  return (
    `<ErrorResponse xmlns="${escapeXml(options.xmlns)}">` +
    `<Error><Type>${options.type}</Type><Code>${escapeXml(options.code)}</Code>` +
    `<Message>${escapeXml(options.message)}</Message></Error>` +
    `<RequestId>${escapeXml(options.requestId)}</RequestId>` +
    '</ErrorResponse>'
  );
}
