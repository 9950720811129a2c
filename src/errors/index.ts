/**
 * The error hierarchy. Every error ecsdeploy raises on purpose is an {@link EcsDeployError} with a stable
 * code (append-only: codes are public, users search for them) and a `source` that decides presentation:
 * `user` errors print a message and a hint, never a stack; `internal` errors are bugs.
 */

export type ErrorSource = 'user' | 'aws' | 'deployment' | 'internal';

export interface ErrorOptions {
  hint?: string;
  cause?: unknown;
}

export class EcsDeployError extends Error {
  readonly code: string;
  readonly source: ErrorSource;
  readonly hint: string | undefined;

  constructor(code: string, message: string, source: ErrorSource, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'EcsDeployError';
    this.code = code;
    this.source = source;
    this.hint = options.hint;
  }
}

/** One problem found in a manifest, with where it is. `line`/`column` are 1-based. */
export interface ManifestIssue {
  file: string;
  line: number;
  column: number;
  /** JSON-pointer-like dotted path, e.g. `services.web.strategy.steps[1].weight`; empty for the document. */
  path: string;
  message: string;
}

export function formatManifestIssue(issue: ManifestIssue): string {
  const where = `${issue.file}:${issue.line}:${issue.column}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/** The manifest is invalid. Carries every issue found, not just the first. */
export class ManifestError extends EcsDeployError {
  readonly issues: ManifestIssue[];
  constructor(issues: ManifestIssue[], options: ErrorOptions = {}) {
    const count = issues.length;
    super(
      'MANIFEST_INVALID',
      `${count} problem${count === 1 ? '' : 's'} in the manifest:\n${issues.map(formatManifestIssue).join('\n')}`,
      'user',
      options,
    );
    this.name = 'ManifestError';
    this.issues = issues;
  }
}

/** Bad command-line input or a request that cannot be honoured (unknown service, conflicting flags...). */
export class UsageError extends EcsDeployError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, message, 'user', options);
    this.name = 'UsageError';
  }
}

/** An AWS API call failed. Built once, in `src/aws/errors.ts`, from the SDK's exception. */
export class AwsApiError extends EcsDeployError {
  readonly service: string;
  readonly operation: string;
  readonly awsCode: string;
  readonly requestId: string | undefined;
  readonly httpStatus: number | undefined;
  readonly throttled: boolean;
  constructor(
    fields: {
      service: string;
      operation: string;
      awsCode: string;
      message: string;
      requestId?: string;
      httpStatus?: number;
      throttled?: boolean;
    },
    options: ErrorOptions = {},
  ) {
    const rid = fields.requestId ? ` (request id ${fields.requestId})` : '';
    super('AWS_API_ERROR', `${fields.service} ${fields.operation} failed: ${fields.awsCode}: ${fields.message}${rid}`, 'aws', options);
    this.name = 'AwsApiError';
    this.service = fields.service;
    this.operation = fields.operation;
    this.awsCode = fields.awsCode;
    this.requestId = fields.requestId;
    this.httpStatus = fields.httpStatus;
    this.throttled = fields.throttled ?? false;
  }
}

/** A plan could not be made (missing service without a definition, preflight failure...). */
export class PlanError extends EcsDeployError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, message, 'user', options);
    this.name = 'PlanError';
  }
}

/** A saved plan no longer matches live state or the manifest. */
export class StalePlanError extends EcsDeployError {
  readonly moved: string[];
  constructor(moved: string[], options: ErrorOptions = {}) {
    super(
      'PLAN_STALE',
      `the saved plan is stale; live state moved since it was made:\n${moved.map((m) => `  - ${m}`).join('\n')}`,
      'user',
      {
        hint: 'run `ecsdeploy plan` again and review the new plan',
        ...options,
      },
    );
    this.name = 'StalePlanError';
    this.moved = moved;
  }
}

/** The user declined, or confirmation was needed and could not be asked. Shown softly, still non-zero. */
export class AbortError extends EcsDeployError {
  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(code, message, 'user', options);
    this.name = 'AbortError';
  }
}

/** The run was interrupted (SIGINT/SIGTERM). Exit 130. */
export class InterruptedError extends EcsDeployError {
  constructor(message = 'interrupted', options: ErrorOptions = {}) {
    super('INTERRUPTED', message, 'user', options);
    this.name = 'InterruptedError';
  }
}

/** A bug: an invariant did not hold. */
export class InternalError extends EcsDeployError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('INTERNAL', message, 'internal', options);
    this.name = 'InternalError';
  }
}

export function isEcsDeployError(x: unknown): x is EcsDeployError {
  return x instanceof EcsDeployError;
}
