import assert from 'node:assert/strict';
import { body, event, render } from './helpers';

/**
 * The OctoPrint-Webhooks @param behaviours listed in docs/template.md, each shown NOT to happen with
 * our {{placeholders}}. Written as the same situations in our syntax.
 */
describe('OctoPrint-Webhooks @param pitfalls do not happen here', () => {
  const ev = event();

  it('a whole-value placeholder keeps the JSON type (object, number) as OPW does', async () => {
    assert.deepEqual(await body({ job: '{{job}}', t: '{{job.elapsed_s}}' }, ev), { job: ev.job, t: 7980 });
  });

  it('an object inside text is JSON, not a Python repr with single quotes', async () => {
    const out = (await body({ a: 'x {{job}} y' }, ev)) as { a: string };
    assert.equal(out.a, `x ${JSON.stringify(ev.job)} y`);
    assert.ok(!out.a.includes("'"));
  });

  it('a placeholder followed by punctuation still resolves (no "space after each @param" rule)', async () => {
    assert.deepEqual(await body({ a: '{{printer.name}},{{job.file}}.' }, ev), { a: 'Ender 3,benchy.gcode.' });
  });

  it('list indexes work ({{raw.hms.0.code}}), where OPW gave ""', async () => {
    assert.deepEqual(await body({ a: '{{raw.hms.0.code}}' }, { ...ev, raw: { hms: [{ code: 'X1' }] } }), { a: 'X1' });
  });

  it('a literal e-mail address is kept whole (OPW: "me@example.com" -> "me")', async () => {
    assert.deepEqual(await body({ to: 'me@example.com' }, ev), { to: 'me@example.com' });
  });

  it('a value containing @ or {{ is never scanned again (OPW: "a@b.gcode" -> "a")', async () => {
    const tricky = event({ job: { id: 'j', file: 'a@b.gcode {{printer.name}} @job \\{{x}}' } });
    assert.deepEqual(await body({ f: '{{job.file}}', g: 'file: {{job.file}}' }, tricky), {
      f: 'a@b.gcode {{printer.name}} @job \\{{x}}',
      g: 'file: a@b.gcode {{printer.name}} @job \\{{x}}',
    });
  });

  it('a shorter placeholder never replaces inside a longer one (OPW: "@job x @job.file.name")', async () => {
    assert.deepEqual(await body({ a: '{{job.id}} x {{job.file}}' }, ev), { a: 'j1 x benchy.gcode' });
  });

  it('booleans and null read as JSON, not True / None', async () => {
    assert.deepEqual(await body({ a: 'is {{flag}}', b: '{{nil}}', c: 'v={{nil}}' }, { ...ev, flag: true, nil: null }), { a: 'is true', c: 'v=' });
  });

  it('a path through a string does not throw and abort the webhook (OPW: TypeError)', async () => {
    assert.deepEqual(await body({ a: '{{job.file.b}}', keep: 'yes' }, ev), { keep: 'yes' });
  });

  it('a value that refers to itself does not loop forever (OPW: "hi @message" hangs)', async () => {
    const self = { ...ev, message: 'hi {{message}}' };
    assert.deepEqual(await body({ m: '{{message}}', n: 'x {{message}}' }, self), { m: 'hi {{message}}', n: 'x hi {{message}}' });
  });

  it('a missing value drops its key instead of sending "" (and can fail instead)', async () => {
    assert.deepEqual(await body({ a: '{{nope}}', b: 1 }, ev), { b: 1 });
    await assert.rejects(body({ a: '{{nope}}' }, ev, { missing: 'fail' }), /\{\{nope\}\}/);
  });

  it('keys are never substituted and header values are always strings', async () => {
    const out = await render({ body: '{"{{type}}":1}', headers: '{"X-N":"{{job.progress}}"}' }, { payload: ev });
    assert.deepEqual(out.payload, { '{{type}}': 1 });
    assert.equal(typeof out.headers['x-n'], 'string');
  });

  it('URL placeholders are URL-encoded (OPW: .../trigger/Print Done/with/key/K)', async () => {
    const out = await render({ body: '{}', url: 'https://maker.ifttt.com/trigger/{{topic}}/with/key/K' }, { payload: { ...ev, topic: 'Print Done' } });
    assert.equal(out.url, 'https://maker.ifttt.com/trigger/Print%20Done/with/key/K');
  });

  it('a URL value cannot add path segments, a query or a fragment', async () => {
    const out = await render({ body: '{}', url: 'https://x.test/{{a}}' }, { payload: { ...ev, a: '../admin?x=1#f' } });
    assert.equal(out.url, 'https://x.test/..%2Fadmin%3Fx%3D1%23f');
  });

  it('the preset apiSecret with @ or {{ in it reaches the body unchanged', async () => {
    const out = await render({ preset: 'octoprint-webhooks', secretsInMsg: true }, { payload: ev }, { token: 's@cr{{e}}t' });
    assert.equal((out.payload as Record<string, unknown>).apiSecret, 's@cr{{e}}t');
  });
});
