import { describe, expect, it } from 'vitest';
import { hasColor, stripAnsi } from '../../src/render/ansi.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { IMAGE_V1, IMAGE_V2, SECRET_VALUES, sensitivePlan } from '../plan/fixtures.js';
import { mixedPlan, unchangedPlan } from './plan-fixtures.js';

describe('renderPlanText', () => {
  it('shows one line per service with its symbol, the changed image diff, blocked reasons and the summary last', () => {
    const text = renderPlanText(mixedPlan(), { color: false });
    const lines = text.split('\n');
    expect(lines[0]).toBe('ecsdeploy plan for ecsdeploy.yaml (environment production, region eu-west-1)');
    expect(lines).toContain('  ~ web (shop/web) new task definition revision · strategy rolling');
    expect(lines).toContain('  = api (shop/shop-api) no change');
    expect(lines).toContain('  ! worker (shop/worker) requires replacement: launchType · strategy rolling');
    expect(lines).toContain('  + jobs (shop/jobs) create · strategy rolling');
    expect(lines).toContain(`      -        "image": "${IMAGE_V1}",`);
    expect(lines).toContain(`      +        "image": "${IMAGE_V2}",`);
    expect(text).toMatch(/ {6}blocked: launchType cannot be changed by UpdateService \(live FARGATE, manifest EC2\)/);
    expect(lines.filter(Boolean).at(-1)).toBe('Plan: 1 to create, 1 to update, 1 unchanged, 1 blocked.');
  });

  it('shows only the changed lines of the updated service and its context', () => {
    const text = renderPlanText(mixedPlan(), { color: false });
    const webBlock = text.slice(text.indexOf('  ~ web'), text.indexOf('  = api'));
    expect(webBlock).toMatchInlineSnapshot(`
      "  ~ web (shop/web) new task definition revision · strategy rolling
            --- live
            +++ desired
            @@ -12,7 +12,7 @@ taskDefinition.containerDefinitions[web]
                   },
                   {
                     "name": "web",
            -        "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop-web:v1",
            +        "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop-web:v2",
                     "cpu": 0,
                     "dockerLabels": {
                       "com.example.tier": "frontend",

      "
    `);
  });

  it('says so plainly when nothing changes', () => {
    const text = renderPlanText(unchangedPlan(), { color: false });
    expect(text).toMatchInlineSnapshot(`
      "ecsdeploy plan for ecsdeploy.yaml (environment production, region eu-west-1)

        = web (shop/web) no change

      No changes. Live state matches the manifest.
      "
    `);
  });

  it('uses ANSI colour only when asked to', () => {
    expect(hasColor(renderPlanText(mixedPlan(), { color: false }))).toBe(false);
    const coloured = renderPlanText(mixedPlan(), { color: true });
    expect(hasColor(coloured)).toBe(true);
    expect(coloured).toContain(`\u001b[31m-        "image": "${IMAGE_V1}",\u001b[39m`);
    expect(coloured).toContain(`\u001b[32m+        "image": "${IMAGE_V2}",\u001b[39m`);
    expect(stripAnsi(coloured)).toBe(renderPlanText(mixedPlan(), { color: false }));
  });

  it('never prints a sensitive value, and marks a changed one', () => {
    const text = renderPlanText(sensitivePlan(), { color: false });
    for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
    expect(text).toContain('"value": "(sensitive)"  (value changed)');
  });

  it('lists the one-off tasks that run before the services when there are changes', () => {
    const lines = renderPlanText(sensitivePlan(), { color: false }).split('\n');
    expect(lines).toContain('  before the services: run migrate (task definition of web)');
    expect(lines.at(-2)).toBe('Plan: 0 to create, 1 to update, 0 unchanged, 0 blocked.');
  });
});
