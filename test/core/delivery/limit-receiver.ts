import type { RateRule } from '../../../src/delivery/rate-limiter';
import type { FakeReceiver } from '../../fakes/receiver/receiver';

/**
 * Makes a real loopback receiver enforce a target's limit the way the target counts it: each rule with
 * `burst` above `requests` as a token bucket (ntfy), every other as a window of `requests` in any `periodMs`.
 * A request over the limit gets a 429 and is counted in `rejected`. Times are measured at the receiver, so
 * `slackMs` allows for loopback scheduling jitter between the sender's start and the arrival.
 */
export function enforceLimit(rx: FakeReceiver, rules: readonly RateRule[], slackMs = 60): { rejected: number; accepted: number[] } {
  const state = { rejected: 0, accepted: [] as number[] };
  const buckets = rules.map((rule) => ({ rule, tokens: rule.burst ?? rule.requests, at: Date.now() }));
  rx.answer((req) => {
    const now = req.at;
    const over = buckets.some((b) => {
      const { rule } = b;
      if ((rule.burst ?? rule.requests) > rule.requests) {
        const perMs = rule.requests / rule.periodMs;
        b.tokens = Math.min(rule.burst!, b.tokens + (now - b.at) * perMs);
        b.at = now;
        return b.tokens + slackMs * perMs < 1;
      }
      const inWindow = state.accepted.filter((t) => t > now - rule.periodMs + slackMs).length;
      return inWindow >= rule.requests;
    });
    if (over) {
      state.rejected += 1;
      return { status: 429, headers: { 'retry-after': '1' } };
    }
    for (const b of buckets) if ((b.rule.burst ?? b.rule.requests) > b.rule.requests) b.tokens -= 1;
    state.accepted.push(now);
    return { status: 204 };
  });
  return state;
}
