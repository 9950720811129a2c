/**
 * Finding Terraform addresses in a state of format version 4, shaped like what Terraform 1.x writes: root
 * outputs, resources in nested modules with for_each and count keys, data sources, nested attributes, and what
 * Terraform marks sensitive.
 */
import { describe, expect, it } from 'vitest';
import { stateProblem, valueAt } from '../../src/live/lookups/tfstate-value.js';
import { parseTerraformAddress } from '../../src/manifest/tfstate-address.js';
import type { TerraformAddress } from '../../src/model/lookups.js';

const STATE = {
  version: 4,
  terraform_version: '1.9.5',
  serial: 42,
  lineage: 'b1a5c7d2-0000-4000-8000-000000000000',
  outputs: {
    cluster_name: { value: 'shop-prod', type: 'string' },
    private_subnets: { value: ['subnet-0a', 'subnet-0b'], type: ['list', 'string'] },
    db: { value: { endpoint: 'db.internal:5432', port: 5432 }, type: ['object', {}] },
    db_password: { value: 'correct-horse-battery', type: 'string', sensitive: true },
    flag: { value: true, type: 'bool' },
    nothing: { value: null, type: 'string' },
  },
  resources: [
    {
      mode: 'managed',
      type: 'aws_lb_target_group',
      name: 'web',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [
        { schema_version: 0, attributes: { arn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1', port: 8080 } },
      ],
    },
    {
      module: 'module.net',
      mode: 'managed',
      type: 'aws_subnet',
      name: 'private',
      provider: 'provider["registry.terraform.io/hashicorp/aws"]',
      instances: [
        { index_key: 'a', schema_version: 1, attributes: { id: 'subnet-aaa', tags: { Name: 'private-a' } } },
        { index_key: 'b', schema_version: 1, attributes: { id: 'subnet-bbb', tags: { Name: 'private-b' } } },
      ],
    },
    {
      module: 'module.net',
      mode: 'managed',
      type: 'aws_subnet',
      name: 'public',
      instances: [{ index_key: 0, attributes: { id: 'subnet-p0' } }],
    },
    {
      module: 'module.env["prod"].module.db',
      mode: 'managed',
      type: 'aws_db_instance',
      name: 'main',
      instances: [
        {
          attributes: {
            address: 'main.abc.eu-west-1.rds.amazonaws.com',
            password: 'hunter2-from-tf',
            master_user_secret: [{ secret_arn: 'arn:x' }],
          },
          sensitive_attributes: [[{ type: 'get_attr', value: 'password' }]],
        },
      ],
    },
    {
      mode: 'data',
      type: 'aws_ssm_parameter',
      name: 'image_tag',
      instances: [{ attributes: { value: '1.4.2', name: '/shop/image-tag' } }],
    },
  ],
};

function read(text: string) {
  const parsed = parseTerraformAddress(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return valueAt(STATE, parsed.address as TerraformAddress);
}

describe('values in a Terraform state', () => {
  it.each([
    ['output.cluster_name', 'shop-prod'],
    ['output.private_subnets[1]', 'subnet-0b'],
    ['output.db.endpoint', 'db.internal:5432'],
    ['output.db.port', '5432'],
    ['output.flag', 'true'],
    ['aws_lb_target_group.web.arn', 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1'],
    ['module.net.aws_subnet.private["b"].id', 'subnet-bbb'],
    ['module.net.aws_subnet.private["a"].tags["Name"]', 'private-a'],
    ['module.net.aws_subnet.public[0].id', 'subnet-p0'],
    ['module.env["prod"].module.db.aws_db_instance.main.address', 'main.abc.eu-west-1.rds.amazonaws.com'],
    ['module.env["prod"].module.db.aws_db_instance.main.master_user_secret[0].secret_arn', 'arn:x'],
    ['data.aws_ssm_parameter.image_tag.value', '1.4.2'],
  ])('%s is %s', (address, value) => {
    expect(read(address)).toEqual({ ok: true, value, sensitive: false });
  });

  it('marks what Terraform marks sensitive: a sensitive output, a sensitive attribute', () => {
    expect(read('output.db_password')).toMatchObject({ ok: true, sensitive: true });
    expect(read('module.env["prod"].module.db.aws_db_instance.main.password')).toMatchObject({ ok: true, sensitive: true });
    expect(read('module.env["prod"].module.db.aws_db_instance.main.address')).toMatchObject({ ok: true, sensitive: false });
  });

  it('treats a sensitive_attributes list it does not understand as sensitive (a masked value beats a shown secret)', () => {
    const state = {
      version: 4,
      resources: [{ mode: 'managed', type: 't', name: 'n', instances: [{ attributes: { a: 'x' }, sensitive_attributes: ['a'] }] }],
    };
    const parsed = parseTerraformAddress('t.n.a');
    expect(parsed.ok && valueAt(state, parsed.address)).toMatchObject({ ok: true, sensitive: true });
  });

  it.each([
    ['output.nope', 'the state has no output nope (outputs: cluster_name, private_subnets, db, db_password, flag, nothing)'],
    ['output.nothing', 'output.nothing is null'],
    ['output.private_subnets', 'output.private_subnets is a list of 2: pick an item, output.private_subnets[0]'],
    ['output.private_subnets[2]', 'output.private_subnets is a list of 2; index it with a number from 0 to 1'],
    ['output.db', 'output.db is a mapping: pick a key, output.db["KEY"]'],
    ['aws_lb_target_group.api.arn', 'the state has no aws_lb_target_group.api (of that type: aws_lb_target_group.web)'],
    [
      'module.net.aws_subnet.private.id',
      'module.net.aws_subnet.private has several instances: name one, e.g. module.net.aws_subnet.private["a"] (keys: "a", "b")',
    ],
    ['module.net.aws_subnet.private["c"].id', 'module.net.aws_subnet.private has no instance ["c"] (keys: "a", "b")'],
    ['aws_subnet.private["a"].id', 'the state has no aws_subnet.private'],
    ['module.net.aws_subnet.private["a"].cidr', 'module.net.aws_subnet.private["a"] has no attribute cidr (attributes: id, tags)'],
    ['module.net.aws_subnet.private["a"].tags["Env"]', 'module.net.aws_subnet.private["a"].tags has no key "Env" (keys: Name)'],
    [
      'data.aws_ssm_parameter.other.value',
      'the state has no data.aws_ssm_parameter.other (of that type: data.aws_ssm_parameter.image_tag)',
    ],
  ])('%s: %s', (address, message) => {
    expect(read(address)).toEqual({ ok: false, message });
  });

  it('never puts a value in a message', () => {
    for (const address of ['output.db_password.x', 'module.env["prod"].module.db.aws_db_instance.main.password[0]', 'output.db.nope']) {
      const r = read(address);
      expect(r.ok).toBe(false);
      expect(JSON.stringify(r)).not.toMatch(/hunter2|correct-horse|db\.internal/);
    }
  });

  it('reads only state format version 4', () => {
    expect(stateProblem(STATE)).toBeUndefined();
    expect(stateProblem({ version: 3, modules: [] })).toBe(
      'it is a Terraform state of format version 3; ecsdeploy reads version 4 (Terraform 0.12 and later)',
    );
    expect(stateProblem([])).toBe('it is not a Terraform state (not a JSON object)');
  });
});
