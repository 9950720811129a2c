import { describe, expect, it } from 'vitest';
import { circuitBreakerThreshold, describeFailureDetection } from '../../src/strategies/circuit-breaker.js';

describe('circuit breaker threshold', () => {
  it.each([
    // default BOUNDED_PERCENT 50, clamped to [3, 200]
    [undefined, 2, 3],
    [undefined, 25, 13],
    [undefined, 1000, 200],
    [{ type: 'UNBOUNDED_PERCENT' as const, value: 50 }, 2, 1],
    [{ type: 'UNBOUNDED_PERCENT' as const, value: 50 }, 1000, 500],
    [{ type: 'COUNT' as const, value: 7 }, 2, 7],
  ])('with %j and desired %i, trips after %i failed tasks', (thresholdConfiguration, desired, expected) => {
    expect(
      circuitBreakerThreshold({ enable: true, rollback: true, ...(thresholdConfiguration ? { thresholdConfiguration } : {}) }, desired),
    ).toBe(expected);
  });

  it('is off when the breaker is disabled', () => {
    expect(circuitBreakerThreshold({ enable: false, rollback: false }, 10)).toBeUndefined();
  });

  it('describes what ECS will do on failure, alarms included', () => {
    expect(
      describeFailureDetection({
        desiredCount: 4,
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: true, rollback: true },
          alarms: { enable: true, rollback: true, alarmNames: ['web-5xx'] },
        },
      }),
    ).toBe('circuit breaker: ECS rolls back after 3 failed tasks; alarms: web-5xx (roll back on ALARM)');
    expect(describeFailureDetection({ desiredCount: 4, deploymentConfiguration: {} })).toBeUndefined();
  });
});
