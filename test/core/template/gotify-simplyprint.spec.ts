import assert from 'node:assert/strict';
import { secretRef } from '../../../src/secrets/secret-refs';
import { getPreset, parseTemplateConfig, unthinnedWarning } from '../../../src/template';
import { defaultWebhookId } from '../../../src/template/presets/simplyprint';
import { event, OWNER, render } from './helpers';

describe('template preset gotify', () => {
  it('POST body {title, message (Markdown), priority, extras} with the token as a secret reference in X-Gotify-Key', async () => {
    const done = event();
    const out = await render({ preset: 'gotify', link: 'http://octopi.local' }, { payload: done }, { token: 'A1b2C3d4' });
    assert.deepEqual(out.payload, {
      title: 'Print finished · Ender 3',
      message: [
        'Print finished: benchy.gcode (2h 13m)',
        '',
        '- **File:** benchy.gcode',
        '- **Progress:** 100%',
        '- **Layer:** 140 / 140',
        '- **Elapsed:** 2h 13m',
        '',
        '_Printer: Ender 3_',
      ].join('\n'),
      priority: 6,
      extras: { 'client::display': { contentType: 'text/markdown' }, 'client::notification': { click: { url: 'http://octopi.local' } } },
    });
    assert.equal(out.headers['x-gotify-key'], secretRef(OWNER, 'token', 'A1b2C3d4'));
    assert.ok(!JSON.stringify(out).includes('A1b2C3d4'));
    assert.equal(out.headers['content-type'], 'application/json');
    assert.equal(out.url, undefined, 'Gotify is self-hosted: the endpoint (or the URL field) names the server');
  });

  it('escapes Markdown in inserted text, leaves out the click without a link, and needs the token at deploy', async () => {
    const out = await render({ preset: 'gotify' }, { payload: event({ type: 'print.failed', job: { id: 'j', file: 'part_v2_*final*.gcode' }, error: { message: 'x' } }) }, { token: 't' });
    const body = out.payload as { message: string; extras: Record<string, unknown>; priority: number };
    assert.ok(body.message.includes('part\\_v2\\_\\*final\\*.gcode'), body.message);
    assert.equal(body.extras['client::notification'], undefined);
    assert.equal(body.priority, 8);
    assert.throws(() => parseTemplateConfig({ preset: 'gotify' }, {}), /^TemplateConfigError: token: preset gotify needs the token credential/);
  });
});

describe('template preset simplyprint: webhook_id', () => {
  it('is always an integer: a stable number from the printer id when Identifier is empty', async () => {
    const a = (await render({ preset: 'simplyprint' }, { payload: event() })).payload as { webhook_id: unknown };
    const again = (await render({ preset: 'simplyprint' }, { payload: event({ type: 'print.started' }) })).payload as { webhook_id: unknown };
    const other = (await render({ preset: 'simplyprint' }, { payload: event({ printer: { id: 'p2', name: 'Prusa', kind: 'prusalink' } }) })).payload as { webhook_id: unknown };
    assert.ok(Number.isSafeInteger(a.webhook_id) && (a.webhook_id as number) > 0 && (a.webhook_id as number) < 2 ** 31, String(a.webhook_id));
    assert.equal(a.webhook_id, again.webhook_id);
    assert.equal(a.webhook_id, defaultWebhookId('p1'));
    assert.notEqual(a.webhook_id, other.webhook_id);
  });

  it('the Identifier overrides it; one that is not a positive integer is refused at deploy, naming the field', async () => {
    const set = (await render({ preset: 'simplyprint', identifier: '1234' }, { payload: event() })).payload as { webhook_id: unknown };
    assert.equal(set.webhook_id, 1234);
    for (const bad of ['abc', '12.5', '-3', '0', '99999999999999999999']) {
      assert.throws(() => parseTemplateConfig({ preset: 'simplyprint', identifier: bad }), /^TemplateConfigError: identifier: SimplyPrint's webhook_id is a positive integer/, bad);
    }
    // octoprint-webhooks reads the same field as text
    assert.doesNotThrow(() => parseTemplateConfig({ preset: 'octoprint-webhooks', identifier: 'my printer' }));
  });
});

describe('template: progress that no filter thinned (issue 15)', () => {
  const discord = getPreset('discord');
  it('chat and push presets name the fix for unthinned progress and layers', () => {
    assert.equal(unthinnedWarning(discord, {}, 'print.progress'), 'progress unthinned: set milestones on the filter');
    assert.equal(unthinnedWarning(getPreset('ntfy'), { thinned: false }, 'print.progress'), 'progress unthinned: set milestones on the filter');
    assert.equal(unthinnedWarning(getPreset('gotify'), {}, 'print.layer'), 'layers unthinned: set a time step on the filter');
  });
  it('says nothing once a filter marked the msg, for other types, or for machine-facing presets', () => {
    assert.equal(unthinnedWarning(discord, { thinned: true }, 'print.progress'), undefined);
    assert.equal(unthinnedWarning(discord, {}, 'print.done'), undefined);
    assert.equal(unthinnedWarning(getPreset('canonical'), {}, 'print.progress'), undefined);
    assert.equal(unthinnedWarning(getPreset('home-assistant'), {}, 'print.layer'), undefined);
    assert.equal(unthinnedWarning(undefined, {}, 'print.progress'), undefined);
  });
});

describe('template: a {{$token}} / {{$user}} the node uses needs its credential at deploy', () => {
  it('names the credential and where it is used; with the credential it deploys', () => {
    const url = 'https://discord.com/api/webhooks/123/{{$token}}';
    assert.throws(() => parseTemplateConfig({ preset: 'discord', url }, {}), /^TemplateConfigError: token: the URL uses \{\{\$token\}\}: enter the Token credential$/);
    assert.throws(() => parseTemplateConfig({ preset: 'custom', body: '{"key": "{{$user}}"}' }, { token: 't' }), /^TemplateConfigError: user: the body uses \{\{\$user\}\}: enter the User key credential$/);
    assert.throws(() => parseTemplateConfig({ preset: 'custom', body: '{}', headers: '{"X-Key": "{{$token}}"}' }, {}), /^TemplateConfigError: token: the headers use \{\{\$token\}\}: enter the Token credential$/);
    assert.doesNotThrow(() => parseTemplateConfig({ preset: 'discord', url }, { token: 'abc' }));
    assert.doesNotThrow(() => parseTemplateConfig({ preset: 'discord' }, {}));
  });
});
