// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest lookup syntax, not templates
/**
 * The syntax of each lookup kind and of Terraform addresses: what the loader accepts (and the one text each
 * lookup is known by), and what it refuses with a message that says how to write it.
 */
import { describe, expect, it } from 'vitest';
import { parseLookup } from '../../src/manifest/lookup-syntax.js';
import { parseTerraformAddress } from '../../src/manifest/tfstate-address.js';
import { formatTerraformAddress, type TerraformAddress } from '../../src/model/lookups.js';

describe('lookup syntax', () => {
  it.each([
    ['ssm', '/shop/prod/db-host', 'ssm:/shop/prod/db-host', { kind: 'ssm', name: '/shop/prod/db-host' }],
    ['ssm', 'plain_name.v2', 'ssm:plain_name.v2', { kind: 'ssm', name: 'plain_name.v2' }],
    ['ssm-arn', '/shop/db-password', 'ssm-arn:/shop/db-password', { kind: 'ssm-arn', name: '/shop/db-password' }],
    [
      'secretsmanager-arn',
      'shop/api+key=1@x',
      'secretsmanager-arn:shop/api+key=1@x',
      { kind: 'secretsmanager-arn', secret: 'shop/api+key=1@x' },
    ],
    [
      'secretsmanager-arn',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/api-AbCdEf',
      'secretsmanager-arn:arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/api-AbCdEf',
      { kind: 'secretsmanager-arn', secret: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/api-AbCdEf' },
    ],
    [
      'cfn',
      'shop-network.PrivateSubnetA',
      'cfn:shop-network.PrivateSubnetA',
      { kind: 'cfn', stack: 'shop-network', output: 'PrivateSubnetA' },
    ],
    ['tfstate', 'aws_lb_target_group.web.arn', 'tfstate:aws_lb_target_group.web.arn', { kind: 'tfstate', state: undefined }],
    ['tfstate', 'network:output.vpc_id', 'tfstate:network:output.vpc_id', { kind: 'tfstate', state: 'network' }],
  ] as const)('%s:%s is the lookup %s', (kind, key, text, lookup) => {
    const r = parseLookup(kind, key);
    expect(r).toMatchObject({ ok: true, text, lookup });
  });

  it.each([
    ['ssm', '/shop/db host', 'an SSM parameter name is letters, digits'],
    ['ssm', '/shop//x', 'an SSM parameter name is letters, digits'],
    ['ssm', '/shop/x:-fallback', 'lookups take no default'],
    ['ssm-arn', '', 'an SSM parameter name is letters, digits'],
    ['secretsmanager-arn', 'shop api', 'a secret is named with letters'],
    ['cfn', 'shop-network', 'write ${cfn:STACK.OutputKey}'],
    ['cfn', '1stack.Out', 'write ${cfn:STACK.OutputKey}'],
    ['cfn', 'stack.Out-Key', 'write ${cfn:STACK.OutputKey}'],
    ['tfstate', 'aws_lb.web', 'name an attribute of aws_lb.web, e.g. aws_lb.web.id'],
    ['tfstate', 'output', 'name the output: output.NAME'],
  ] as const)('refuses %s:%s, saying how to write it', (kind, key, message) => {
    const r = parseLookup(kind, key);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(message);
    // the message quotes what was written, so the reader finds it
    expect(r.ok ? '' : r.message).toContain(`\${${kind}:`);
  });
});

describe('Terraform addresses', () => {
  it.each([
    [
      'aws_lb_target_group.web.arn',
      {
        kind: 'resource',
        module: '',
        mode: 'managed',
        type: 'aws_lb_target_group',
        name: 'web',
        index: undefined,
        path: [{ name: 'arn' }],
      },
    ],
    [
      'module.net.aws_subnet.private["a"].id',
      { kind: 'resource', module: 'module.net', mode: 'managed', type: 'aws_subnet', name: 'private', index: 'a', path: [{ name: 'id' }] },
    ],
    [
      'module.env["prod"].module.net.aws_subnet.private[2].tags["Name"]',
      {
        kind: 'resource',
        module: 'module.env["prod"].module.net',
        mode: 'managed',
        type: 'aws_subnet',
        name: 'private',
        index: 2,
        path: [{ name: 'tags' }, { index: 'Name' }],
      },
    ],
    [
      'data.aws_ssm_parameter.x.value',
      { kind: 'resource', module: '', mode: 'data', type: 'aws_ssm_parameter', name: 'x', index: undefined, path: [{ name: 'value' }] },
    ],
    ['output.subnets[1]', { kind: 'output', name: 'subnets', path: [{ index: 1 }] }],
    ['output.db.endpoint', { kind: 'output', name: 'db', path: [{ name: 'endpoint' }] }],
    ['module.x["a\\"b"].t.n.id', { kind: 'resource', module: 'module.x["a\\"b"]', index: undefined }],
  ] as const)('%s', (text, address) => {
    const r = parseTerraformAddress(text);
    expect(r).toMatchObject({ ok: true, address });
    // written back in one canonical form, which parses to the same address
    const again = parseTerraformAddress(formatTerraformAddress((r as { address: TerraformAddress }).address));
    expect(again).toEqual(r);
  });

  it.each([
    ['aws_subnet.private["a"]', 'name an attribute of aws_subnet.private["a"]'],
    ['aws_subnet.private[a].id', 'an index is a number or a quoted key'],
    ['aws_subnet.private[01].id', 'an index is a number or a quoted key'],
    ['aws_subnet..id', 'expected a name at character 12'],
    ['module.net', 'expected a resource TYPE.NAME after module.net'],
    ['module', 'name the module: module.NAME'],
    ['aws_subnet.private[0][1]', 'name an attribute of aws_subnet.private[0]'],
    ['aws subnet.x.id', 'unexpected ` ` at character 4'],
  ])('refuses %s', (text, message) => {
    const r = parseTerraformAddress(text);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain(message);
  });
});
