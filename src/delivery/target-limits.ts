import type { RateRule } from './rate-limiter';

/**
 * The published limits of the targets PrintHooks has presets for (figures and sources: docs/delivery.md,
 * "Rate limits"). An endpoint's `rateLimit` names one, `auto` picks one from the URL's host, `custom`
 * uses the endpoint's own figures, `off` none.
 */
export const TARGET_LIMITS = {
  /** 5 requests / 2 s per webhook, and 30 / 60 s per channel. */
  discord: [{ requests: 5, periodMs: 2000 }, { requests: 30, periodMs: 60_000 }],
  /** 1 message / s per incoming webhook (short bursts tolerated, not guaranteed). */
  slack: [{ requests: 1, periodMs: 1000 }],
  /** 1 message / s per chat, 20 / min per group. */
  telegram: [{ requests: 1, periodMs: 1000 }, { requests: 20, periodMs: 60_000 }],
  /** Connectors throttle above 4 requests / s. */
  teams: [{ requests: 4, periodMs: 1000 }],
  /** ntfy.sh's visitor bucket: burst 60, one more every 5 s. */
  ntfy: [{ requests: 1, periodMs: 5000, burst: 60 }],
  /** 10,000 messages / month on the free plan (no per-second figure published). */
  pushover: [{ requests: 10_000, periodMs: 30 * 24 * 3600 * 1000 }],
} as const satisfies Record<string, readonly RateRule[]>;

export type TargetName = keyof typeof TARGET_LIMITS;
export const TARGET_NAMES = Object.keys(TARGET_LIMITS) as TargetName[];

/** The target a URL posts to, by its host (and path for Discord), or undefined for any other host. */
export function targetOfUrl(url: string): TargetName | undefined {
  let host: string;
  let pathname: string;
  try {
    const parsed = new URL(url);
    host = parsed.hostname.toLowerCase();
    pathname = parsed.pathname;
  } catch {
    return undefined;
  }
  const under = (domain: string): boolean => host === domain || host.endsWith(`.${domain}`);
  if ((under('discord.com') || under('discordapp.com')) && pathname.startsWith('/api/webhooks/')) return 'discord';
  if (host === 'hooks.slack.com') return 'slack';
  if (host === 'api.telegram.org') return 'telegram';
  if (under('webhook.office.com') || under('powerautomate.com') || under('powerplatform.com') || host === 'flow.microsoft.com' || under('logic.azure.com')) return 'teams';
  if (host === 'ntfy.sh') return 'ntfy';
  if (host === 'api.pushover.net') return 'pushover';
  return undefined;
}
