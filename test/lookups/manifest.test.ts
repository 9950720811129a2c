// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are manifest lookup syntax, not templates
/**
 * Lookups in the manifest loader: each one is a placeholder recorded where it is written (never read here, never
 * a value), problems with a placeholder wait for its value, and a second load with the values checks them like any
 * value, at their positions, without quoting them.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lookupFingerprint } from '../../src/live/lookups/index.js';
import { ManifestError } from '../../src/errors/index.js';
import { type LoadManifestOptions, loadManifest, loadManifestAll, renderResolved, selectServices } from '../../src/manifest/index.js';
import { pendingSites } from '../../src/manifest/lookup-sites.js';
import type { LookupValue } from '../../src/model/lookups.js';
import { redactText } from '../../src/util/redact.js';

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'ecsdeploy-lookups-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

function load(yaml: string, options: Partial<LoadManifestOptions> = {}, files: Record<string, string> = {}) {
  return loadManifest({ cwd: project({ 'ecsdeploy.yaml': yaml, ...files }), env: {}, ...options });
}

function values(entries: Record<string, string | { value: string; sensitive: boolean }>): Map<string, LookupValue> {
  return new Map(
    Object.entries(entries).map(([text, v]) => {
      const { value, sensitive } = typeof v === 'string' ? { value: v, sensitive: false } : v;
      return [text, { value, sensitive, fingerprint: lookupFingerprint(text, value) }];
    }),
  );
}

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ManifestError) return error.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ManifestError');
}

const HEAD = 'version: 1\nregion: eu-west-1\n';
const TD = "taskDefinition: { family: web, containerDefinitions: [{ name: web, image: 'nginx:1' }] }";

describe('lookups in the manifest, before they are read', () => {
  const yaml = `${HEAD}vars:
  db: \${ssm:/shop/\${env:STAGE:-prod}/db-host}
services:
  web:
    cluster: \${cfn:shop-network.ClusterName}
    ${TD}
    environment:
      web:
        DB_HOST: \${var:db}
        QUEUE: "q-\${ssm:/shop/queue}-\${ssm:/shop/queue}"
`;

  it('records every lookup where it is written (its ${, else the value), with the text it is read as', () => {
    const m = load(yaml);
    const sites = pendingSites(m, m.lookups ?? []);
    expect(sites.map((s) => [s.text, `${s.line}:${s.column}`, s.path])).toEqual([
      ['ssm:/shop/prod/db-host', '4:7', 'vars.db'],
      ['cfn:shop-network.ClusterName', '7:14', 'services.web.cluster'],
      ['ssm:/shop/queue', '12:19', 'services.web.environment.web.QUEUE'],
      ['ssm:/shop/queue', '12:38', 'services.web.environment.web.QUEUE'],
    ]);
  });

  it('leaves placeholders, never a value, and never the text of the lookup as if it were the value', () => {
    const m = load(yaml);
    const web = m.services[0];
    expect(web?.cluster).not.toContain('${cfn:');
    expect(pendingSites(web?.cluster, m.lookups ?? []).map((s) => s.text)).toEqual(['cfn:shop-network.ClusterName']);
    // the placeholder of a lookup held by a variable lands where the variable is used
    expect(pendingSites(web?.environment, m.lookups ?? []).map((s) => s.text)).toEqual([
      'ssm:/shop/prod/db-host',
      'ssm:/shop/queue',
      'ssm:/shop/queue',
    ]);
  });

  it('uses references in a lookup name: ${env:...} with its default, ${var:...}', () => {
    const m = load(yaml, { env: { STAGE: 'staging' } });
    expect((m.lookups ?? []).map((s) => s.text)).toContain('ssm:/shop/staging/db-host');
  });

  it('render shows each lookup as written and lists where it is written, unread', () => {
    const out = renderResolved(load(yaml)) as {
      services: { cluster: string; environment: Record<string, Record<string, string>> }[];
      lookups: unknown;
    };
    expect(out.services[0]?.cluster).toBe('${cfn:shop-network.ClusterName}');
    expect(out.services[0]?.environment.web).toEqual({
      DB_HOST: '${ssm:/shop/prod/db-host}',
      QUEUE: 'q-${ssm:/shop/queue}-${ssm:/shop/queue}',
    });
    expect(out.lookups).toEqual([
      { lookup: 'ssm:/shop/prod/db-host', at: [expect.stringMatching(/ecsdeploy\.yaml:4:7$/)], read: false },
      { lookup: 'cfn:shop-network.ClusterName', at: [expect.stringMatching(/ecsdeploy\.yaml:7:14$/)], read: false },
      {
        lookup: 'ssm:/shop/queue',
        at: [expect.stringMatching(/ecsdeploy\.yaml:12:19$/), expect.stringMatching(/ecsdeploy\.yaml:12:38$/)],
        read: false,
      },
    ]);
  });

  it('records lookups in task definition files, inline task definitions and defaults, at their own positions', () => {
    const files = {
      'web.task.json':
        '{\n  "family": "web",\n  "containerDefinitions": [\n    { "name": "web", "image": "nginx:1",\n      "secrets": [{ "name": "DB_PASSWORD", "valueFrom": "${ssm-arn:/shop/db-password}" }] }\n  ]\n}\n',
    };
    const m = load(
      `${HEAD}defaults:
  cluster: shop
  networkConfiguration: { awsvpcConfiguration: { subnets: ['\${tfstate:module.net.aws_subnet.private["a"].id}'] } }
tfstate:
  infra: { path: ./terraform.tfstate }
services:
  web:
    taskDefinition: ./web.task.json
  api:
    taskDefinition: { family: api, containerDefinitions: [{ name: api, image: "r/api:\${cfn:shop.ApiTag}" }] }
`,
      {},
      files,
    );
    expect((m.lookups ?? []).map((s) => `${s.file.split('/').pop()}:${s.line}:${s.column} ${s.text}`)).toEqual([
      'ecsdeploy.yaml:5:61 tfstate:module.net.aws_subnet.private["a"].id',
      'ecsdeploy.yaml:12:86 cfn:shop.ApiTag',
      'web.task.json:5:58 ssm-arn:/shop/db-password',
    ]);
    expect(m.tfstate?.infra).toMatchObject({ kind: 'file', shown: 'terraform.tfstate' });
  });

  it('selecting services keeps only the lookups they use pending', () => {
    const m = load(`${HEAD}services:
  web: { cluster: shop, ${TD}, environment: { web: { A: "\${ssm:/a}" } } }
  api: { cluster: shop, taskDefinition: { family: api, containerDefinitions: [{ name: api, image: 'nginx:1' }] }, environment: { api: { B: "\${ssm:/b}" } } }
`);
    expect(pendingSites(selectServices(m, ['api']), m.lookups ?? []).map((s) => s.text)).toEqual(['ssm:/b']);
  });

  it('cannot be forged: text that looks like a placeholder is text', () => {
    const m = load(`${HEAD}services:\n  web: { cluster: shop, ${TD}, environment: { web: { A: "\u27e6lookup 000000000000#0\u27e7" } } }\n`);
    expect(m.lookups).toEqual([]);
    expect(m.services[0]?.environment.web?.A).toBe('\u27e6lookup 000000000000#0\u27e7');
  });

  it('validates every environment with its own lookups', () => {
    const all = loadManifestAll({
      cwd: project({
        'ecsdeploy.yaml': `${HEAD}environments:\n  staging: { vars: { s: staging } }\n  prod: { vars: { s: prod } }\nservices:\n  web: { cluster: "\${ssm:/\${var:s}/cluster}", ${TD} }\n`,
      }),
      env: {},
    });
    expect(all.map((m) => (m.lookups ?? []).map((s) => s.text))).toEqual([['ssm:/staging/cluster'], ['ssm:/prod/cluster']]);
  });
});

describe('problems with values that are lookups', () => {
  const canary = `${HEAD}services:
  web:
    cluster: \${cfn:net.Cluster}
    service: \${cfn:net.Service}
    ${TD}
    images: { web: "r/web:\${ssm:/web/tag}" }
    strategy:
      type: canary
      rule: \${tfstate:aws_lb_listener_rule.web.arn}
      stable: { targetGroup: web-stable }
      canary: { service: web-canary, targetGroup: web-canary }
      steps: [{ weight: 10, pause: 1m }]
tfstate:
  infra: { path: ./state.json }
`;

  it('wait for the value: a placeholder is no cluster name, ARN or image tag, and that is not an error yet', () => {
    expect(() => load(canary)).not.toThrow();
  });

  it('are checked once the value is read, at the lookup, naming the lookup and never quoting its value', () => {
    const read = values({
      'cfn:net.Cluster': 'shop prod!',
      'cfn:net.Service': 'web',
      'ssm:/web/tag': 'TAG WITH SPACES-hunter',
      'tfstate:aws_lb_listener_rule.web.arn': 'not-an-arn-value',
    });
    const issues = issuesOf(() => load(canary, { lookupValues: read }));
    expect(issues).toEqual([
      expect.stringMatching(/ecsdeploy\.yaml:5:14 services\.web\.cluster: `\$\{cfn:net\.Cluster\}` is not valid: a cluster is a name/),
      expect.stringMatching(
        /ecsdeploy\.yaml:11:13 services\.web\.strategy\.rule: `\$\{tfstate:aws_lb_listener_rule\.web\.arn\}` does not match/,
      ),
    ]);
    expect(issues.join('\n')).not.toMatch(/shop prod!|not-an-arn-value/);
    // the rules after the schema: an image ECS would refuse
    const image = issuesOf(() =>
      load(canary, {
        lookupValues: new Map([
          ...read,
          ...values({
            'cfn:net.Cluster': 'shop',
            'tfstate:aws_lb_listener_rule.web.arn': 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/shop/1/2/3',
          }),
        ]),
      }),
    );
    expect(image).toEqual([expect.stringMatching(/ecsdeploy\.yaml:8:20 services\.web\.images\.web: .*`r\/web:\$\{ssm:\/web\/tag\}`/)]);
    expect(image.join('\n')).not.toContain('TAG WITH SPACES');
  });

  it('a value that fits is used as written, and a plain whole lookup that reads as a number becomes one', () => {
    const m = load(`${HEAD}services:\n  web:\n    cluster: \${cfn:net.Cluster}\n    desiredCount: \${ssm:/web/count}\n    ${TD}\n`, {
      lookupValues: values({ 'cfn:net.Cluster': 'shop-prod', 'ssm:/web/count': '3' }),
    });
    expect(m.services[0]).toMatchObject({ cluster: 'shop-prod', desiredCount: 3 });
    expect(pendingSites(m, m.lookups ?? [])).toEqual([]);
  });

  it('a value Terraform marks sensitive is a secret wherever it lands', () => {
    const m = load(
      `${HEAD}tfstate: { infra: { path: ./s.json } }\nservices:\n  web: { cluster: shop, ${TD}, environment: { web: { DB_URL: "postgres://app@\${tfstate:output.db_host}/app" } } }\n`,
      {
        lookupValues: values({ 'tfstate:output.db_host': { value: 'db-sensitive-host.internal', sensitive: true } }),
      },
    );
    expect(m.services[0]?.sensitive).toContain('DB_URL');
    expect(redactText('connecting to db-sensitive-host.internal failed')).toBe('connecting to (sensitive) failed');
  });
});

describe('where lookups cannot be used', () => {
  it.each([
    ['region: ${ssm:/region}', 'region: \\${ssm:/region}', '2:9 region: the region cannot come from a lookup'],
    ['vars:\n  r: ${ssm:/region}\nregion: ${var:r}', 'vars', '4:9 region: the region cannot come from a lookup'],
    [
      'tfstate: { infra: { path: "./${ssm:/state-file}" } }',
      'tfstate',
      '2:30 tfstate.infra.path: where a Terraform state is cannot come from a lookup',
    ],
  ])('%s', (text, _shown, issue) => {
    const yaml = `version: 1\n${text}\nservices:\n  web: { cluster: shop, ${TD} }\n`;
    expect(issuesOf(() => load(yaml)).join('\n')).toContain(issue);
  });

  it('a task definition file path', () => {
    const issues = issuesOf(() => load(`${HEAD}services:\n  web: { cluster: shop, taskDefinition: "\${ssm:/td-file}" }\n`));
    expect(issues).toEqual([
      expect.stringContaining('4:42 services.web.taskDefinition: a task definition file path cannot come from a lookup'),
    ]);
  });

  it('a key that needs a list or a mapping: a lookup gives one value', () => {
    const issues = issuesOf(() =>
      load(
        `${HEAD}tfstate: { infra: { path: ./s.json } }\nservices:\n  web:\n    cluster: shop\n    ${TD}\n    dependsOn: \${tfstate:output.deps}\n`,
      ),
    );
    expect(issues).toEqual([expect.stringContaining('services.web.dependsOn: a lookup gives one value, and this needs a list')]);
  });

  it('inside the name of another lookup, or through a variable that holds one', () => {
    const issues = issuesOf(() =>
      load(
        `${HEAD}vars: { env: "\${ssm:/env}" }\nservices:\n  web: { cluster: shop, ${TD}, environment: { web: { A: "\${ssm:/\${ssm:/x}}", B: "\${ssm:/\${var:env}/b}" } } }\n`,
      ),
    );
    expect(issues).toEqual([
      expect.stringContaining("services.web.environment.web.A: a lookup cannot be inside another lookup's name"),
      expect.stringContaining(
        'services.web.environment.web.B: the name of a `${ssm:...}` lookup cannot use a variable that holds a lookup',
      ),
    ]);
  });

  it('${tfstate:...} needs a declared state, by name when there are several', () => {
    const svc = (address: string) => `services:\n  web: { cluster: shop, ${TD}, environment: { web: { A: "\${tfstate:${address}}" } } }\n`;
    expect(issuesOf(() => load(`${HEAD}${svc('output.x')}`))).toEqual([
      expect.stringContaining('needs a Terraform state: declare it under tfstate:'),
    ]);
    const two = `${HEAD}tfstate:\n  net: { path: ./a.json }\n  app: { s3: s3://tf-state/app.tfstate }\n`;
    expect(issuesOf(() => load(`${two}${svc('output.x')}`))).toEqual([
      expect.stringContaining('several Terraform states are declared (net, app): name one, as in `${tfstate:net:ADDRESS}`'),
    ]);
    expect(issuesOf(() => load(`${two}${svc('nett:output.x')}`))).toEqual([
      expect.stringContaining('no Terraform state `nett` under tfstate: (did you mean `net`?) (states: net, app)'),
    ]);
    expect(load(`${two}${svc('app:output.x')}`).tfstate?.app).toEqual({
      name: 'app',
      kind: 's3',
      bucket: 'tf-state',
      key: 'app.tfstate',
      url: 's3://tf-state/app.tfstate',
    });
  });
});

describe('which images are pinned', () => {
  const REG = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
  const yaml = `${HEAD}defaults:
  pinImages: true
services:
  web:
    cluster: shop
    taskDefinition: { family: web, containerDefinitions: [{ name: web, image: "nginx:1" }, { name: agent, image: "nginx:1" }, { name: proxy, image: "envoy:1" }] }
    images:
      web: "${REG}/web:1.4.2"
      agent: { image: "public.ecr.aws/datadog/agent:7", pin: false }
  api:
    cluster: shop
    taskDefinition: { family: api, containerDefinitions: [{ name: api, image: "nginx:1" }] }
    images:
      api: { image: "${REG}/api:2", pin: true }
    pinImages: false
`;

  it("pinImages pins what images: sets (an entry's pin wins); a task definition's own images are not pinned", () => {
    const m = load(yaml);
    expect(m.services.find((s) => s.key === 'web')?.pin).toEqual([`${REG}/web:1.4.2`]);
    expect(m.services.find((s) => s.key === 'api')?.pin).toEqual([`${REG}/api:2`]);
  });

  it('an --image override is pinned as the entry it replaces says, or as the service says', () => {
    const m = load(yaml, {
      overrides: { images: [`web=${REG}/web:1.5.0`, `agent=${REG}/agent:8`, `proxy=${REG}/envoy:2`, `${REG}/api:3`] },
    });
    // the repository override reaches no container of web: nothing of it is pinned there
    expect(m.services.find((s) => s.key === 'web')?.pin).toEqual([`${REG}/web:1.5.0`, `${REG}/envoy:2`]);
    // api's pinImages is false: only its own entry (replaced by the repository override) is pinned
    expect(m.services.find((s) => s.key === 'api')?.pin).toEqual([`${REG}/api:2`]);
  });
});
