import assert from 'node:assert/strict';
import { describeError, guarded, OnceLog } from '../../../src/sources/guard';

describe('core/sources guard (callbacks of sockets, MQTT clients and timers)', () => {
  it('turns a throw into one report naming where it happened, and returns normally', () => {
    const reports: string[] = [];
    const wrapped = guarded('bambu 01P: handling a report', (m) => reports.push(m), (n: number) => {
      if (n > 1) throw new RangeError('Invalid time value');
    });
    wrapped(1);
    wrapped(2);
    assert.deepEqual(reports, ['bambu 01P: handling a report: Invalid time value']);
  });

  it('reports a rejected promise instead of leaving it unhandled', async () => {
    const reports: string[] = [];
    guarded('Moonraker h: waiting for Klippy', (m) => reports.push(m), async () => {
      throw new Error('boom');
    })();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(reports, ['Moonraker h: waiting for Klippy: boom']);
  });

  it('survives a reporter that throws and values thrown that are not Errors', () => {
    const wrapped = guarded('x', () => {
      throw new Error('log broke');
    }, () => {
      throw 'plain text';
    });
    assert.doesNotThrow(() => wrapped());
    assert.equal(describeError(Object.create(null)), 'unknown error');
    assert.equal(describeError(42), '42');
  });

  it('OnceLog warns once per kind and remembers a bounded number of kinds', () => {
    const lines: string[] = [];
    const log = new OnceLog((m) => lines.push(m), 3);
    for (let i = 0; i < 10; i += 1) log.warn(`kind${i % 5}`, `message ${i}`);
    assert.deepEqual(lines, ['message 0', 'message 1', 'message 2']);
  });
});
