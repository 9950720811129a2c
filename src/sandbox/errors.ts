/**
 * The sandbox's own wire error: what an AWS service answers with when a call fails. It is not an ecsdeploy error
 * (those are typed in src/errors and never cross the wire); the protocol layer turns it into the service's error
 * body, so the SDK raises the same exception class it would against AWS.
 */
export class SandboxApiError extends Error {
  /** AWS's error code, e.g. `ServiceNotFoundException`, `ValidationError`. */
  readonly code: string;
  /** HTTP status of the error response. */
  readonly status: number;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'SandboxApiError';
    this.code = code;
    this.status = status;
  }
}
