import type { EventType } from '../../event';
import { epochSeconds, headline, message } from '../describe';
import { truncate } from '../truncate';
import type { Preset } from './types';

/**
 * Pushover messages.json, form-encoded: token and user from the credentials, message ≤1024, title
 * ≤250, url ≤512, priority -1..1 (2 would need retry/expire, so it is never used), timestamp.
 * With the snapshot option the same fields go as multipart with the image as `attachment` (≤ 5 MiB).
 */
export const PUSHOVER_LIMITS = { message: 1024, title: 250, url: 512 };

const PRIORITY: Partial<Record<EventType, number>> = {
  'print.progress': -1,
  'print.layer': -1,
  'print.failed': 1,
  'printer.error': 1,
  'printer.attention': 1,
};

export const pushover: Preset = {
  name: 'pushover',
  family: 'push',
  fields: ['recipient', 'link', 'token', 'user', 'snapshot'],
  defaultUrl: 'https://api.pushover.net/1/messages.json',
  requires: ['token', 'user'],
  snapshotLimit: 5 * 1024 * 1024,
  render: ({ event, options, credentials, snapshot }) => {
    const body: Record<string, unknown> = {
      token: credentials.token,
      user: credentials.user,
      title: truncate(`${headline(event)} · ${event.printer.name}`, PUSHOVER_LIMITS.title),
      message: truncate(message(event), PUSHOVER_LIMITS.message),
      priority: PRIORITY[event.type] ?? 0,
      timestamp: epochSeconds(event.time),
    };
    if (options.recipient) body.device = options.recipient;
    if (options.link && options.link.length <= PUSHOVER_LIMITS.url) body.url = options.link;
    if (snapshot) return { body: { ...body, attachment: snapshot }, contentType: 'multipart' };
    return { body, contentType: 'form' };
  },
};
