/**
 * The syntax of each lookup kind, checked when the manifest is loaded: a misspelt parameter name or Terraform
 * address is an error at its FILE:LINE:COL, with no AWS call. Messages quote what was written (a name, never a
 * value).
 */
import { LOOKUP_KINDS, type Lookup, type LookupKind, lookupText } from '../model/lookups.js';
import { visible } from './image-reference.js';
import { parseTerraformAddress } from './tfstate-address.js';

export type ParsedLookup = { ok: true; lookup: Lookup; text: string } | { ok: false; message: string };

export function isLookupKind(kind: string): kind is LookupKind {
  return (LOOKUP_KINDS as readonly string[]).includes(kind);
}

/** SSM parameter names: letters, digits, `_ . -`, `/`-separated, at most 2048 characters (PutParameter `Name`). */
const SSM_NAME = /^\/?[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;
/** A secret's name (CreateSecret `Name`: letters, digits and `/_+=.@-`) or its ARN. */
const SECRET = /^(?:arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:)?[A-Za-z0-9/_+=.@-]{1,512}$/;
/** CloudFormation stack names start with a letter (letters, digits, hyphens, 128 at most); output keys are alphanumeric. */
const CFN = /^([A-Za-z][A-Za-z0-9-]{0,127})\.([A-Za-z0-9]{1,255})$/;
/** `${tfstate:NAME:ADDRESS}` names one of several states; an address itself never starts with `word:`. */
const TFSTATE = /^(?:([A-Za-z_][A-Za-z0-9_-]*):)?([\s\S]+)$/;

const NO_DEFAULT = 'lookups take no default (`:-`): a value that cannot be read is an error';

function ok(lookup: Lookup): ParsedLookup {
  return { ok: true, lookup, text: lookupText(lookup) };
}

/** Parses the part after `kind:` (references in it already expanded). */
export function parseLookup(kind: LookupKind, key: string): ParsedLookup {
  const shown = `\`\${${kind}:${visible(key)}}\``;
  switch (kind) {
    case 'ssm':
    case 'ssm-arn':
      if (key.includes(':-')) return { ok: false, message: `${shown}: ${NO_DEFAULT}` };
      if (!SSM_NAME.test(key) || key.length > 2048) {
        return {
          ok: false,
          message: `${shown}: an SSM parameter name is letters, digits and \`_ . -\`, in \`/\`-separated parts (e.g. \${${kind}:/shop/prod/db-host})`,
        };
      }
      return ok({ kind, name: key });
    case 'secretsmanager-arn':
      if (key.includes(':-')) return { ok: false, message: `${shown}: ${NO_DEFAULT}` };
      if (!SECRET.test(key)) {
        return { ok: false, message: `${shown}: a secret is named with letters, digits and \`/_+=.@-\`, or by its ARN` };
      }
      return ok({ kind, secret: key });
    case 'cfn': {
      const m = CFN.exec(key);
      if (!m) return { ok: false, message: `${shown}: write \${cfn:STACK.OutputKey}, e.g. \${cfn:shop-network.PrivateSubnetA}` };
      return ok({ kind, stack: m[1] as string, output: m[2] as string });
    }
    case 'tfstate': {
      const m = TFSTATE.exec(key);
      const parsed = m ? parseTerraformAddress(m[2] as string) : undefined;
      if (!parsed?.ok) return { ok: false, message: `${shown}: ${parsed?.message ?? 'empty Terraform address'}` };
      return ok({ kind, state: m?.[1], address: parsed.address });
    }
  }
}
