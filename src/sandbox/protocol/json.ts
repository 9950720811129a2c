/**
 * AWS JSON 1.0 / 1.1 bodies. Requests arrive as the SDK serialized them (timestamps as epoch seconds, which the
 * world receives as numbers); responses turn the world's `Date`s into epoch seconds, as AWS sends them and as the
 * SDK's JSON codec parses them.
 */

export class BodyDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyDecodeError';
  }
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export function decodeJsonBody(body: Uint8Array): Record<string, unknown> {
  const text = decoder.decode(body).trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BodyDecodeError('the request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new BodyDecodeError('the request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** `Date` → epoch seconds (fractional milliseconds kept); `undefined` members are left out. */
export function encodeJsonBody(output: Record<string, unknown>): Uint8Array {
  return encoder.encode(
    JSON.stringify(output, function (this: Record<string, unknown>, key, value: unknown) {
      const raw = this[key];
      if (raw instanceof Date) return raw.getTime() / 1000;
      return value;
    }),
  );
}
