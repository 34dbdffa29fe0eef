import assert from 'node:assert/strict';
import { DISCORD_LIMITS } from '../../../src/template/presets/discord';
import { truncate, truncateUtf8 } from '../../../src/template/truncate';
import { event, render } from './helpers';

const huge = '🧊'.repeat(3000) + 'x'.repeat(10000); // astral characters, then plain ones
const long = event({
  type: 'print.failed',
  printer: { id: 'p', name: 'N'.repeat(400), kind: 'bambu' },
  job: { id: 'j', file: `${huge}.gcode`, progress: 12 },
  error: { code: 'E'.repeat(300), message: huge },
  reason: 'r'.repeat(5000),
});

function endsWithEllipsis(text: string): boolean {
  return text.endsWith('…');
}

describe('template presets stay within their targets\' length limits', () => {
  it('truncate never splits a surrogate pair and marks the cut', () => {
    assert.equal(truncate('abc', 3), 'abc');
    assert.equal(truncate('abcd', 3), 'ab…');
    assert.equal(truncate('a🧊b', 3), 'a…');
    assert.equal(truncate('🧊🧊🧊', 4), '🧊…');
    const cut = truncateUtf8('é'.repeat(3000), 4096);
    assert.ok(Buffer.byteLength(cut) <= 4096 && endsWithEllipsis(cut));
  });

  it('discord: every embed field within its limit and the embed within 6000 characters', async () => {
    const out = await render({ preset: 'discord' }, { payload: long });
    const embed = (out.payload as { embeds: Record<string, unknown>[] }).embeds[0] as {
      title: string; description: string; fields: { name: string; value: string }[]; footer: { text: string };
    };
    assert.ok(embed.title.length <= DISCORD_LIMITS.title && endsWithEllipsis(embed.title));
    assert.ok(embed.description.length <= DISCORD_LIMITS.description && endsWithEllipsis(embed.description));
    assert.ok(embed.fields.length <= DISCORD_LIMITS.fields);
    for (const f of embed.fields) assert.ok(f.name.length <= 256 && f.value.length <= 1024 && f.value.length > 0);
    const total = embed.title.length + embed.description.length + embed.footer.text.length + embed.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
    assert.ok(total <= DISCORD_LIMITS.total, `total ${total}`);
  });

  it('slack: header ≤150, section ≤3000, fields ≤2000', async () => {
    const out = await render({ preset: 'slack' }, { payload: long });
    const blocks = (out.payload as { blocks: Record<string, { text: string }>[]; text: string }).blocks as unknown as {
      text?: { text: string }; fields?: { text: string }[];
    }[];
    assert.ok(blocks[0].text!.text.length <= 150);
    assert.ok(blocks[1].text!.text.length <= 3000 && endsWithEllipsis(blocks[1].text!.text));
    for (const f of blocks[1].fields!) assert.ok(f.text.length <= 2000);
  });

  it('telegram text ≤4096, pushover message ≤1024 and title ≤250, ntfy message ≤4096 bytes', async () => {
    const tg = await render({ preset: 'telegram', recipient: '1' }, { payload: long }, { token: 't' });
    const text = (tg.payload as { text: string }).text;
    assert.ok(text.length <= 4096 && endsWithEllipsis(text));
    const po = await render({ preset: 'pushover' }, { payload: long }, { token: 't', user: 'u' });
    const params = new URLSearchParams(po.payload as string);
    assert.ok(params.get('message')!.length <= 1024 && endsWithEllipsis(params.get('message')!));
    assert.ok(params.get('title')!.length <= 250);
    const nt = await render({ preset: 'ntfy', recipient: 'topic' }, { payload: long });
    assert.ok(Buffer.byteLength((nt.payload as { message: string }).message) <= 4096);
  });

  it('pushover leaves out a link longer than 512 characters rather than being refused', async () => {
    const po = await render({ preset: 'pushover', link: `http://x/${'a'.repeat(600)}` }, { payload: long }, { token: 't', user: 'u' });
    assert.equal(new URLSearchParams(po.payload as string).get('url'), null);
  });
});
