import assert from 'node:assert/strict';
import { statusFor as bambuStatus } from '../../../src/sources/bambu/status';
import { shortStatus, sourceStatus } from '../../../src/sources/status';

describe('core/sources status', () => {
  it('shows the same status for every source: idle, connecting, printing %, paused, problem', () => {
    assert.deepEqual(sourceStatus('idle'), { fill: 'grey', shape: 'ring', text: 'idle' });
    assert.deepEqual(sourceStatus('connecting'), { fill: 'yellow', shape: 'ring', text: 'connecting' });
    assert.deepEqual(sourceStatus('ready'), { fill: 'grey', shape: 'dot', text: 'idle' });
    assert.deepEqual(sourceStatus('ready', { job: { state: 'printing', progress: 42.9 } }), { fill: 'green', shape: 'dot', text: 'printing 42%' });
    assert.deepEqual(sourceStatus('ready', { job: { state: 'paused' } }), { fill: 'yellow', shape: 'dot', text: 'paused' });
    const failed = sourceStatus('failed', { message: 'access code or serial rejected by the printer, retrying slowly' });
    assert.equal(failed.fill, 'red');
    assert.equal(failed.shape, 'ring');
    assert.equal(failed.text, 'access code or serial rejected by the printer,…');
  });

  it('Bambu uses the shared status', () => {
    assert.deepEqual(bambuStatus({ phase: 'ready' }, { state: 'printing', progress: 7 }), sourceStatus('ready', { job: { state: 'printing', progress: 7 } }));
    assert.deepEqual(bambuStatus({ phase: 'ready' }), { fill: 'grey', shape: 'dot', text: 'idle' });
  });
});

describe('core/sources status texts', () => {
  it('drop the node name and keep the cause with the field to fix', () => {
    assert.equal(shortStatus("printhooks-signer configuration: no secret: add one in the node's Secrets field. Nothing is signed until the node is fixed and redeployed."), "no secret: add one in the node's Secrets field");
    assert.equal(shortStatus('printhooks-verify configuration: no secret: add one'), 'no secret: add one');
  });

  it('turn network error codes into words, with the host', () => {
    assert.equal(shortStatus('getaddrinfo ENOTFOUND voron.local'), 'host not found: voron.local');
    assert.equal(shortStatus('connect ECONNREFUSED 127.0.0.1:7125'), 'connection refused: 127.0.0.1:7125');
    assert.equal(shortStatus('read ECONNRESET'), 'connection reset');
    assert.equal(shortStatus('EWHATEVER odd'), 'EWHATEVER odd');
  });

  it('stay short: a long text is cut at a word, never beyond the limit', () => {
    const text = shortStatus('access code or serial rejected by the printer, retrying slowly with a long pause between tries');
    assert.ok(text.length <= 48, text);
    assert.match(text, /^access code or serial rejected by the printer,?…$/);
    assert.equal(shortStatus('abcdefghij', 5), 'abcd…');
    assert.equal(shortStatus('delivered 3 · queued 1 · next in 5 s', 48), 'delivered 3 · queued 1 · next in 5 s');
  });
});
