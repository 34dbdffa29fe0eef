import assert from 'node:assert/strict';
import { RenderError } from '../../../src/template';
import { registerSecretOwner, resolveSecretRefs, secretRef } from '../../../src/secrets/secret-refs';
import { body, event, OWNER, render } from './helpers';

describe('template rendering (custom placeholders)', () => {
  const ev = event({ raw: { hms: [{ code: '0300_400C', attr: 1 }] } });

  it('keeps the JSON type of a value that is only a placeholder', async () => {
    const out = await body({ job: '{{job}}', progress: '{{job.progress}}', when: '{{time}}', codes: '{{raw.hms}}' }, ev);
    assert.deepEqual(out, { job: ev.job, progress: 100, when: ev.time, codes: [{ code: '0300_400C', attr: 1 }] });
  });

  it('inserts values inside text as text, objects as JSON', async () => {
    const out = await body({ a: 'file {{job.file}} at {{job.progress}}% ok={{flag}} {{raw.hms.0}}' }, { ...ev, flag: true });
    assert.deepEqual(out, { a: 'file benchy.gcode at 100% ok=true {"code":"0300_400C","attr":1}' });
  });

  it('reads list indexes and reaches the msg through msg.*', async () => {
    const out = await render({ body: '{"code":"{{raw.hms.0.code}}","topic":"{{msg.topic}}","n":"{{msg.n}}"}' }, { payload: ev, topic: 'print.done', n: 3 });
    assert.deepEqual(out.payload, { code: '0300_400C', topic: 'print.done', n: 3 });
  });

  it('drops a key, or list item, whose value is missing and gives empty text inside text', async () => {
    const out = await body({ a: '{{nope}}', b: 'x{{nope}}y', c: ['{{nope}}', 1], d: '{{job.nope.deeper}}' }, ev);
    assert.deepEqual(out, { b: 'xy', c: [1] });
  });

  it('uses the default for a missing or null value', async () => {
    const out = await body({ a: '{{nope|0}}', b: 'layer {{nope|unknown}}', c: '{{nil|"n/a"}}' }, { ...ev, nil: null });
    assert.deepEqual(out, { a: 0, b: 'layer unknown', c: 'n/a' });
  });

  it('fails naming the placeholder when missing values are set to fail', async () => {
    await assert.rejects(body({ a: '{{job.nope}}' }, ev, { missing: 'fail' }), (err: unknown) => err instanceof RenderError && /\{\{job\.nope\}\}/.test(err.message));
    // a default still satisfies the fail policy
    assert.deepEqual(await body({ a: '{{job.nope|1}}' }, ev, { missing: 'fail' }), { a: 1 });
  });

  it('never templates keys, and copies values rather than sharing them with the event', async () => {
    const out = (await body({ '{{type}}': '{{job}}' }, ev)) as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(out), ['{{type}}']);
    out['{{type}}'].file = 'changed';
    assert.equal(ev.job?.file, 'benchy.gcode');
  });

  it('does not read inherited properties such as toString or __proto__', async () => {
    const out = await body({ a: '{{job.toString}}', b: '{{job.file.length}}' }, ev);
    assert.deepEqual(out, {});
  });

  it('renders a text body with text semantics', async () => {
    const out = await render({ contentType: 'text', body: 'Done: {{job.file}} ({{job.progress}}%) {{job}}' }, { payload: ev });
    assert.equal(out.payload, `Done: benchy.gcode (100%) ${JSON.stringify(ev.job)}`);
    assert.equal(out.headers['content-type'], 'text/plain; charset=utf-8');
  });

  it('encodes form bodies with nested values as JSON strings', async () => {
    const out = await render({ contentType: 'form', body: '{"file":"{{job.file}}","job":"{{job}}","n":"{{job.layer}}"}' }, { payload: ev });
    assert.equal(out.headers['content-type'], 'application/x-www-form-urlencoded');
    const params = new URLSearchParams(out.payload as string);
    assert.equal(params.get('file'), 'benchy.gcode');
    assert.deepEqual(JSON.parse(params.get('job')!), ev.job);
    assert.equal(params.get('n'), '140');
  });

  it('sets method POST by default, the chosen method otherwise, and keeps the event', async () => {
    const a = await render({ body: '{}' }, { payload: ev });
    const b = await render({ body: '{}', method: 'put' }, { payload: ev });
    assert.equal(a.method, 'POST');
    assert.equal(b.method, 'PUT');
    assert.equal(a.event, ev);
    assert.equal(a.url, undefined);
  });

  it('reads the event from msg.event when the payload was already replaced', async () => {
    const out = await body({ f: '{{job.file}}' }, undefined).catch(() => undefined);
    assert.deepEqual(out, {});
    const again = await render({ body: '{"f":"{{job.file}}"}' }, { payload: 'a body', event: ev });
    assert.deepEqual(again.payload, { f: 'benchy.gcode' });
  });
});

describe('template URL and headers', () => {
  const ev = event({ job: { id: 'j', file: 'a b/c?d#e&f=g@h:i.gcode' } });

  it('URL-encodes every inserted value, keeping the literal parts', async () => {
    const out = await render({ body: '{}', url: 'https://example.test/hook/{{printer.name}}?file={{job.file}}&t={{type}}' }, { payload: ev });
    assert.equal(out.url, 'https://example.test/hook/Ender%203?file=a%20b%2Fc%3Fd%23e%26f%3Dg%40h:i.gcode&t=print.done');
    assert.equal(new URL(out.url!).searchParams.get('file'), 'a b/c?d#e&f=g@h:i.gcode');
  });

  it('refuses a URL template that is not http(s) at deploy, and a bad result at render', async () => {
    await assert.rejects(render({ body: '{}', url: 'ftp://x/{{type}}' }, { payload: ev }), /url: must start with http/);
    await assert.rejects(render({ body: '{}', url: '{{msg.target}}' }, { payload: ev, target: 'https://x' }), /url: must start/);
  });

  it('renders header values as text and strips CR/LF from inserted values', async () => {
    const bad = event({ printer: { id: 'p', name: 'Ender\r\nX-Evil: 1', kind: 'octoprint' } });
    const out = await render({ body: '{}', headers: '{"X-Printer":"{{printer.name}}","X-Progress":"{{job.progress}}"}' }, { payload: bad });
    assert.deepEqual(out.headers, { 'content-type': 'application/json', 'x-printer': 'Ender X-Evil: 1', 'x-progress': '100' });
  });

  it('refuses invalid header JSON and names', async () => {
    await assert.rejects(render({ body: '{}', headers: '{"X":' }, { payload: ev }), /headers: not valid JSON/);
    await assert.rejects(render({ body: '{}', headers: '{"Bad Name":"x"}' }, { payload: ev }), /not a valid header name/);
    await assert.rejects(render({ body: '{}', headers: '[1]' }, { payload: ev }), /expected a JSON object/);
  });

  it('inserts credentials through {{$token}} / {{$user}}', async () => {
    const out = await render({ body: '{"u":"{{$user}}"}', url: 'https://api.telegram.org/bot{{$token}}/sendMessage' }, { payload: ev }, { token: '123:AB-c', user: 'me' });
    assert.equal(out.url, `https://api.telegram.org/bot${secretRef(OWNER, 'token', '123:AB-c')}/sendMessage`);
    assert.deepEqual(out.payload, { u: secretRef(OWNER, 'user', 'me') });
    const real = await render({ body: '{"u":"{{$user}}"}', url: 'https://api.telegram.org/bot{{$token}}/sendMessage', secretsInMsg: true }, { payload: ev }, { token: '123:AB-c', user: 'me' });
    assert.equal(real.url, 'https://api.telegram.org/bot123:AB-c/sendMessage');
    assert.deepEqual(real.payload, { u: 'me' });
  });

  it('an event value that looks like a secret reference stays text, and the sender-side resolution refuses it', async () => {
    const unregister = registerSecretOwner(OWNER, (name) => (name === 'token' ? 'real-token' : undefined));
    try {
      const genuine = secretRef(OWNER, 'token', 'real-token');
      const forged = genuine.replace(/[0-9a-f]{32}$/, 'f'.repeat(32));
      const out = await render({ body: '{"file":"{{job.file}}","t":"{{$token}}"}' }, { payload: event({ job: { id: 'j', file: forged } }) }, { token: 'real-token' });
      const resolved = resolveSecretRefs(JSON.stringify(out.payload), 'json');
      assert.deepEqual(JSON.parse(resolved.value), { file: forged, t: 'real-token' });
      assert.deepEqual(resolved.unresolved.map((u) => u.reason), ['mismatch']);
    } finally {
      unregister();
    }
  });
});

describe('template config errors', () => {
  const ev = event();
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ body: '{"a": ' }, /^body: not valid JSON/],
    [{ body: '' }, /^body: the template is empty/],
    [{ preset: 'nope' }, /^preset: unknown preset "nope"/],
    [{ body: '{}', contentType: 'xml' }, /^contentType:/],
    [{ body: '{}', method: 'TRACE' }, /^method:/],
    [{ body: '{}', missing: 'maybe' }, /^missing:/],
    [{ body: '{"a":"{{$snapshot}}"}' }, /needs the multipart content type/],
    [{ body: '{"a":{"b":"{{$snapshot}}"}}', contentType: 'multipart' }, /top-level key/],
    [{ body: '{"a":"x{{$snapshot}}"}', contentType: 'multipart' }, /top-level key/],
    [{ mode: 'jsonata', body: ' ' }, /JSONata expression is empty/],
    [{ preset: 'telegram' }, /^recipient: preset telegram needs the recipient option/],
    [{ preset: 'pushover' }, /^token: preset pushover needs the token credential/],
  ];
  for (const [raw, pattern] of cases) {
    it(`refuses ${JSON.stringify(raw)}`, async () => {
      await assert.rejects(render(raw, { payload: ev }), (err: Error) => pattern.test(err.message));
    });
  }
});
