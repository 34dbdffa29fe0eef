import { strict as assert } from 'assert';
import { AttemptPreparation } from '../../../src/delivery/attempt-preparation';
import type { StoredRequest } from '../../../src/delivery/outbox-record';
import type { AttemptSigner } from '../../../src/sign/signer-registry';

const DEFAULTS = { url: 'http://127.0.0.1:9/hook', method: 'PUT', authHeaders: { authorization: 'Bearer t0ken' } };

function stored(extra: Partial<StoredRequest> = {}): StoredRequest {
  return { webhookId: 'evt_1', method: '', headers: { 'content-type': 'text/plain' }, payloadKind: 'string', createdAt: 0, body: Buffer.from('hi'), ...extra };
}

describe('delivery/attempt-preparation', () => {
  it('sends to the endpoint defaults with its auth and a webhook-id', () => {
    const prepared = new AttemptPreparation({ getSigner: () => undefined }).prepare(stored(), DEFAULTS, 5000);
    assert.equal(prepared.kind, 'send');
    if (prepared.kind !== 'send') return;
    assert.deepEqual(prepared.request, {
      method: 'PUT',
      url: 'http://127.0.0.1:9/hook',
      headers: { 'content-type': 'text/plain', authorization: 'Bearer t0ken', 'webhook-id': 'evt_1' },
      body: Buffer.from('hi'),
      checkDestination: false,
    });
    assert.deepEqual(prepared.secretsSent, ['t0ken'], 'the endpoint\'s token is blanked out of what the target answers');
  });

  it('marks a msg url for the destination policy unless it stays on the endpoint\'s origin', () => {
    const prep = new AttemptPreparation({ getSigner: () => undefined });
    const check = (url: string) => {
      const p = prep.prepare(stored({ url }), DEFAULTS, 0);
      return p.kind === 'send' ? p.request.checkDestination : undefined;
    };
    assert.equal(check('http://127.0.0.1:9/other/path?x=1'), false);
    assert.equal(check('http://169.254.169.254/latest'), true);
    assert.equal(check('https://127.0.0.1:9/hook'), true, 'another scheme is another origin');
    assert.equal(check('http://127.0.0.1:10/hook'), true);
  });

  it('signs each attempt with the time of the attempt, the signer\'s headers winning', () => {
    const signer: AttemptSigner = {
      headerNames: ['x-sig', 'webhook-id'],
      sign: (input) => ({ 'x-sig': `${input.id}@${input.timestamp}:${input.body.toString()}`, 'Webhook-Id': 'signed-id' }),
    };
    const prepared = new AttemptPreparation({ getSigner: (id) => (id === 's1' ? signer : undefined) }).prepare(stored({ signer: 's1' }), DEFAULTS, 7_900);
    assert.equal(prepared.kind, 'send');
    if (prepared.kind !== 'send') return;
    assert.equal(prepared.request.headers['x-sig'], 'evt_1@7:hi');
    assert.equal(prepared.request.headers['Webhook-Id'], 'signed-id');
    assert.equal('webhook-id' in prepared.request.headers, false);
  });

  it('waits for a signer not registered yet, and reports it once when it stays missing', () => {
    const errors: string[] = [];
    const preparation = new AttemptPreparation({ getSigner: () => undefined, signerWaitMs: 50, signerMissingReportMs: 100, onError: (e) => errors.push(e.message) });
    assert.deepEqual(preparation.prepare(stored({ signer: 's1' }), DEFAULTS, 1000), { kind: 'wait', retryAt: 1050 });
    assert.deepEqual(errors, []);
    preparation.prepare(stored({ signer: 's1' }), DEFAULTS, 1100);
    preparation.prepare(stored({ signer: 's1' }), DEFAULTS, 1200);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /signer node s1 is not deployed/);
  });

  it('makes a dead letter of a request whose signer throws', () => {
    const signer: AttemptSigner = { headerNames: [], sign: () => { throw new Error('bad key'); } };
    const prepared = new AttemptPreparation({ getSigner: () => signer }).prepare(stored({ signer: 's1' }), DEFAULTS, 0);
    assert.deepEqual(prepared, { kind: 'dead', reason: 'signing failed: bad key' });
  });
});
