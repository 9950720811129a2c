export { handleRequest, type HandleOptions } from './handle.js';
export { createProtocolHost, type CallSummary, type RecordingHost } from './host.js';
export { decodeQuery, type QueryRequest } from './query.js';
export { encodeQueryError, encodeQueryResult, escapeXml } from './xml.js';
export { decodeJsonBody, encodeJsonBody } from './json.js';
export { SERVICES, credentialScopeOf, queryService, serviceByTarget, signingNameOf, type ServiceWire } from './services.js';
export type * from './types.js';
