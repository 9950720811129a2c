/**
/**
 * Which strategy deploys a service: rolling, canary (ecsdeploy's ALB canary), blue-green (CodeDeploy), and ECS's
 * own ecs-blue-green, ecs-linear and ecs-canary. A strategy this version does not have is named by
 * `unsupportedReason`, so apply refuses before it touches anything. A new strategy is one more case here.
 */
import type { StrategyConfig } from '../model/strategy.js';
import { albCanaryStrategy } from './alb-canary.js';
import { blueGreenStrategy } from './codedeploy-blue-green.js';
import { ecsNativeStrategies } from './ecs-native.js';
import { rollingStrategy } from './rolling.js';
import type { DeployStrategy } from './types.js';

/** The strategy for a service's strategy settings; undefined when this version has none for them. */
export type StrategyCatalog = (config: StrategyConfig) => DeployStrategy | undefined;

export const builtInStrategies: StrategyCatalog = (config) => {
  switch (config.type) {
    case 'rolling':
      return rollingStrategy;
    case 'canary':
      return albCanaryStrategy;
    case 'blue-green':
      return blueGreenStrategy;
    case 'ecs-blue-green':
    case 'ecs-linear':
    case 'ecs-canary':
      return ecsNativeStrategies[config.type];
  }
};

export function unsupportedReason(config: StrategyConfig, strategies: StrategyCatalog = builtInStrategies): string | undefined {
  return strategies(config) ? undefined : `the ${config.type} strategy is not available in this version of ecsdeploy yet`;
}
