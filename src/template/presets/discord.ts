import { facts, headline, summary, tone, type Tone } from '../describe';
import { truncate } from '../truncate';
import type { Preset } from './types';

/**
 * One Discord embed coloured by the kind of news. Limits (Discord "Embed Limits"): title 256,
 * description 4096, ≤25 fields (name 256, value 1024), footer 2048, 6000 characters over the embed.
 * `allowed_mentions: {parse: []}` so an "@everyone" in a file name never pings anyone.
 * With the snapshot option the message is multipart: `payload_json` plus the image as `files[0]`,
 * shown in the embed through `attachment://snapshot.jpg` (files up to 10 MiB without a server boost).
 */
export const DISCORD_LIMITS = { title: 256, description: 4096, fields: 25, fieldName: 256, fieldValue: 1024, footer: 2048, total: 6000 };

const COLOURS: Record<Tone, number> = { good: 0x57f287, bad: 0xed4245, warn: 0xfee75c, info: 0x5865f2 };

export const discord: Preset = {
  name: 'discord',
  family: 'chat',
  fields: ['link', 'snapshot'],
  snapshotLimit: 10 * 1024 * 1024,
  render: ({ event, options, snapshot }) => {
    const L = DISCORD_LIMITS;
    const title = truncate(`${headline(event)} · ${event.printer.name}`, L.title);
    const footer = truncate(`PrintHooks · ${event.printer.kind}`, L.footer);
    let budget = L.total - title.length - footer.length;
    const description = truncate(summary(event), Math.min(L.description, Math.max(0, budget)));
    budget -= description.length;
    const fields: { name: string; value: string; inline: boolean }[] = [];
    for (const fact of facts(event).slice(0, L.fields)) {
      const name = truncate(fact.label, L.fieldName);
      const value = truncate(fact.value, Math.min(L.fieldValue, budget - name.length));
      if (value.length === 0) break;
      budget -= name.length + value.length;
      fields.push({ name, value, inline: fact.value.length <= 40 });
    }
    const embed: Record<string, unknown> = { title, description, color: COLOURS[tone(event)], timestamp: event.time };
    if (options.link) embed.url = options.link;
    if (fields.length > 0) embed.fields = fields;
    embed.footer = { text: footer };
    const message = { allowed_mentions: { parse: [] }, embeds: [embed] };
    if (!snapshot) return { body: message, contentType: 'json' };
    embed.image = { url: 'attachment://snapshot.jpg' };
    return { body: { payload_json: message, 'files[0]': snapshot }, contentType: 'multipart' };
  },
};
