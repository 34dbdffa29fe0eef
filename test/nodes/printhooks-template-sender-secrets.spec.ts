import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHmac } from 'node:crypto';
import { buildEvent, type PrinterEvent } from '../../src/event';
import { secretRef } from '../../src/secrets/secret-refs';
import type { Received } from '../fakes/receiver/receiver';
import { helper, nodeRedLine } from './helper';
import { useSenderEnv } from './support/sender-env';

const nodes = [
  require('../../nodes/printhooks-template/printhooks-template'),
  require('../../nodes/printhooks-signer/printhooks-signer'),
  require('../../nodes/printhooks-endpoint/printhooks-endpoint'),
  require('../../nodes/printhooks-sender/printhooks-sender'),
];

const TOKEN = 'azG/DOR+ePK8 gMaC0:QOY&=';
const USER = 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG';
const BOT = '123456:ABC-def_GHI/jkl';

function makeEvent(file = 'benchy.gcode'): PrinterEvent {
  return buildEvent({
    type: 'print.done',
    time: '2026-11-23T18:00:00.000Z',
    printer: { id: 'secret-printer', name: 'Ender 3', kind: 'octoprint' },
    job: { id: 'j1', file, progress: 100, elapsed_s: 60 },
  });
}

/** Every way a secret could be written: raw, URL-, form- and JSON-encoded. */
function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1)];
}

function leaks(text: string, secrets: string[]): string | undefined {
  for (const s of secrets) for (const f of forms(s)) if (text.includes(f)) return f;
  return undefined;
}

/** The raw bytes of every file the sender keeps, as one text. */
function outboxText(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out.push(fs.readFileSync(p).toString('latin1'), fs.readFileSync(p).toString('utf8'));
    }
  };
  walk(dir);
  return out.join('\n');
}

type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void };
const node = (id: string) => helper.getNode(id) as unknown as TestNode;

/** Task: target secrets stay out of msgs and the outbox; the sender puts them in only when it sends. */
describe(`secret references: template -> sender (Node-RED ${nodeRedLine})`, () => {
  const env = useSenderEnv({ secretWaitMs: 20, secretGraceMs: 60_000, statusIntervalMs: 5 });
  beforeEach(() => {
    env.rx.answer(() => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }));
  });

  function flow(template: Record<string, unknown>, order: 'template-first' | 'sender-first' = 'template-first') {
    const t = { id: 't1', z: 'tab', type: 'printhooks-template', version: 1, wires: [['snd', 'tap']], ...template };
    const s = { id: 'snd', z: 'tab', type: 'printhooks-sender', endpoint: 'ep', concurrency: 1, retrySchedule: '0.05', version: 1, wires: [['ok'], ['dead']] };
    return [
      { id: 'tab', type: 'tab' },
      ...(order === 'template-first' ? [t, s] : [s, t]),
      { id: 'ep', type: 'printhooks-endpoint', url: `${env.rx.url}/endpoint`, method: 'POST', timeout: 5, allowOverride: true, version: 1 },
      { id: 'tap', z: 'tab', type: 'helper' },
      { id: 'ok', z: 'tab', type: 'helper' },
      { id: 'dead', z: 'tab', type: 'helper' },
    ];
  }

  const once = (id: string) => new Promise<Record<string, unknown>>((resolve) => node(id).on('input', (m: never) => resolve(m)));

  async function deliver(template: Record<string, unknown>, credentials: Record<string, string>, event = makeEvent()) {
    await helper.load(nodes, flow(template) as never, { t1: credentials } as never);
    const tapped = once('tap');
    const delivered = once('ok');
    const request = env.rx.next();
    node('t1').receive({ topic: event.type, payload: event });
    const [req, tap, ok] = await Promise.all([request, tapped, delivered]);
    return { req, tap, ok };
  }

  function assertNoSecretOutside(req: Received, msgs: unknown[], secrets: string[]): void {
    for (const m of msgs) assert.equal(leaks(JSON.stringify(m), secrets), undefined, 'a msg holds a secret');
    assert.equal(leaks(outboxText(env.outboxDir), secrets), undefined, 'the outbox on disk holds a secret');
    assert.ok(outboxText(env.outboxDir).includes('phsecret.'), 'the outbox keeps the references');
    assert.ok(req.body.length > 0);
  }

  it('pushover: token and user reach the target in the form body, never the msgs or the outbox', async () => {
    const { req, tap, ok } = await deliver({ preset: 'pushover', url: `${env.rx.url}/1/messages.json` }, { token: TOKEN, user: USER });
    assert.equal(req.path, '/1/messages.json');
    const form = new URLSearchParams(req.body.toString());
    assert.equal(form.get('token'), TOKEN);
    assert.equal(form.get('user'), USER);
    assert.equal(form.get('title'), 'Print finished · Ender 3');
    assertNoSecretOutside(req, [tap, ok], [TOKEN, USER]);
  });

  it('telegram: the bot token reaches the target in the URL path, never the msgs or the outbox', async () => {
    const { req, tap, ok } = await deliver({ preset: 'telegram', recipient: '-100123', url: `${env.rx.url}/bot{{$token}}/sendMessage` }, { token: BOT });
    assert.equal(req.path, `/bot${encodeURIComponent(BOT).replace(/%3A/g, ':')}/sendMessage`);
    assert.equal(JSON.parse(req.body.toString()).chat_id, -100123);
    assert.match(String(tap.url), /\/botphsecret\.token\./);
    assertNoSecretOutside(req, [tap, ok], [BOT]);
  });

  it('ntfy: an Authorization header holding only a reference is kept and sent with the token', async () => {
    const { req, tap, ok } = await deliver({ preset: 'ntfy', recipient: 'farm', url: `${env.rx.url}/` }, { token: TOKEN });
    assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
    assertNoSecretOutside(req, [tap, ok], [TOKEN]);
  });

  it('with the signer in between, the signature covers the bytes sent (secret in), not the reference text', async () => {
    const WHSEC = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const withSigner = flow({ preset: 'pushover', url: `${env.rx.url}/1/messages.json` });
    const t1 = withSigner.find((n) => n.id === 't1') as { wires: string[][] };
    t1.wires = [['sig', 'tap']];
    withSigner.push({ id: 'sig', z: 'tab', type: 'printhooks-signer', scheme: 'standard-webhooks', header: '', encoding: 'base64', version: 1, wires: [['snd']] } as never);
    await helper.load(nodes, withSigner as never, { t1: { token: TOKEN, user: USER }, sig: { secrets: WHSEC } } as never);
    const delivered = once('ok');
    const request = env.rx.next();
    const event = makeEvent();
    node('t1').receive({ topic: event.type, payload: event });
    const [req, ok] = await Promise.all([request, delivered]);
    assert.equal(new URLSearchParams(req.body.toString()).get('token'), TOKEN);
    // Standard Webhooks v1 over the exact bytes received (a form body, so no JSON parse)
    const key = Buffer.from(WHSEC.slice('whsec_'.length), 'base64');
    const mac = createHmac('sha256', key).update(`${req.headers['webhook-id']}.${req.headers['webhook-timestamp']}.`).update(req.body).digest('base64');
    assert.equal(req.headers['webhook-signature'], `v1,${mac}`);
    assertNoSecretOutside(req, [ok], [TOKEN, USER]);
  });

  it('after a restart, records wait for the template to register and are then delivered', async () => {
    // 1. the sender alone (the template not running): the msg is accepted but never sent with a reference
    const ref = secretRef('t1', 'token', TOKEN);
    await helper.load(nodes, flow({ preset: 'ifttt' }).filter((n) => n.id !== 't1') as never);
    node('snd').receive({ payload: { value1: 'x' }, url: `${env.rx.url}/trigger/print.done/with/key/${ref}`, event: { id: 'evt_restart', type: 'print.done' } });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(env.rx.received.length, 0);
    await helper.unload();
    // 2. "restart": the sender starts first and reads its outbox, then the template registers
    await helper.load(nodes, flow({ preset: 'ifttt' }, 'sender-first') as never, { t1: { token: TOKEN } } as never);
    const delivered = once('ok');
    const req = await env.rx.next();
    const ok = await delivered;
    assert.equal(req.path, `/trigger/print.done/with/key/${encodeURIComponent(TOKEN).replace(/%3A/g, ':')}`);
    assert.equal(req.headers['webhook-id'], 'evt_restart');
    assertNoSecretOutside(req, [ok], [TOKEN]);
  });

  it('an event value written like a reference is never turned into the secret', async () => {
    const genuine = secretRef('t1', 'token', TOKEN);
    const forged = secretRef('t1', 'token', 'a guess');
    await helper.load(nodes, flow({ preset: 'custom', body: '{"file":"{{job.file}}","note":"{{msg.note}}"}' }) as never, { t1: { token: TOKEN } } as never);
    const dead = once('dead');
    node('t1').receive({ payload: makeEvent(forged), note: genuine.replace(/.$/, (c) => (c === '0' ? '1' : '0')) });
    const msg = await dead;
    assert.equal(env.rx.received.length, 0, 'nothing is sent');
    assert.match(String((msg.delivery as Record<string, unknown>).reason), /secret reference/);
    assert.equal(leaks(JSON.stringify(msg), [TOKEN]), undefined);
    assert.equal(leaks(outboxText(env.outboxDir), [TOKEN]), undefined);
  });
});
