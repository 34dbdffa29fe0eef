import type { EventType } from '../../event';
import { facts, summary, headline } from '../describe';
import { truncate } from '../truncate';
import type { Preset } from './types';

/**
 * Gotify `POST <server>/message` (docs/template.md, "gotify"): title, message as Markdown, priority 0-10
 * and extras (`client::display` contentType text/markdown; `client::notification` click.url from the
 * link option). The application token goes in the `X-Gotify-Key` header; in the msg it is a secret
 * reference like every other preset token. Gotify sets no length limit; the message is cut at 4000
 * characters so a phone still shows it whole.
 */
export const GOTIFY_LIMITS = { title: 250, message: 4000 };

/** Gotify's Android app makes a sound from priority 4 and shows a heads-up from 8. */
const PRIORITY: Partial<Record<EventType, number>> = {
  'print.progress': 2,
  'print.layer': 2,
  'printer.message': 4,
  'printer.material_changed': 3,
  'printer.nozzle_changed': 3,
  'print.done': 6,
  'printer.maintenance_due': 6,
  'print.paused': 6,
  'print.failed': 8,
  'printer.error': 8,
  'printer.attention': 8,
};

/**
 * The Markdown punctuation that can change text inside a line escaped, so a file name such as
 * `part_v2_final.gcode` or `[x](y)` stays as it is. Lines start with our own words, so `#`, `-` and
 * `1.` at a line start cannot come from a value.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|~]/g, (c) => `\\${c}`);
}

export const gotify: Preset = {
  name: 'gotify',
  family: 'push',
  fields: ['link', 'token'],
  requires: ['token'],
  render: ({ event, options, credentials }) => {
    const lines = [escapeMarkdown(summary(event)), '', ...facts(event).map((f) => `- **${escapeMarkdown(f.label)}:** ${escapeMarkdown(f.value)}`)];
    lines.push('', `_${escapeMarkdown(`Printer: ${event.printer.name}`)}_`);
    const extras: Record<string, unknown> = { 'client::display': { contentType: 'text/markdown' } };
    if (options.link) extras['client::notification'] = { click: { url: options.link } };
    const body = {
      title: truncate(`${headline(event)} · ${event.printer.name}`, GOTIFY_LIMITS.title),
      message: truncate(lines.join('\n'), GOTIFY_LIMITS.message),
      priority: PRIORITY[event.type] ?? 4,
      extras,
    };
    const headers = credentials.token ? { 'x-gotify-key': credentials.token } : undefined;
    return { body, contentType: 'json', headers };
  },
};
