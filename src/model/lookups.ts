/**
 * Lookups (`${ssm:/path}`, `${ssm-arn:/path}`, `${secretsmanager-arn:name}`, `${tfstate:ADDRESS}`,
 * `${cfn:STACK.Output}`) and pinned images: values that come from AWS (or a Terraform state) when a command
 * reads live state, never when the manifest is loaded. The loader records each lookup where it is written; the
 * live step reads them all at once; the plan records a fingerprint of each value, never the value.
 */

/** What comes before the colon: `${ssm:/path}` is an `ssm` lookup. */
export type LookupKind = 'ssm' | 'ssm-arn' | 'secretsmanager-arn' | 'tfstate' | 'cfn';

export const LOOKUP_KINDS: readonly LookupKind[] = ['ssm', 'ssm-arn', 'secretsmanager-arn', 'tfstate', 'cfn'];

/** One step of a path into a value: an attribute name (`.id`) or an index (`[0]`, `["a"]`). */
export type AddressStep = { name: string } | { index: number | string };

/** A parsed Terraform address: a root output, or an attribute of a resource instance. */
export type TerraformAddress =
  | { kind: 'output'; name: string; path: AddressStep[] }
  | {
      kind: 'resource';
      /** `module.net` or `module.net["a"].module.x`, as Terraform writes it in state; '' for the root module. */
      module: string;
      mode: 'managed' | 'data';
      type: string;
      name: string;
      /** The instance key: a number for `count`, a string for `for_each`; undefined for a single instance. */
      index: number | string | undefined;
      /** The attribute and anything below it (`.tags["Name"]`); at least one step. */
      path: AddressStep[];
    };

export type Lookup =
  | { kind: 'ssm' | 'ssm-arn'; name: string }
  | { kind: 'secretsmanager-arn'; secret: string }
  | { kind: 'cfn'; stack: string; output: string }
  /** `state` is the name under `tfstate:`; undefined means the only one declared. */
  | { kind: 'tfstate'; state: string | undefined; address: TerraformAddress };

/** Where a lookup is written, and the placeholder the loader left for it until it is read. */
export interface LookupSite {
  lookup: Lookup;
  /** The lookup as text, its references expanded: `ssm:/shop/prod/db-host`. Lookups with the same text are one read. */
  text: string;
  file: string;
  line: number;
  column: number;
  /** Where in the file, as in manifest issues (`services.web.environment.app.DB_HOST`). */
  path: string;
  /** The opaque placeholder standing for the value in the loaded manifest until it is read (never a value). */
  token: string;
}

/** `ecsdeploy.yaml:14:15`. */
export function siteLocation(site: Pick<LookupSite, 'file' | 'line' | 'column'>): string {
  return `${site.file}:${site.line}:${site.column}`;
}

/** A lookup's value as read by the live step. */
export interface LookupValue {
  value: string;
  /** Terraform marks it sensitive (or the parameter is named like a secret): masked wherever it appears. */
  sensitive: boolean;
  /** sha256 (hex) of the lookup's text and value: what a saved plan keeps instead of the value. */
  fingerprint: string;
}

/** What a plan keeps of each lookup it used: where it is written and a fingerprint, never the value. */
export interface LookupRecord {
  /** `ssm:/shop/prod/db-host`. */
  lookup: string;
  /** Every place it is written, `FILE:LINE:COL`. */
  at: string[];
  fingerprint: string;
}

/** Where a Terraform state is read from (top-level `tfstate:`). */
export type TfstateSource =
  | { name: string; kind: 'file'; path: string; shown: string }
  | { name: string; kind: 's3'; bucket: string; key: string; url: string };

/** An image tag resolved to its digest when the plan was made; apply deploys `pinned`. */
export interface PinnedImage {
  /** As the manifest (or `--image`) gives it: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4.2`. */
  image: string;
  /** `sha256:...`. */
  digest: string;
  /** What is registered: `image@digest`. */
  pinned: string;
}

/** `[{ name: 'tags' }, { index: 'Name' }]` → `.tags["Name"]` (a leading name has no dot when `first`). */
export function formatSteps(steps: readonly AddressStep[], first = false): string {
  return steps
    .map((s, i) =>
      'name' in s ? `${first && i === 0 ? '' : '.'}${s.name}` : `[${typeof s.index === 'number' ? s.index : JSON.stringify(s.index)}]`,
    )
    .join('');
}

/** The resource an address names, without its attribute: `module.net.aws_subnet.private["a"]`. */
export function formatResource(a: Extract<TerraformAddress, { kind: 'resource' }>): string {
  const mode = a.mode === 'data' ? 'data.' : '';
  const index = a.index === undefined ? '' : formatSteps([{ index: a.index }]);
  return `${a.module ? `${a.module}.` : ''}${mode}${a.type}.${a.name}${index}`;
}

/** A parsed address written back in its one canonical form. */
export function formatTerraformAddress(a: TerraformAddress): string {
  if (a.kind === 'output') return `output.${a.name}${formatSteps(a.path)}`;
  return `${formatResource(a)}${formatSteps(a.path)}`;
}

/** The lookup as text (what is written between `${` and `}`, references expanded): its identity. */
export function lookupText(l: Lookup): string {
  switch (l.kind) {
    case 'ssm':
    case 'ssm-arn':
      return `${l.kind}:${l.name}`;
    case 'secretsmanager-arn':
      return `${l.kind}:${l.secret}`;
    case 'cfn':
      return `cfn:${l.stack}.${l.output}`;
    case 'tfstate':
      return `tfstate:${l.state === undefined ? '' : `${l.state}:`}${formatTerraformAddress(l.address)}`;
  }
}
