import { facts, headline, summary } from '../describe';
import { truncate } from '../truncate';
import type { Preset } from './types';

/**
 * Slack Block Kit for an incoming webhook: a header, a section with the summary and up to 10 fact
 * fields, a context line, and `text` as the notification fallback. Limits (Block Kit reference):
 * header text 150, section text 3000, field text 2000, 10 fields. Inserted text is escaped (&, <, >)
 * so a file name cannot become a link or a <!channel> mention.
 */
export const SLACK_LIMITS = { header: 150, section: 3000, field: 2000, fields: 10, fallback: 3000 };

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export const slack: Preset = {
  name: 'slack',
  family: 'chat',
  fields: ['link'],
  render: ({ event, options }) => {
    const L = SLACK_LIMITS;
    const head = truncate(`${headline(event)} · ${event.printer.name}`, L.header);
    const text = truncate(escapeSlack(summary(event)), L.section);
    const blocks: Record<string, unknown>[] = [
      { type: 'header', text: { type: 'plain_text', text: head, emoji: true } },
    ];
    const section: Record<string, unknown> = { type: 'section', text: { type: 'mrkdwn', text } };
    const fields = facts(event)
      .slice(0, L.fields)
      .map((f) => ({ type: 'mrkdwn', text: truncate(`*${f.label}*\n${escapeSlack(f.value)}`, L.field) }));
    if (fields.length > 0) section.fields = fields;
    blocks.push(section);
    const context = options.link ? `<${escapeSlack(options.link)}|Open printer> · ${event.time}` : event.time;
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });
    return { body: { text: truncate(escapeSlack(`${summary(event)} (${event.printer.name})`), L.fallback), blocks }, contentType: 'json' };
  },
};
