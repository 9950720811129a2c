/**
 * An SDK retry strategy that waits on a given clock. The SDK's own strategies wait with real timers, so under the
 * in-process sandbox (whose time is virtual and moves only when someone sleeps on its clock) a throttled rehearsal
 * used to wait seconds of real time per retry while simulated time stood still. This one decides like the SDK's
 * standard mode and waits on the clock instead, so a retry costs simulated time, as it would against AWS.
 *
 * Only in-process sandbox clients use it; clients for AWS (and for `ecsdeploy sandbox` over HTTP, whose clock is
 * real time) keep the SDK's adaptive mode. Left out on purpose: the adaptive mode's client-side rate limiter (it
 * measures its sending rate in real time, which means nothing against a virtual clock) and the retry quota (it
 * protects a shared fleet that a simulated account does not have).
 */
import type { Clock } from '../util/clock.js';

/** What the SDK's retry middleware passes in (`RetryErrorInfo` of `@smithy/types`, structurally). */
interface RetryErrorInfo {
  errorType: 'THROTTLING' | 'TRANSIENT' | 'SERVER_ERROR' | 'CLIENT_ERROR';
}

/** What the middleware reads back (`RetryToken`): it sleeps `getRetryDelay()` itself, so ours is always 0. */
interface ClockRetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/** The SDK's `RetryStrategyV2` shape, which its retry middleware recognises by these three methods. */
export interface ClockRetryStrategy {
  acquireInitialRetryToken(scope: string): Promise<ClockRetryToken>;
  refreshRetryTokenForRetry(token: ClockRetryToken, errorInfo: RetryErrorInfo): Promise<ClockRetryToken>;
  recordSuccess(token: ClockRetryToken): void;
}

/** The SDK's standard-mode backoff (its 2026 retry behaviour): base 50 ms, 1 s after a throttle, at most 20 s. */
const BASE_DELAY_MS = 50;
const THROTTLING_BASE_DELAY_MS = 1000;
const MAX_DELAY_MS = 20_000;

function token(retries: number): ClockRetryToken {
  return { getRetryCount: () => retries, getRetryDelay: () => 0 };
}

/** Exponential backoff with full jitter, as the SDK computes it. */
export function retryDelayMs(retries: number, errorType: RetryErrorInfo['errorType'], random: () => number = Math.random): number {
  const base = errorType === 'THROTTLING' ? THROTTLING_BASE_DELAY_MS : BASE_DELAY_MS;
  return Math.floor(random() * Math.min(base * 2 ** retries, MAX_DELAY_MS));
}

/**
 * Retries throttling and transient errors (5xx, timeouts, resets: the SDK's classification, done by its middleware
 * before it calls us) until `maxAttempts` attempts were made, waiting each backoff on `clock`.
 */
export function createClockRetryStrategy(clock: Clock, maxAttempts: number): ClockRetryStrategy {
  return {
    acquireInitialRetryToken: async () => token(0),
    async refreshRetryTokenForRetry(previous, errorInfo) {
      const retries = previous.getRetryCount();
      const retryable = errorInfo.errorType === 'THROTTLING' || errorInfo.errorType === 'TRANSIENT';
      // The middleware rethrows the call's own error when no token comes back.
      if (!retryable || retries + 1 >= maxAttempts) throw new Error('No retry token available');
      const delay = retryDelayMs(retries, errorInfo.errorType);
      if (delay > 0) await clock.sleep(delay);
      return token(retries + 1);
    },
    recordSuccess: () => {},
  };
}
