import assert from 'node:assert/strict';
import { statusFor as bambuStatus } from '../../../src/sources/bambu/status';
import { sourceStatus } from '../../../src/sources/status';

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
    assert.equal(failed.text.length, 32);
  });

  it('Bambu uses the shared status', () => {
    assert.deepEqual(bambuStatus({ phase: 'ready' }, { state: 'printing', progress: 7 }), sourceStatus('ready', { job: { state: 'printing', progress: 7 } }));
    assert.deepEqual(bambuStatus({ phase: 'ready' }), { fill: 'grey', shape: 'dot', text: 'idle' });
  });
});
