import { facts, headline, summary, tone } from '../describe';
import { truncate } from '../truncate';
import type { Preset } from './types';

/**
 * A Microsoft Teams Workflows message ("When a Teams webhook request is received"): one Adaptive Card
 * 1.4 attachment with a bold title, the summary and a FactSet. MessageCard does not work on Workflows.
 * Texts are cut to keep the card well under the ~28 KB Teams message size.
 */
export const TEAMS_LIMITS = { text: 2000, fact: 500 };

export const teams: Preset = {
  name: 'teams',
  family: 'chat',
  fields: ['link'],
  render: ({ event, options }) => {
    const L = TEAMS_LIMITS;
    const t = tone(event);
    const body: Record<string, unknown>[] = [
      { type: 'TextBlock', text: truncate(`${headline(event)} · ${event.printer.name}`, L.text), weight: 'Bolder', size: 'Medium', wrap: true, color: t === 'bad' ? 'Attention' : t === 'warn' ? 'Warning' : t === 'good' ? 'Good' : 'Default' },
      { type: 'TextBlock', text: truncate(summary(event), L.text), wrap: true },
    ];
    const list = facts(event).map((f) => ({ title: f.label, value: truncate(f.value, L.fact) }));
    if (list.length > 0) body.push({ type: 'FactSet', facts: list });
    const content: Record<string, unknown> = {
      $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
      type: 'AdaptiveCard',
      version: '1.4',
      body,
    };
    if (options.link) content.actions = [{ type: 'Action.OpenUrl', title: 'Open printer', url: options.link }];
    return {
      body: { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content }] },
      contentType: 'json',
    };
  },
};
