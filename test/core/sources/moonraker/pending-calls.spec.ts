import assert from 'node:assert/strict';
import { PendingCalls, RpcCallError } from '../../../../src/sources/moonraker/jsonrpc';

describe('moonraker pending calls', () => {
  it('gives every call its own id and settles it by the response with that id', async () => {
    const calls = new PendingCalls();
    const first = calls.open('server.info', 1000);
    const second = calls.open('printer.info', 1000);
    assert.notEqual(first.id, second.id);
    calls.settle({ id: second.id, result: { state: 'ready' } });
    calls.settle({ id: first.id, result: { klippy_state: 'startup' } });
    assert.deepEqual(await first.answer, { klippy_state: 'startup' });
    assert.deepEqual(await second.answer, { state: 'ready' });
    assert.equal(calls.size, 0);
  });

  it('rejects with an RpcCallError that keeps Moonraker\'s code and names the method', async () => {
    const calls = new PendingCalls();
    const { id, answer } = calls.open('server.connection.identify', 1000);
    calls.settle({ id, error: { code: -32601, message: 'Method not found' } });
    const err = await answer.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof RpcCallError);
    assert.equal(err.code, -32601);
    assert.equal(err.method, 'server.connection.identify');
    assert.match(err.message, /server\.connection\.identify: Method not found \(-32601\)/);
  });

  it('ignores a response nobody waits for, and a second response for a settled call', async () => {
    const calls = new PendingCalls();
    const { id, answer } = calls.open('server.info', 1000);
    calls.settle({ id: id + 100, result: 'stray' });
    assert.equal(calls.size, 1);
    calls.settle({ id, result: 'first' });
    calls.settle({ id, result: 'second' });
    assert.equal(await answer, 'first');
  });

  it('times a call out and forgets it', async () => {
    const calls = new PendingCalls();
    const { answer } = calls.open('printer.objects.list', 20);
    await assert.rejects(answer, /printer\.objects\.list: no answer within 20 ms/);
    assert.equal(calls.size, 0);
  });

  it('fails one call when its send failed, and every call when the socket goes away', async () => {
    const calls = new PendingCalls();
    const sent = calls.open('a', 1000);
    const other = calls.open('b', 1000);
    const third = calls.open('c', 1000);
    calls.fail(sent.id, new Error('write EPIPE'));
    await assert.rejects(sent.answer, /EPIPE/);
    assert.equal(calls.size, 2);
    calls.rejectAll(new Error('connection closed (1006)'));
    await assert.rejects(other.answer, /connection closed/);
    await assert.rejects(third.answer, /connection closed/);
    assert.equal(calls.size, 0);
  });
});
