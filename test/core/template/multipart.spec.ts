import assert from 'node:assert/strict';
import { fetchSnapshot, registerSnapshotProvider } from '../../../src/snapshot/registry';
import { event, render } from './helpers';

/** Splits multipart/form-data bytes into {name, filename, type, data} parts. */
function parts(bodyBytes: Buffer, contentType: string): { name: string; filename?: string; type?: string; data: Buffer }[] {
  const boundary = /boundary=(.+)$/.exec(contentType)![1];
  const text = bodyBytes.toString('latin1');
  return text
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((chunk) => {
      const [head, ...rest] = chunk.slice(2).split('\r\n\r\n');
      const data = Buffer.from(rest.join('\r\n\r\n').slice(0, -2), 'latin1');
      return {
        name: /name="([^"]*)"/.exec(head)![1],
        filename: /filename="([^"]*)"/.exec(head)?.[1],
        type: /Content-Type: (.+)/i.exec(head)?.[1],
        data,
      };
    });
}

describe('template multipart with the printer snapshot', () => {
  const ev = event();
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x0d, 0x0a, 0x2d, 0x2d, 0xff, 0xd9]);
  const template = { contentType: 'multipart', body: '{"image":"{{$snapshot}}","file":"{{job.file}}","job":"{{job}}"}' };
  let unregister: (() => void) | undefined;
  afterEach(() => unregister?.());

  it('carries the snapshot from the registry as an image/jpeg file part, other fields as text', async () => {
    unregister = registerSnapshotProvider('p1', async () => jpeg);
    const out = await render(template, { payload: ev }, {}, { fetchSnapshot });
    assert.ok(Buffer.isBuffer(out.payload));
    const got = parts(out.payload as Buffer, out.headers['content-type']);
    assert.deepEqual(got.map((p) => p.name), ['image', 'file', 'job']);
    assert.equal(got[0].filename, 'snapshot.jpg');
    assert.equal(got[0].type, 'image/jpeg');
    assert.deepEqual(got[0].data, jpeg);
    assert.equal(got[1].data.toString(), 'benchy.gcode');
    assert.deepEqual(JSON.parse(got[2].data.toString()), ev.job);
    assert.match(out.headers['content-type'], /^multipart\/form-data; boundary=printhooks-[0-9a-f]{24}$/);
  });

  it('drops the part with a warning when no source offers a snapshot, and sends the rest', async () => {
    const warnings: string[] = [];
    const out = await render(template, { payload: ev }, {}, { fetchSnapshot, warn: (w) => warnings.push(w) });
    const got = parts(out.payload as Buffer, out.headers['content-type']);
    assert.deepEqual(got.map((p) => p.name), ['file', 'job']);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /printer p1.*left out/);
  });

  it('drops the part when fetching fails or takes longer than the timeout, even with missing=fail', async () => {
    const warnings: string[] = [];
    unregister = registerSnapshotProvider('p1', () => new Promise<Buffer>(() => undefined));
    const started = Date.now();
    const out = await render({ ...template, missing: 'fail' }, { payload: ev }, {}, { fetchSnapshot, snapshotTimeoutMs: 50, warn: (w) => warnings.push(w) });
    assert.ok(Date.now() - started < 1000);
    assert.deepEqual(parts(out.payload as Buffer, out.headers['content-type']).map((p) => p.name), ['file', 'job']);
    assert.match(warnings[0], /timed out after 50 ms/);
    unregister();
    unregister = registerSnapshotProvider('p1', async () => {
      throw new Error('camera offline');
    });
    await render(template, { payload: ev }, {}, { fetchSnapshot, warn: (w) => warnings.push(w) });
    assert.match(warnings[1], /camera offline/);
  });

  it('lets a Discord-style payload_json field carry a nested object as JSON text', async () => {
    const out = await render({ contentType: 'multipart', body: '{"payload_json":{"content":"{{job.file}} done"}}' }, { payload: ev });
    const got = parts(out.payload as Buffer, out.headers['content-type']);
    assert.deepEqual(JSON.parse(got[0].data.toString()), { content: 'benchy.gcode done' });
  });
});

describe('template presets with the snapshot option', () => {
  const ev = event();
  const jpeg = Buffer.from([0xff, 0xd8, 0x01, 0x02, 0xff, 0xd9]);
  let unregister: (() => void) | undefined;
  afterEach(() => unregister?.());

  it('discord: payload_json plus files[0], the embed showing attachment://snapshot.jpg', async () => {
    unregister = registerSnapshotProvider('p1', async () => jpeg);
    const out = await render({ preset: 'discord', snapshot: true }, { payload: ev }, {}, { fetchSnapshot });
    const got = parts(out.payload as Buffer, out.headers['content-type']);
    assert.deepEqual(got.map((p) => p.name), ['payload_json', 'files[0]']);
    const message = JSON.parse(got[0].data.toString());
    assert.deepEqual(message.embeds[0].image, { url: 'attachment://snapshot.jpg' });
    assert.deepEqual(message.allowed_mentions, { parse: [] });
    assert.equal(got[1].filename, 'snapshot.jpg');
    assert.deepEqual(got[1].data, jpeg);
  });

  it('pushover: the form fields as multipart with the image as attachment', async () => {
    unregister = registerSnapshotProvider('p1', async () => jpeg);
    const out = await render({ preset: 'pushover', snapshot: true }, { payload: ev }, { token: 't', user: 'u' }, { fetchSnapshot });
    const got = parts(out.payload as Buffer, out.headers['content-type']);
    assert.deepEqual(got.map((p) => p.name), ['token', 'user', 'title', 'message', 'priority', 'timestamp', 'attachment']);
    assert.equal(got[4].data.toString(), '0');
    assert.deepEqual(got[6].data, jpeg);
  });

  it('falls back to the plain body with a warning when there is no image or it is over the limit', async () => {
    const warnings: string[] = [];
    const none = await render({ preset: 'discord', snapshot: true }, { payload: ev }, {}, { fetchSnapshot, warn: (w) => warnings.push(w) });
    assert.equal(none.headers['content-type'], 'application/json');
    assert.equal((none.payload as { embeds: Record<string, unknown>[] }).embeds[0].image, undefined);
    unregister = registerSnapshotProvider('p1', async () => Buffer.alloc(5 * 1024 * 1024 + 1));
    const big = await render({ preset: 'pushover', snapshot: true }, { payload: ev }, { token: 't', user: 'u' }, { fetchSnapshot, warn: (w) => warnings.push(w) });
    assert.equal(big.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.match(warnings[0], /left out/);
    assert.match(warnings[1], /5242881 bytes, over the target's 5242880/);
  });

  it('ignores the option for presets that cannot attach an image', async () => {
    unregister = registerSnapshotProvider('p1', async () => jpeg);
    const out = await render({ preset: 'slack', snapshot: true }, { payload: ev }, {}, { fetchSnapshot });
    assert.equal(out.headers['content-type'], 'application/json');
  });
});
