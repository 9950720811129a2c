/**
 * Picks the strategy for a service. Blue-green (CodeDeploy) and canary (weighted ALB) share the interface but
 * are not built yet: `unsupportedReason` names them so apply refuses before it touches anything.
 */
import type { StrategyConfig } from '../model/strategy.js';
import { rollingStrategy } from './rolling.js';
import type { DeployStrategy } from './types.js';

export function strategyFor(config: StrategyConfig): DeployStrategy | undefined {
  switch (config.type) {
    case 'rolling':
      return rollingStrategy;
    case 'blue-green':
    case 'canary':
      return undefined;
  }
}

export function unsupportedReason(config: StrategyConfig): string | undefined {
  return strategyFor(config) ? undefined : `the ${config.type} strategy is not available in this version of ecsdeploy yet`;
}
