import { strict as assert } from 'assert';
import { parseEndpointLimits } from '../../../src/delivery/endpoint-limits';
import { RateLimiter, type RateRule } from '../../../src/delivery/rate-limiter';
import { requestFromMsg } from '../../../src/delivery/request-from-msg';
import { TARGET_LIMITS, targetOfUrl, type TargetName } from '../../../src/delivery/target-limits';
import { throttleWaitMs } from '../../../src/delivery/throttle-wait';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { enforceLimit } from './limit-receiver';
import { Harness, makeQueue, until } from './queue-harness';
import { tempDir } from './tmp-dir';

/** Starts as many requests as the limiter allows, as early as it allows, over simulated time. */
function pace(limiter: RateLimiter, count: number, start = 1_000_000): number[] {
  const starts: number[] = [];
  let now = start;
  for (let i = 0; i < count; i++) {
    now = limiter.nextAt(now);
    limiter.take(now);
    starts.push(now);
  }
  return starts;
}

function maxInAnyWindow(starts: number[], periodMs: number): number {
  let max = 0;
  for (let i = 0; i < starts.length; i++) {
    let n = 0;
    for (let j = i; j < starts.length && starts[j] < starts[i] + periodMs; j++) n += 1;
    max = Math.max(max, n);
  }
  return max;
}

describe('delivery/rate limits', () => {
  describe('the limiter (simulated time)', () => {
    it('a window rule never lets more than its requests into any period, and goes as soon as it may', () => {
      const starts = pace(new RateLimiter(TARGET_LIMITS.discord.map((r) => ({ ...r }))), 100);
      assert.ok(maxInAnyWindow(starts, 2000) <= 5);
      assert.ok(maxInAnyWindow(starts, 60_000) <= 30);
      // the 6th waits for the window, plus the 50 ms margin for arrival jitter
      assert.deepEqual(starts.slice(0, 6).map((t) => t - starts[0]), [0, 0, 0, 0, 0, 2050]);
      // the 31st waits for the minute window
      assert.ok(starts[30] - starts[0] >= 60_000 && starts[30] - starts[0] <= 60_050 + 2050, String(starts[30] - starts[0]));
    });

    it('a bucket rule (ntfy): a burst of 60 at once, then one every 5 s', () => {
      const starts = pace(new RateLimiter(TARGET_LIMITS.ntfy.map((r) => ({ ...r }))), 63);
      assert.equal(starts[59] - starts[0], 0);
      assert.deepEqual(starts.slice(60).map((t) => t - starts[0]), [5000, 10000, 15000]);
    });

    it('pushover: the monthly quota holds the 10,001st for the rest of the month', () => {
      const starts = pace(new RateLimiter(TARGET_LIMITS.pushover.map((r) => ({ ...r }))), 10_001);
      assert.equal(starts[9999] - starts[0], 0);
      assert.equal(starts[10_000] - starts[0], 30 * 24 * 3600 * 1000 + 50);
    });

    it('a burst below the requests spaces them evenly', () => {
      const starts = pace(new RateLimiter([{ requests: 20, periodMs: 60_000, burst: 1 }]), 4);
      assert.deepEqual(starts.map((t) => t - starts[0]), [0, 3000, 6000, 9000]);
    });

    it('a pause holds every request until it ends, and a shorter pause never shortens it', () => {
      const limiter = new RateLimiter([]);
      limiter.pause(1000, 5000, 'HTTP 429');
      limiter.pause(1000, 100, 'HTTP 429');
      assert.equal(limiter.nextAt(1000), 6000);
      assert.equal(limiter.nextAt(7000), 7000);
      limiter.pause(0, 1e12, 'HTTP 429');
      assert.equal(limiter.pausedUntil, 6 * 3600 * 1000, 'a huge wait is cut to 6 h');
    });
  });

  describe('the wait a 429 names', () => {
    const answer = (headers: Record<string, string>, body = '') => ({ kind: 'response' as const, status: 429, headers, body: Buffer.from(body), durationMs: 1 });
    it('reads Discord\'s float retry_after, Telegram\'s parameters.retry_after, Retry-After seconds, fractions and dates', () => {
      const now = Date.parse('2026-12-02T10:00:00Z');
      assert.equal(throttleWaitMs(answer({ 'retry-after': '1' }, '{"message":"You are being rate limited.","retry_after":0.25,"global":false}'), now), 250);
      assert.equal(throttleWaitMs(answer({}, '{"ok":false,"error_code":429,"parameters":{"retry_after":7}}'), now), 7000);
      assert.equal(throttleWaitMs(answer({ 'retry-after': '3' }), now), 3000);
      assert.equal(throttleWaitMs(answer({ 'retry-after': '1.5' }), now), 1500);
      assert.equal(throttleWaitMs(answer({ 'retry-after': 'Wed, 02 Dec 2026 10:00:09 GMT' }), now), 9000);
    });

    it('names no wait for garbage, negatives, non-JSON bodies or a network error (never throws)', () => {
      const now = 0;
      for (const [headers, body] of [[{ 'retry-after': 'soon' }, ''], [{ 'retry-after': '-5' }, ''], [{}, '{"retry_after":"x"}'], [{}, '{"retry_after":-1}'], [{}, '<html>slow down</html>'], [{}, '{"retry_after":'], [{}, `{"a":${'['.repeat(5000)}`]] as Array<[Record<string, string>, string]>) {
        assert.equal(throttleWaitMs(answer(headers, body), now), undefined, `${JSON.stringify(headers)} ${body.slice(0, 30)}`);
      }
      assert.equal(throttleWaitMs({ kind: 'network', error: 'ECONNRESET', durationMs: 1 }, now), undefined);
    });
  });

  describe('presets', () => {
    it('auto picks the target from the url', () => {
      const cases: Array<[string, TargetName | undefined]> = [
        ['https://discord.com/api/webhooks/1/abc', 'discord'],
        ['https://canary.discord.com/api/webhooks/1/abc', 'discord'],
        ['https://discord.com/channels/1', undefined],
        ['https://hooks.slack.com/services/T/B/x', 'slack'],
        ['https://api.telegram.org/botphsecret.token.aa.bb/sendMessage', 'telegram'],
        ['https://prod-12.westeurope.logic.azure.com/workflows/1', 'teams'],
        ['https://x.webhook.office.com/webhookb2/1', 'teams'],
        ['https://ntfy.sh/my-printer', 'ntfy'],
        ['https://api.pushover.net/1/messages.json', 'pushover'],
        ['http://homeassistant.local:8123/api/webhook/x', undefined],
        ['not a url', undefined],
      ];
      for (const [url, target] of cases) assert.equal(targetOfUrl(url), target, url);
    });

    it('the endpoint fields: auto by default, a named preset, custom, off; bad values name the field', () => {
      assert.equal(parseEndpointLimits({}, 'https://hooks.slack.com/services/T/B/x').limits!.source, 'slack');
      assert.deepEqual(parseEndpointLimits({}, 'http://127.0.0.1/hook').limits!.rules, []);
      assert.equal(parseEndpointLimits({ rateLimit: 'discord' }, 'http://127.0.0.1/hook').limits!.rules.length, 2);
      assert.deepEqual(parseEndpointLimits({ rateLimit: 'custom', rateRequests: '10', ratePeriod: '60', rateBurst: '2' }, '').limits!.rules, [{ requests: 10, periodMs: 60_000, burst: 2 }]);
      assert.deepEqual(parseEndpointLimits({ rateLimit: 'off' }, 'https://discord.com/api/webhooks/1/a').limits!.rules, []);
      const defaults = parseEndpointLimits({}, '').limits!;
      assert.deepEqual([defaults.breakerFailures, defaults.disableAfterMs], [5, 120 * 3600 * 1000]);
      assert.match(parseEndpointLimits({ rateLimit: 'fast' }, '').errors[0], /rateLimit "fast" is not one of auto, discord/);
      assert.match(parseEndpointLimits({ rateLimit: 'custom', rateRequests: '2.5' }, '').errors.join(), /whole numbers/);
      assert.match(parseEndpointLimits({ disableAfter: '-1' }, '').errors[0], /disableAfter/);
    });
  });

  describe('against receivers enforcing each preset\'s limit', function () {
    this.timeout(20000);
    const receivers: FakeReceiver[] = [];
    const harnesses: Harness[] = [];
    let t: ReturnType<typeof tempDir>;
    beforeEach(() => {
      t = tempDir();
    });
    afterEach(async () => {
      for (const h of harnesses.splice(0)) await h.stop();
      for (const rx of receivers.splice(0)) await rx.stop();
      t.cleanup();
    });

    /** Sends `count` msgs in one burst through a queue paced by `rules` to a receiver enforcing them. */
    async function burst(name: string, rules: RateRule[], count: number, tls = false): Promise<{ rejected: number; spanMs: number }> {
      const rx = await new FakeReceiver({ tls }).start();
      receivers.push(rx);
      const enforced = enforceLimit(rx, rules);
      const h = makeQueue({ dir: `${t.dir}/${name}`, url: `${rx.url}/${name}`, concurrency: 8, limiter: new RateLimiter(rules), tlsInsecure: tls });
      harnesses.push(h);
      await Promise.all(Array.from({ length: count }, (_, n) => h.queue.enqueue(requestFromMsg({ payload: { n }, webhook: { id: `${name}_${n}` } }, { allowOverride: false }))));
      await until(() => h.delivered.length === count, 15000, `${name}: all delivered`);
      return { rejected: enforced.rejected, spanMs: enforced.accepted[enforced.accepted.length - 1] - enforced.accepted[0] };
    }

    it('Discord, Slack, Telegram and Teams at their real figures (HTTPS for Discord and Telegram): a burst over the limit is paced, none rejected', async () => {
      const [discord, slack, telegram, teams] = await Promise.all([
        burst('discord', TARGET_LIMITS.discord.map((r) => ({ ...r })), 8, true),
        burst('slack', TARGET_LIMITS.slack.map((r) => ({ ...r })), 3),
        burst('telegram', TARGET_LIMITS.telegram.map((r) => ({ ...r })), 3, true),
        burst('teams', TARGET_LIMITS.teams.map((r) => ({ ...r })), 6),
      ]);
      assert.deepEqual([discord.rejected, slack.rejected, telegram.rejected, teams.rejected], [0, 0, 0, 0]);
      // paced, not just lucky: each took at least the time its limit demands
      assert.ok(discord.spanMs >= 1900, `discord ${discord.spanMs}`);
      assert.ok(slack.spanMs >= 1900, `slack ${slack.spanMs}`);
      assert.ok(telegram.spanMs >= 1900, `telegram ${telegram.spanMs}`);
      assert.ok(teams.spanMs >= 900, `teams ${teams.spanMs}`);
    });

    it('ntfy\'s bucket and Pushover\'s quota, time scaled (ntfy 1/50: refill every 100 ms; Pushover: 10 per 1.5 s)', async () => {
      const ntfy = TARGET_LIMITS.ntfy.map((r) => ({ ...r, periodMs: r.periodMs / 50 }));
      const pushover = [{ requests: 10, periodMs: 1500 }];
      const [a, b] = await Promise.all([burst('ntfy', ntfy, 64), burst('pushover', pushover, 12)]);
      assert.deepEqual([a.rejected, b.rejected], [0, 0]);
      assert.ok(a.spanMs >= 350, `ntfy ${a.spanMs}`);
      assert.ok(b.spanMs >= 1400, `pushover ${b.spanMs}`);
    });

    it('the same burst without a limiter is rejected by the receiver (the check can fail)', async () => {
      const rx = await new FakeReceiver().start();
      receivers.push(rx);
      const enforced = enforceLimit(rx, TARGET_LIMITS.discord.map((r) => ({ ...r })));
      const h = makeQueue({ dir: `${t.dir}/bare`, url: rx.url, concurrency: 8, schedule: [5] });
      harnesses.push(h);
      await Promise.all(Array.from({ length: 8 }, (_, n) => h.queue.enqueue(requestFromMsg({ payload: { n } }, { allowOverride: false }))));
      await rx.waitFor(8);
      assert.equal(enforced.rejected, 3);
    });
  });
});
