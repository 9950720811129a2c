/** The predefined ECS deployment configurations (§2.2): how a deployment shifts production traffic. */
import { SandboxApiError } from '../../errors.js';

export interface TrafficConfig {
  type: 'AllAtOnce' | 'TimeBasedCanary' | 'TimeBasedLinear';
  percentage: number;
  intervalMinutes: number;
}

export const DEPLOYMENT_CONFIGS: Record<string, TrafficConfig> = {
  'CodeDeployDefault.ECSAllAtOnce': { type: 'AllAtOnce', percentage: 100, intervalMinutes: 0 },
  'CodeDeployDefault.ECSLinear10PercentEvery1Minutes': { type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 1 },
  'CodeDeployDefault.ECSLinear10PercentEvery3Minutes': { type: 'TimeBasedLinear', percentage: 10, intervalMinutes: 3 },
  'CodeDeployDefault.ECSCanary10Percent5Minutes': { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 5 },
  'CodeDeployDefault.ECSCanary10Percent15Minutes': { type: 'TimeBasedCanary', percentage: 10, intervalMinutes: 15 },
};

export function trafficConfig(name: string): TrafficConfig {
  const c = DEPLOYMENT_CONFIGS[name];
  if (c) return c;
  throw new SandboxApiError('DeploymentConfigDoesNotExistException', `No deployment configuration found for name: ${name}`);
}
