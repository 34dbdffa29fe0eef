import type { EventType } from '../../event';
import { headline, message } from '../describe';
import { truncate, truncateUtf8 } from '../truncate';
import type { Preset } from './types';

/**
 * ntfy "publish as JSON" to the server root: topic (the recipient option), title, message, tags
 * (emoji short codes), priority 1-5 and click. A message over ntfy's default 4096-byte limit would be
 * turned into an attachment, so it is cut; an access token from the credentials goes in Authorization.
 */
export const NTFY_LIMITS = { messageBytes: 4096, title: 250 };

const TAGS: Record<EventType, string> = {
  'print.started': 'printer',
  'print.progress': 'hourglass_flowing_sand',
  'print.layer': 'bricks',
  'print.paused': 'pause_button',
  'print.resumed': 'arrow_forward',
  'print.done': 'white_check_mark',
  'print.failed': 'x',
  'print.cancelled': 'no_entry_sign',
  'printer.error': 'warning',
  'printer.attention': 'raising_hand',
  'printer.online': 'green_circle',
  'printer.offline': 'red_circle',
  'printer.bed_cooled': 'snowflake',
  'printer.message': 'speech_balloon',
  'printer.material_changed': 'spool_of_thread',
  'printer.nozzle_changed': 'wrench',
  'printer.maintenance_due': 'hammer_and_wrench',
  test: 'test_tube',
};

const PRIORITY: Partial<Record<EventType, number>> = {
  'print.progress': 2,
  'print.layer': 2,
  'print.done': 4,
  'print.failed': 5,
  'printer.error': 5,
  'printer.attention': 5,
};

export const ntfy: Preset = {
  name: 'ntfy',
  family: 'push',
  fields: ['recipient', 'link', 'token'],
  defaultUrl: 'https://ntfy.sh',
  requires: ['recipient'],
  render: ({ event, options, credentials }) => {
    const body: Record<string, unknown> = {
      topic: options.recipient,
      title: truncate(`${headline(event)} · ${event.printer.name}`, NTFY_LIMITS.title),
      message: truncateUtf8(message(event), NTFY_LIMITS.messageBytes),
      tags: [TAGS[event.type] ?? 'printer'],
      priority: PRIORITY[event.type] ?? 3,
    };
    if (options.link) body.click = options.link;
    const headers = credentials.token ? { authorization: `Bearer ${credentials.token}` } : undefined;
    return { body, contentType: 'json', headers };
  },
};
