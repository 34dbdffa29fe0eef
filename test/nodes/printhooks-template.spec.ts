import { strict as assert } from 'node:assert';
import { buildEvent } from '../../src/event';
import { resolveSecretRefs, secretRef } from '../../src/secrets/secret-refs';
import { registerSnapshotProvider } from '../../src/snapshot/registry';
import { helper } from './helper';

const templateNode = require('../../nodes/printhooks-template/printhooks-template');

type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void; status: { lastCall?: { args: unknown[] }; args: unknown[][] } };
const node = (id: string) => helper.getNode(id) as unknown as TestNode;

const event = buildEvent({
  type: 'print.done',
  time: '2026-11-23T18:00:00.000Z',
  printer: { id: 'tpl-printer', name: 'Ender 3', kind: 'octoprint' },
  job: { id: 'j1', file: 'benchy.gcode', progress: 100, elapsed_s: 7980 },
});

function flow(config: Record<string, unknown>) {
  return [
    { id: 'tab', type: 'tab' },
    { id: 't1', z: 'tab', type: 'printhooks-template', version: 1, wires: [['out']], ...config },
    { id: 'out', z: 'tab', type: 'helper' },
    { id: 'c1', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'tab', type: 'helper' },
  ];
}

async function load(config: Record<string, unknown>, credentials: Record<string, unknown> = {}) {
  const catchNode = require(require.resolve('@node-red/nodes/core/common/25-catch.js', { paths: [nodeRedDir()] }));
  await helper.load([templateNode, catchNode], flow(config) as never, { t1: credentials } as never);
}

function nodeRedDir(): string {
  const pkg = process.env.PRINTHOOKS_NODE_RED === '4' ? 'node-red-4/package.json' : 'node-red/package.json';
  return require('node:path').dirname(require.resolve(pkg));
}

function next(id: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => node(id).on('input', (msg: never) => resolve(msg)));
}

function lastStatus(id: string): Record<string, unknown> {
  const calls = node(id).status.args;
  return calls[calls.length - 1][0] as Record<string, unknown>;
}

describe('printhooks-template node', () => {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });

  it('writes payload, headers, method, url and keeps the event at msg.event', async () => {
    await load({ preset: 'custom', body: '{"file":"{{job.file}}","p":"{{job.progress}}","t":"{{msg.topic}}"}', url: 'https://x.test/{{type}}/{{printer.name}}', headers: '{"X-Printer":"{{printer.name}}"}' });
    const out = next('out');
    node('t1').receive({ topic: 'print.done', payload: event });
    const msg = await out;
    assert.deepEqual(msg.payload, { file: 'benchy.gcode', p: 100, t: 'print.done' });
    assert.deepEqual(msg.headers, { 'content-type': 'application/json', 'x-printer': 'Ender 3' });
    assert.equal(msg.method, 'POST');
    assert.equal(msg.url, 'https://x.test/print.done/Ender%203');
    assert.deepEqual(msg.event, event);
    assert.equal(msg.topic, 'print.done');
    assert.deepEqual(lastStatus('t1'), { fill: 'green', shape: 'dot', text: 'print.done' });
  });

  it('renders a preset with secrets from the credentials only', async () => {
    await load({ preset: 'pushover' }, { token: 'app-token', user: 'user-key' });
    const out = next('out');
    node('t1').receive({ payload: event });
    const msg = await out;
    const form = new URLSearchParams(msg.payload as string);
    // the msg carries references that only the PrintHooks sender turns back into the secrets
    assert.equal(form.get('token'), secretRef('t1', 'token', 'app-token'));
    assert.equal(form.get('user'), secretRef('t1', 'user', 'user-key'));
    assert.ok(!JSON.stringify(msg).includes('app-token') && !JSON.stringify(msg).includes('user-key'));
    assert.equal(msg.url, 'https://api.pushover.net/1/messages.json');
    // the running node answers for its references, and stops when it is removed
    const resolved = new URLSearchParams(resolveSecretRefs(msg.payload as string, 'form').value);
    assert.deepEqual([resolved.get('token'), resolved.get('user')], ['app-token', 'user-key']);
    await helper.unload();
    assert.equal(resolveSecretRefs(msg.payload as string, 'form').unresolved[0].reason, 'owner-missing');
  });

  it('puts the real credentials in the msg with the secretsInMsg option', async () => {
    await load({ preset: 'pushover', secretsInMsg: true }, { token: 'app-token', user: 'user-key' });
    const out = next('out');
    node('t1').receive({ payload: event });
    const form = new URLSearchParams((await out).payload as string);
    assert.equal(form.get('token'), 'app-token');
    assert.equal(form.get('user'), 'user-key');
  });

  const badConfigs: [string, Record<string, unknown>, RegExp][] = [
    ['invalid JSON', { body: '{"a":' }, /body: not valid JSON/],
    ['an unknown preset', { preset: 'myspace' }, /preset: unknown preset "myspace"/],
    ['a JSONata syntax error', { mode: 'jsonata', body: '{ "a": payload.' }, /body: JSONata syntax error/],
    ['a preset without its credential', { preset: 'telegram', recipient: '1' }, /token: preset telegram needs the token credential/],
  ];
  for (const [what, config, pattern] of badConfigs) {
    it(`shows a red status at deploy for ${what}, stays deployed and fails msgs clearly`, async () => {
      await load(config);
      const status = lastStatus('t1');
      assert.equal(status.fill, 'red');
      assert.equal(status.shape, 'ring');
      const caught = next('caught');
      node('t1').receive({ payload: event });
      const msg = await caught;
      assert.match(String((msg.error as { message: string }).message), pattern);
    });
  }

  it('sends a msg that cannot be rendered to done(err) naming the placeholder, without throwing', async () => {
    await load({ body: '{"f":"{{job.nothing}}"}', missing: 'fail' });
    const caught = next('caught');
    node('t1').receive({ payload: event });
    const msg = await caught;
    assert.match(String((msg.error as { message: string }).message), /placeholder \{\{job\.nothing\}\} has no value/);
    assert.equal(lastStatus('t1').fill, 'red');
  });

  it('evaluates JSONata with Node-RED\'s own JSONata (async callback form)', async () => {
    await load({ mode: 'jsonata', body: '{"file": payload.job.file, "pct": payload.job.progress & "%", "n": $count($keys(payload.job))}' });
    const out = next('out');
    node('t1').receive({ payload: event });
    const msg = await out;
    assert.deepEqual(msg.payload, { file: 'benchy.gcode', pct: '100%', n: 4 });
    assert.deepEqual(msg.event, event);
  });

  it('reports a JSONata runtime error through done(err)', async () => {
    await load({ mode: 'jsonata', body: '$error("nope")' });
    const caught = next('caught');
    node('t1').receive({ payload: event });
    assert.match(String(((await caught).error as { message: string }).message), /nope/);
  });

  it('attaches the snapshot a source registered, as a multipart file part', async () => {
    const unregister = registerSnapshotProvider('tpl-printer', async () => Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
    try {
      await load({ contentType: 'multipart', body: '{"image":"{{$snapshot}}","file":"{{job.file}}"}' });
      const out = next('out');
      node('t1').receive({ payload: event });
      const msg = await out;
      const bytes = msg.payload as Buffer;
      assert.ok(Buffer.isBuffer(bytes));
      assert.match((msg.headers as Record<string, string>)['content-type'], /^multipart\/form-data; boundary=/);
      assert.ok(bytes.includes(Buffer.from([0xff, 0xd8, 0xff, 0xd9])));
      assert.ok(bytes.includes(Buffer.from('filename="snapshot.jpg"')));
    } finally {
      unregister();
    }
  });

  it('migrates an unversioned config to version 1 defaults', async () => {
    await load({ version: undefined, body: '{"a":"{{type}}"}' });
    const out = next('out');
    node('t1').receive({ payload: event });
    const msg = await out;
    assert.deepEqual(msg.payload, { a: 'print.done' });
    assert.equal(msg.method, 'POST');
  });

  describe('editor preview endpoint', () => {
    it('renders a sample event of the chosen type with placeholders instead of secrets', async () => {
      await load({ body: '{}' }, { token: 'real-secret' });
      const res = await helper.request().post('/printhooks-template/preview').send({ preset: 'telegram', recipient: '42', eventType: 'print.failed' }).expect(200);
      assert.equal(res.body.ok, true);
      assert.equal(res.body.url, 'https://api.telegram.org/botYOUR-TOKEN/sendMessage');
      assert.match(res.body.payload.text, /^Print failed/);
      assert.ok(!JSON.stringify(res.body).includes('real-secret'));
    });

    it('renders custom placeholder and JSONata templates', async () => {
      await load({ body: '{}' });
      const a = await helper.request().post('/printhooks-template/preview').send({ preset: 'custom', body: '{"l":"{{job.layer}}"}', eventType: 'print.layer' }).expect(200);
      assert.deepEqual(a.body.payload, { l: 2 });
      const b = await helper.request().post('/printhooks-template/preview').send({ preset: 'custom', mode: 'jsonata', body: 'payload.type', contentType: 'text', eventType: 'print.paused' }).expect(200);
      assert.equal(b.body.payload, 'print.paused');
    });

    it('never reads the runtime environment or context through JSONata', async () => {
      process.env.PRINTHOOKS_PREVIEW_SECRET = 'env-secret-value';
      try {
        await load({ body: '{}' });
        const env = await helper.request().post('/printhooks-template/preview').send({ preset: 'custom', mode: 'jsonata', body: '{"e": $env("PRINTHOOKS_PREVIEW_SECRET")}' }).expect(200);
        assert.ok(!JSON.stringify(env.body).includes('env-secret-value'));
        const ctx = await helper.request().post('/printhooks-template/preview').send({ preset: 'custom', mode: 'jsonata', body: '{"g": $globalContext("x")}' }).expect(200);
        assert.equal(typeof ctx.body.ok, 'boolean');
      } finally {
        delete process.env.PRINTHOOKS_PREVIEW_SECRET;
      }
    });

    it('answers a clear error for a bad template', async () => {
      await load({ body: '{}' });
      const res = await helper.request().post('/printhooks-template/preview').send({ preset: 'custom', body: '{"a":"{{job.file"}' }).expect(200);
      assert.equal(res.body.ok, false);
      assert.match(res.body.error, /never closed/);
    });
  });
});
