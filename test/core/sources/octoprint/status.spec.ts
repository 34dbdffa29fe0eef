import assert from 'node:assert/strict';
import { statusFor } from '../../../../src/sources/octoprint/status';

describe('octoprint status', () => {
  it('shows the problem in a few words on a red ring', () => {
    assert.deepEqual(statusFor({ phase: 'failed', problem: 'rejected', message: 'API key rejected', short: 'API key rejected' }), { fill: 'red', shape: 'ring', text: 'API key rejected' });
  });

  it('says "printer disconnected" when the socket is up but OctoPrint has no serial link', () => {
    assert.deepEqual(statusFor({ phase: 'ready' }, { linked: false, state: 'printing', progress: 40 }), { fill: 'grey', shape: 'ring', text: 'printer disconnected' });
  });

  it('otherwise the shared source status: printing with whole percent, idle, connecting', () => {
    assert.deepEqual(statusFor({ phase: 'ready' }, { linked: true, state: 'printing', progress: 42.9 }), { fill: 'green', shape: 'dot', text: 'printing 42%' });
    assert.deepEqual(statusFor({ phase: 'ready' }, { state: 'idle' }), { fill: 'grey', shape: 'dot', text: 'idle' });
    assert.deepEqual(statusFor({ phase: 'connecting' }), { fill: 'yellow', shape: 'ring', text: 'connecting' });
  });
});
