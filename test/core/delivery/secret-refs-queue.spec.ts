import { strict as assert } from 'assert';
import * as fs from 'fs';
import { Webhook } from 'standardwebhooks';
import { requestFromMsg } from '../../../src/delivery/request-from-msg';
import { registerSecretOwner, secretRef } from '../../../src/secrets/secret-refs';
import { registerSigner } from '../../../src/sign/signer-registry';
import { makeQueue, until, useQueueRig } from './queue-harness';
import { TEST_SECRET, hmacSigner } from './test-signer';

const TOKEN = 'tok/en "with" spaces & = ü';
const OWNER = 'tpl-queue';
const REF = secretRef(OWNER, 'token', TOKEN);

/** Every form the token could take on disk or in a msg. */
function leaks(text: string): boolean {
  return [TOKEN, encodeURIComponent(TOKEN), JSON.stringify(TOKEN).slice(1, -1), new URLSearchParams({ t: TOKEN }).toString().slice(2)].some((f) => text.includes(f));
}

describe('delivery/queue resolving secret references', () => {
  const rig = useQueueRig();
  const cleanups: Array<() => void> = [];
  afterEach(() => cleanups.splice(0).forEach((f) => f()));

  function own(secret = TOKEN): void {
    cleanups.push(registerSecretOwner(OWNER, (name) => (name === 'token' ? secret : undefined)));
  }

  it('sends the secret encoded for URL, header, JSON and form bodies; the outbox and output msgs keep references', async () => {
    own();
    rig.rx.reply({ status: 200, body: `echo ${TOKEN}` });
    rig.h = makeQueue({ dir: rig.dir, url: `${rig.rx.url}/unused` });
    await rig.h.queue.enqueue(requestFromMsg({ payload: { id: 'evt_j', t: REF }, url: `${rig.rx.url}/bot${REF}/send`, headers: { 'x-key': REF } }, { allowOverride: true }));
    await rig.h.queue.enqueue(requestFromMsg({ payload: `token=${REF}&m=hi`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, event: { id: 'evt_f' } }, { allowOverride: true }));
    await until(() => rig.h!.delivered.length === 2);
    const [json, form] = rig.rx.received;
    assert.equal(decodeURIComponent(json.path), `/bot${TOKEN}/send`);
    assert.equal(json.headers['x-key'], TOKEN);
    assert.deepEqual(JSON.parse(json.body.toString()), { id: 'evt_j', t: TOKEN });
    assert.equal(new URLSearchParams(form.body.toString()).get('token'), TOKEN);
    const disk = fs.readFileSync(rig.h.outbox.file).toString('latin1');
    assert.ok(disk.includes(REF) && !leaks(Buffer.from(disk, 'latin1').toString('utf8')));
    const out = JSON.stringify(rig.h.delivered);
    assert.ok(out.includes(REF) && !leaks(out), 'the output msgs keep the references, the response echo is scrubbed');
    assert.ok(out.includes('echo [secret]'));
    assert.ok(!leaks(JSON.stringify(rig.h.queue.log.list())));
  });

  it('signs the bytes actually sent (with the secret in), while the outbox holds the reference', async () => {
    own();
    cleanups.push(registerSigner('sig-secret', hmacSigner()));
    rig.h = makeQueue({ dir: rig.dir, url: `${rig.rx.url}/hook` });
    const body = JSON.stringify({ type: 'print.done', key: REF });
    await rig.h.queue.enqueue(requestFromMsg({ payload: body, headers: { 'content-type': 'application/json' }, webhook: { id: 'evt_s', signer: 'sig-secret' } }, { allowOverride: false }));
    await until(() => rig.h!.delivered.length === 1);
    const got = rig.rx.received[0];
    assert.equal(JSON.parse(got.body.toString()).key, TOKEN);
    const headers = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [k, String(v)]));
    assert.doesNotThrow(() => new Webhook(TEST_SECRET).verify(got.body.toString(), headers));
  });

  it('waits for an owner that registers late (flows starting after a restart), then delivers', async () => {
    rig.h = makeQueue({ dir: rig.dir, url: `${rig.rx.url}/hook`, secretWaitMs: 20, secretGraceMs: 10_000 });
    await rig.h.queue.enqueue(requestFromMsg({ payload: { id: 'evt_late', t: REF } }, { allowOverride: false }));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(rig.rx.received.length, 0, 'never sent with the reference text');
    assert.equal(rig.h.dead.length, 0);
    own();
    await until(() => rig.h!.delivered.length === 1);
    assert.equal(JSON.parse(rig.rx.received[0].body.toString()).t, TOKEN);
  });

  it('dead-letters a record whose owner stays missing past the grace period, without sending it', async () => {
    rig.h = makeQueue({ dir: rig.dir, url: `${rig.rx.url}/hook`, secretWaitMs: 10, secretGraceMs: 80 });
    await rig.h.queue.enqueue(requestFromMsg({ payload: { id: 'evt_gone', t: REF } }, { allowOverride: false }));
    await until(() => rig.h!.dead.length === 1);
    assert.equal(rig.rx.received.length, 0);
    assert.match(String((rig.h.dead[0].delivery as Record<string, unknown>).reason), /template node tpl-queue that holds the token is not deployed/);
  });

  it('dead-letters at once a reference that does not fit the owner secret (credential changed, or forged text)', async () => {
    own('a-new-token');
    rig.h = makeQueue({ dir: rig.dir, url: `${rig.rx.url}/hook` });
    await rig.h.queue.enqueue(requestFromMsg({ payload: { id: 'evt_stale', t: REF } }, { allowOverride: false }));
    await until(() => rig.h!.dead.length === 1);
    assert.equal(rig.rx.received.length, 0);
    assert.match(String((rig.h.dead[0].delivery as Record<string, unknown>).reason), /is not the one this msg was made with/);
    assert.ok(!JSON.stringify(rig.h.dead).includes('a-new-token'));
  });

  it('keeps a binary multipart body byte for byte around the secret', async () => {
    own();
    rig.h = makeQueue({ dir: rig.dir, url: `${rig.rx.url}/hook` });
    const jpeg = Buffer.from([0xff, 0xd8, 0x70, 0x68, 0x00, 0xff, 0xd9]);
    const body = Buffer.concat([Buffer.from(`--b\r\nContent-Disposition: form-data; name="token"\r\n\r\n${REF}\r\n--b\r\nContent-Disposition: form-data; name="a"; filename="s.jpg"\r\n\r\n`), jpeg, Buffer.from('\r\n--b--\r\n')]);
    await rig.h.queue.enqueue(requestFromMsg({ payload: body, headers: { 'content-type': 'multipart/form-data; boundary=b' }, event: { id: 'evt_m' } }, { allowOverride: false }));
    await until(() => rig.h!.delivered.length === 1);
    const expected = Buffer.concat([Buffer.from(`--b\r\nContent-Disposition: form-data; name="token"\r\n\r\n${TOKEN}\r\n--b\r\nContent-Disposition: form-data; name="a"; filename="s.jpg"\r\n\r\n`), jpeg, Buffer.from('\r\n--b--\r\n')]);
    assert.ok(rig.rx.received[0].body.equals(expected));
  });
});
