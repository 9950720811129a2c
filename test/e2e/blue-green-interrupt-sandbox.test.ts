/**
 * Ctrl-C during a blue-green deployment, at each stage, end to end with the real CLI on the sandbox: with the
 * default `--on-interrupt rollback` the deployment is stopped with rollback (StopDeployment, autoRollbackEnabled),
 * followed until CodeDeploy put production traffic back on the original task set, read back, and the run exits 130.
 */
import { describe, expect, it } from 'vitest';
import { cli, ofType } from '../_helpers/cli.js';
import {
  blueGreenExample,
  blueGreenWorld,
  deployments,
  ENV,
  greenWeightIn,
  JSON_APPLY,
  LINEAR_WITH_PRODUCTION_GATE,
  lifecycleIn,
  listenerWeights,
  servingRevision,
} from './blue-green-world.js';

type Stage = { name: string; linear?: boolean; when: (op: string, output: unknown) => boolean };

const STAGES: Stage[] = [
  {
    name: 'installing the replacement',
    when: (op, out) => op === 'BatchGetDeploymentTargets' && lifecycleIn(out)?.Install === 'InProgress',
  },
  // The test-traffic gate holds in the ready wait: its first metric read.
  { name: 'the ready wait, while the test-traffic gate holds', when: (op) => op === 'GetMetricData' },
  {
    name: 'the production shift, while the production-traffic gate holds',
    linear: true,
    when: (op, out) => op === 'BatchGetDeploymentTargets' && (greenWeightIn(out) ?? 0) >= 20,
  },
  {
    name: 'the termination wait (production already on green)',
    when: (op, out) => op === 'BatchGetDeploymentTargets' && (greenWeightIn(out) ?? 0) === 100,
  },
];

describe('Ctrl-C during a blue-green deployment', () => {
  it.each(STAGES)('rolls back when interrupted during $name: production on the original task set, exit 130', async (stage) => {
    const cwd = stage.linear ? blueGreenExample({ strategy: LINEAR_WITH_PRODUCTION_GATE }) : undefined;
    const world = blueGreenWorld({ ...(cwd ? { cwd } : {}), scenario: 'healthy-canary.yaml' });
    const ctrlC = new AbortController();
    const { rec, context } = world.record(ctrlC.signal);
    rec.afterCall = (call, output) => {
      if (!ctrlC.signal.aborted && stage.when(call.op, output)) ctrlC.abort();
    };
    const r = await cli(JSON_APPLY, { cwd: world.cwd, env: ENV, context });
    expect(r.code).toBe(130);
    expect(ctrlC.signal.aborted).toBe(true);
    expect(rec.callsOf('StopDeployment')).toEqual([{ deploymentId: expect.stringMatching(/^d-/), autoRollbackEnabled: true }]);
    expect(ofType(r.events, 'codedeploy.stopped')[0]).toMatchObject({ trigger: 'interrupt', trafficRestored: true });
    expect(ofType(r.events, 'service.finished')[0]).toMatchObject({
      outcome: 'interrupted',
      taskDefinitionArn: expect.stringMatching(/orders-api:1$/),
    });
    const prod = await listenerWeights(world.ports, world.strategy, 'prod');
    expect(prod['orders-green'] ?? 0).toBe(0);
    expect(await servingRevision(world.ports)).toBe('orders-api:1');
    expect((await deployments(world.ports, world.strategy))[0]).toMatchObject({ status: 'Stopped' });
  });
});
