import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { buildEvent } from '../../src/event';
import { registerSnapshotProvider } from '../../src/snapshot/registry';
import { FakeReceiver } from '../fakes/receiver/receiver';
import { helper, nodeRedLine } from './helper';

const templateNode = require('../../nodes/printhooks-template/printhooks-template');
const nodeRedDir = path.dirname(require.resolve(nodeRedLine === '4' ? 'node-red-4/package.json' : 'node-red/package.json'));
const httpRequestNode = require(require.resolve('@node-red/nodes/core/network/21-httprequest.js', { paths: [nodeRedDir] }));

const event = buildEvent({
  type: 'print.done',
  time: '2026-11-23T18:00:00.000Z',
  printer: { id: 'http-printer', name: 'Ender 3', kind: 'octoprint' },
  job: { id: 'j1', file: 'benchy & co@home.gcode', progress: 100, elapsed_s: 7980 },
});

type TestNode = { receive(msg: unknown): void; on(event: string, cb: (arg: never) => void): void };

/** template -> Node-RED's core `http request` node (method "use", URL from msg.url) -> a loopback server. */
describe(`printhooks-template output as input of the core http request node (Node-RED ${nodeRedLine})`, () => {
  let server: FakeReceiver;
  beforeEach(async () => {
    server = await new FakeReceiver().answer(() => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' })).start();
    await helper.startServer();
  });
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
    await server.stop();
  });

  async function send(config: Record<string, unknown>, credentials: Record<string, unknown> = {}) {
    const flow = [
      { id: 'tab', type: 'tab' },
      { id: 't1', z: 'tab', type: 'printhooks-template', version: 1, url: `${server.url}/hook/{{type}}?file={{job.file}}`, wires: [['req']], ...config },
      { id: 'req', z: 'tab', type: 'http request', method: 'use', ret: 'txt', paytoqs: 'ignore', url: '', wires: [['res']] },
      { id: 'res', z: 'tab', type: 'helper' },
    ];
    await helper.load([templateNode, httpRequestNode], flow as never, { t1: credentials } as never);
    const response = new Promise<Record<string, unknown>>((resolve) => (helper.getNode('res') as unknown as TestNode).on('input', (m: never) => resolve(m)));
    const request = server.next();
    (helper.getNode('t1') as unknown as TestNode).receive({ payload: event });
    const [req, res] = await Promise.all([request, response]);
    assert.equal(res.statusCode, 200);
    return req;
  }

  it('delivers a JSON preset body with method, content type and the encoded URL', async () => {
    const req = await send({ preset: 'discord' });
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/hook/print.done?file=benchy%20%26%20co%40home.gcode');
    assert.match(String(req.headers['content-type']), /^application\/json/);
    const body = JSON.parse(req.body.toString());
    assert.equal(body.embeds[0].fields[0].value, 'benchy & co@home.gcode');
  });

  it('delivers a form body byte for byte', async () => {
    const req = await send({ preset: 'custom', contentType: 'form', method: 'PUT', body: '{"file":"{{job.file}}","job":"{{job}}"}' });
    assert.equal(req.method, 'PUT');
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    const form = new URLSearchParams(req.body.toString());
    assert.equal(form.get('file'), 'benchy & co@home.gcode');
    assert.deepEqual(JSON.parse(form.get('job')!), event.job);
  });

  it('delivers a text body and the extra headers', async () => {
    const req = await send({ preset: 'custom', contentType: 'text', body: 'Done: {{job.file}}', headers: '{"X-Title":"{{printer.name}}"}' });
    assert.equal(req.body.toString(), 'Done: benchy & co@home.gcode');
    assert.equal(req.headers['x-title'], 'Ender 3');
    assert.match(String(req.headers['content-type']), /^text\/plain/);
  });

  it('delivers a multipart body with the snapshot file part intact', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0x00, 0x0d, 0x0a, 0xff, 0xd9]);
    const unregister = registerSnapshotProvider('http-printer', async () => jpeg);
    try {
      const req = await send({ preset: 'custom', contentType: 'multipart', body: '{"image":"{{$snapshot}}","file":"{{job.file}}"}' });
      const boundary = /boundary=(.+)$/.exec(String(req.headers['content-type']))![1];
      assert.ok(req.body.includes(Buffer.concat([Buffer.from('Content-Type: image/jpeg\r\n\r\n'), jpeg, Buffer.from(`\r\n--${boundary}`)])));
      assert.ok(req.body.includes(Buffer.from('name="file"\r\n\r\nbenchy & co@home.gcode\r\n')));
    } finally {
      unregister();
    }
  });

  it('delivers the Discord preset with its snapshot as payload_json + files[0]', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0x42, 0xff, 0xd9]);
    const unregister = registerSnapshotProvider('http-printer', async () => jpeg);
    try {
      const req = await send({ preset: 'discord', snapshot: true });
      assert.match(String(req.headers['content-type']), /^multipart\/form-data; boundary=/);
      assert.ok(req.body.includes(Buffer.from('name="payload_json"\r\n\r\n{"allowed_mentions":{"parse":[]}')));
      assert.ok(req.body.includes(Buffer.concat([Buffer.from('name="files[0]"; filename="snapshot.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'), jpeg])));
    } finally {
      unregister();
    }
  });

  it('with the secretsInMsg option delivers the real credentials in body, URL and header (the core node cannot resolve references)', async () => {
    const req = await send(
      {
        preset: 'custom',
        secretsInMsg: true,
        contentType: 'form',
        url: `${server.url}/bot{{$token}}/send`,
        headers: '{"Authorization":"Bearer {{$token}}"}',
        body: '{"user":"{{$user}}","file":"{{job.file}}"}',
      },
      { token: '123456:AB c', user: 'u&ser' },
    );
    assert.equal(req.path, '/bot123456:AB%20c/send');
    assert.equal(req.headers.authorization, 'Bearer 123456:AB c');
    assert.equal(new URLSearchParams(req.body.toString()).get('user'), 'u&ser');
  });

  it('without the option the core node sends the reference, never the secret', async () => {
    const req = await send({ preset: 'custom', url: `${server.url}/bot{{$token}}/send`, body: '{"t":"{{$token}}"}' }, { token: 'tok-secret-1' });
    assert.match(String(req.path), /^\/botphsecret\.token\./);
    assert.ok(!req.body.toString().includes('tok-secret-1'));
  });
});
