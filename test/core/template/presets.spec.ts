import assert from 'node:assert/strict';
import { EVENT_TYPES } from '../../../src/event';
import { PRESET_NAMES } from '../../../src/template';
import { secretRef } from '../../../src/secrets/secret-refs';
import { event, OWNER, render, TIME } from './helpers';

/**
 * Golden bodies, written by hand from each target's documented request shape (docs/template.md,
 * "Presets"), for one finished print of benchy.gcode on "Ender 3".
 */
const done = event();
const T = 1795456800; // TIME in Unix seconds
const creds = { token: 'tok-123', user: 'user-456' };
/** By default the msg carries references to the credentials, never the credentials themselves. */
const TOKEN_REF = secretRef(OWNER, 'token', 'tok-123');
const USER_REF = secretRef(OWNER, 'user', 'user-456');
const opts = { recipient: '123456789', link: 'http://octopi.local', identifier: '42' };

async function preset(name: string, ev = done, options: Record<string, string> = opts) {
  return render({ preset: name, ...options }, { payload: ev, topic: ev.type }, creds);
}

describe('template presets: golden bodies', () => {
  it('canonical: the event as it is', async () => {
    const out = await preset('canonical');
    assert.deepEqual(out.payload, done);
    assert.equal(out.headers['content-type'], 'application/json');
  });

  it('standard-webhooks: {type, timestamp (ISO 8601), data}', async () => {
    const out = await preset('standard-webhooks');
    assert.deepEqual(out.payload, { type: 'print.done', timestamp: TIME, data: done });
  });

  it('octoprint-webhooks: the plugin body keys with OctoPrint-shaped state/job/progress', async () => {
    const out = await preset('octoprint-webhooks');
    assert.deepEqual(out.payload, {
      deviceIdentifier: '42',
      apiSecret: TOKEN_REF,
      topic: 'Print Done',
      message: 'Print finished: benchy.gcode (2h 13m)',
      extra: { event: 'print.done', id: done.id, printer: 'Ender 3' },
      state: { text: 'Operational', flags: { operational: true, printing: false, paused: false, error: false, closedOrError: false, ready: true } },
      job: { file: { name: 'benchy.gcode', path: 'benchy.gcode', origin: 'local' }, estimatedPrintTime: 7980 },
      progress: { completion: 100, printTime: 7980, printTimeLeft: 0 },
      currentTime: T,
    });
  });

  it('octoprint-webhooks: progress carries percentCompleteMilestone; a cancel is not "Print Failed"', async () => {
    const progress = await preset('octoprint-webhooks', event({ type: 'print.progress', job: { id: 'j1', file: 'benchy.gcode', progress: 50.4 } }));
    assert.equal((progress.payload as Record<string, unknown>).topic, 'Print Progress');
    assert.equal((progress.payload as Record<string, unknown>).percentCompleteMilestone, 50);
    const cancelled = await preset('octoprint-webhooks', event({ type: 'print.cancelled' }));
    assert.equal((cancelled.payload as Record<string, unknown>).topic, 'Print Cancelled');
    const online = await preset('octoprint-webhooks', event({ type: 'printer.online', job: undefined }));
    assert.equal((online.payload as Record<string, unknown>).topic, 'Custom Event');
    assert.equal(((online.payload as Record<string, Record<string, unknown>>).extra).event, 'printer.online');
  });

  it('octoeverywhere: PascalCase keys and its EventType integers', async () => {
    const out = await preset('octoeverywhere');
    assert.deepEqual(out.payload, {
      PrinterId: 'p1',
      SecretKey: TOKEN_REF,
      PrintId: 'j1',
      EventType: 2,
      PrinterName: 'Ender 3',
      FileName: 'benchy.gcode',
      DurationSec: 7980,
      Progress: 100,
      TimeRemainingSec: 0,
      CurrentLayer: 140,
      TotalLayers: 140,
      PrintHooksType: 'print.done',
    });
  });

  it('octoeverywhere: event type mapping, layers 2 and 4 as first/third layer done', async () => {
    const cases: [Parameters<typeof event>[0], number][] = [
      [{ type: 'print.started' }, 1],
      [{ type: 'print.failed', error: { message: 'x', code: '33' } }, 3],
      [{ type: 'print.cancelled' }, 3],
      [{ type: 'print.paused' }, 4],
      [{ type: 'print.resumed' }, 5],
      [{ type: 'print.progress' }, 6],
      [{ type: 'printer.error', error: { message: 'x' } }, 9],
      [{ type: 'print.layer', job: { id: 'j', layer: 2 } }, 10],
      [{ type: 'print.layer', job: { id: 'j', layer: 4 } }, 14],
      [{ type: 'print.layer', job: { id: 'j', layer: 7 } }, 6],
      [{ type: 'printer.attention', reason: 'filament_runout' }, 11],
      [{ type: 'printer.attention', reason: 'm0_prompt' }, 12],
      [{ type: 'printer.bed_cooled' }, 15],
      [{ type: 'test' }, 16],
    ];
    for (const [parts, expected] of cases) {
      const out = await preset('octoeverywhere', event(parts));
      assert.equal((out.payload as Record<string, unknown>).EventType, expected, JSON.stringify(parts));
    }
    const failed = await preset('octoeverywhere', event({ type: 'print.failed', error: { message: 'Thermal runaway', code: '33' } }));
    assert.equal((failed.payload as Record<string, unknown>).Error, 'Thermal runaway');
    assert.equal((failed.payload as Record<string, unknown>).PlatformErrorCode, '33');
    await assert.rejects(preset('octoeverywhere', event({ type: 'printer.offline' })), /no event type for printer\.offline; filter it out/);
  });

  it('simplyprint: {webhook_id, event, timestamp (Unix s), data: {job}}', async () => {
    const out = await preset('simplyprint');
    assert.deepEqual(out.payload, {
      webhook_id: 42,
      event: 'job.done',
      timestamp: T,
      data: {
        job: {
          id: 'j1', uid: 'j1', state: 'done', file: 'benchy.gcode', percentage: 100, time_left: 0, current_layer: 140,
          analysis: { totalLayers: 140 }, started: 1795448820, ended: T, duration: 7980, printer_id: 'p1', printer: { id: 'p1', name: 'Ender 3' },
        },
      },
    });
    const cancelled = await preset('simplyprint', event({ type: 'print.cancelled' }));
    assert.equal((cancelled.payload as Record<string, unknown>).event, 'job.cancelled');
    await assert.rejects(preset('simplyprint', event({ type: 'print.progress' })), /SimplyPrint has no event for print\.progress/);
  });

  it('discord: one embed coloured by outcome, mentions disabled', async () => {
    const out = await preset('discord');
    assert.deepEqual(out.payload, {
      allowed_mentions: { parse: [] },
      embeds: [
        {
          title: 'Print finished · Ender 3',
          description: 'Print finished: benchy.gcode (2h 13m)',
          color: 0x57f287,
          timestamp: TIME,
          url: 'http://octopi.local',
          fields: [
            { name: 'File', value: 'benchy.gcode', inline: true },
            { name: 'Progress', value: '100%', inline: true },
            { name: 'Layer', value: '140 / 140', inline: true },
            { name: 'Elapsed', value: '2h 13m', inline: true },
          ],
          footer: { text: 'PrintHooks · octoprint' },
        },
      ],
    });
    const failed = await preset('discord', event({ type: 'print.failed' }));
    assert.equal((failed.payload as { embeds: { color: number }[] }).embeds[0].color, 0xed4245);
  });

  it('slack: Block Kit with header, section fields, context and a fallback text', async () => {
    const out = await preset('slack');
    assert.deepEqual(out.payload, {
      text: 'Print finished: benchy.gcode (2h 13m) (Ender 3)',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Print finished · Ender 3', emoji: true } },
        {
          type: 'section',
          text: { type: 'mrkdwn', text: 'Print finished: benchy.gcode (2h 13m)' },
          fields: [
            { type: 'mrkdwn', text: '*File*\nbenchy.gcode' },
            { type: 'mrkdwn', text: '*Progress*\n100%' },
            { type: 'mrkdwn', text: '*Layer*\n140 / 140' },
            { type: 'mrkdwn', text: '*Elapsed*\n2h 13m' },
          ],
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: `<http://octopi.local|Open printer> · ${TIME}` }] },
      ],
    });
  });

  it('slack: a file name cannot mention the channel or inject a link', async () => {
    const out = await preset('slack', event({ job: { id: 'j', file: '<!channel> & <http://evil|x>.gcode' } }));
    const text = JSON.stringify(out.payload);
    assert.ok(!text.includes('<!channel>'));
    assert.ok(text.includes('&lt;!channel&gt; &amp; &lt;http://evil|x&gt;.gcode'));
  });

  it('teams: a Workflows message with one Adaptive Card 1.4', async () => {
    const out = await preset('teams');
    assert.deepEqual(out.payload, {
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          contentUrl: null,
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: 'Print finished · Ender 3', weight: 'Bolder', size: 'Medium', wrap: true, color: 'Good' },
              { type: 'TextBlock', text: 'Print finished: benchy.gcode (2h 13m)', wrap: true },
              { type: 'FactSet', facts: [
                { title: 'File', value: 'benchy.gcode' },
                { title: 'Progress', value: '100%' },
                { title: 'Layer', value: '140 / 140' },
                { title: 'Elapsed', value: '2h 13m' },
              ] },
            ],
            actions: [{ type: 'Action.OpenUrl', title: 'Open printer', url: 'http://octopi.local' }],
          },
        },
      ],
    });
  });

  it('ntfy: JSON publish to the server root with topic, title, tags, priority, click and a bearer token', async () => {
    const out = await preset('ntfy', done, { recipient: 'my-printer-8f3c', link: 'http://octopi.local' });
    assert.equal(out.url, 'https://ntfy.sh');
    assert.equal(out.headers.authorization, `Bearer ${TOKEN_REF}`);
    assert.deepEqual(out.payload, {
      topic: 'my-printer-8f3c',
      title: 'Print finished · Ender 3',
      message: 'Print finished: benchy.gcode (2h 13m)\nPrinter: Ender 3',
      tags: ['white_check_mark'],
      priority: 4,
      click: 'http://octopi.local',
    });
  });

  it('telegram: sendMessage with the bot token from the credentials in the URL', async () => {
    const out = await render({ preset: 'telegram', recipient: '-100123' }, { payload: done }, { token: '123456:ABC-def' });
    assert.equal(out.url, `https://api.telegram.org/bot${secretRef(OWNER, 'token', '123456:ABC-def')}/sendMessage`);
    assert.deepEqual(out.payload, {
      chat_id: -100123,
      text: 'Print finished: benchy.gcode (2h 13m)\nPrinter: Ender 3',
      disable_notification: false,
    });
    const channel = await render({ preset: 'telegram', recipient: '@printfarm' }, { payload: event({ type: 'print.progress' }) }, { token: 't' });
    assert.equal((channel.payload as Record<string, unknown>).chat_id, '@printfarm');
    assert.equal((channel.payload as Record<string, unknown>).disable_notification, true);
  });

  it('pushover: form-encoded messages.json with token and user from the credentials', async () => {
    const out = await preset('pushover', done, { link: 'http://octopi.local' });
    assert.equal(out.url, 'https://api.pushover.net/1/messages.json');
    assert.equal(out.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual(Object.fromEntries(new URLSearchParams(out.payload as string)), {
      token: TOKEN_REF,
      user: USER_REF,
      title: 'Print finished · Ender 3',
      message: 'Print finished: benchy.gcode (2h 13m)\nPrinter: Ender 3',
      priority: '0',
      timestamp: String(T),
      url: 'http://octopi.local',
    });
  });

  it('home-assistant: a flat webhook-trigger body', async () => {
    const out = await preset('home-assistant');
    assert.deepEqual(out.payload, {
      event: 'print.done', id: done.id, time: TIME, printer: 'Ender 3', printer_id: 'p1', printer_kind: 'octoprint', file: 'benchy.gcode',
      progress: 100, layer: 140, layers: 140, elapsed_s: 7980, remaining_s: 0, message: 'Print finished: benchy.gcode (2h 13m)',
    });
    assert.equal(out.url, undefined);
  });

  it('ifttt: value1..value3 and the event type in an encoded URL', async () => {
    const out = await preset('ifttt');
    assert.equal(out.url, `https://maker.ifttt.com/trigger/print.done/with/key/${TOKEN_REF}`);
    assert.deepEqual(out.payload, { value1: 'Ender 3', value2: 'Print finished: benchy.gcode (2h 13m)', value3: 'print.done' });
  });

  it('with the secretsInMsg option every secret-bearing preset carries the real credentials instead', async () => {
    const real = async (name: string, options: Record<string, unknown> = opts) => render({ preset: name, ...options, secretsInMsg: true }, { payload: done }, creds);
    assert.equal((await real('ntfy')).headers.authorization, 'Bearer tok-123');
    assert.equal((await real('ifttt')).url, 'https://maker.ifttt.com/trigger/print.done/with/key/tok-123');
    assert.equal((await real('octoprint-webhooks')).payload && ((await real('octoprint-webhooks')).payload as Record<string, unknown>).apiSecret, 'tok-123');
    assert.equal(((await real('octoeverywhere')).payload as Record<string, unknown>).SecretKey, 'tok-123');
    const push = new URLSearchParams((await real('pushover')).payload as string);
    assert.deepEqual([push.get('token'), push.get('user')], ['tok-123', 'user-456']);
    const tg = await render({ preset: 'telegram', recipient: '1', secretsInMsg: 'true' }, { payload: done }, { token: '123456:ABC-def' });
    assert.equal(tg.url, 'https://api.telegram.org/bot123456:ABC-def/sendMessage');
  });

  it('no preset output holds a credential by default, in body, URL or headers', async () => {
    for (const name of PRESET_NAMES.filter((n) => n !== 'custom')) {
      let out;
      try {
        out = await render({ preset: name, ...opts }, { payload: event({ type: 'test' }) }, creds);
      } catch {
        continue;
      }
      const text = JSON.stringify({ ...out, payload: Buffer.isBuffer(out.payload) ? out.payload.toString('latin1') : out.payload });
      assert.ok(!text.includes('tok-123') && !text.includes('user-456'), name);
    }
  });

  it('every preset renders every event type it can express, or fails with a clear message', async () => {
    for (const name of PRESET_NAMES.filter((n) => n !== 'custom')) {
      for (const type of EVENT_TYPES) {
        const ev = event({ type, error: type.includes('error') || type === 'print.failed' ? { message: 'boom' } : undefined });
        try {
          const out = await preset(name, ev);
          assert.ok(out.payload !== undefined);
        } catch (err) {
          assert.match((err as Error).message, /^preset (octoeverywhere|simplyprint): .* filter it out before this node$/, `${name} ${type}`);
        }
      }
    }
  });

  it('a preset refuses a msg whose payload is not an event, naming msg.payload', async () => {
    await assert.rejects(render({ preset: 'discord' }, { payload: 'hello' }), (err: Error) => /^msg\.payload: preset discord needs a PrintHooks event/.test(err.message));
  });
});
