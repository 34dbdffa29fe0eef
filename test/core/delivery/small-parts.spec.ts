import { strict as assert } from 'assert';
import { DeliveryLog } from '../../../src/delivery/delivery-log';
import { EndpointHealth } from '../../../src/delivery/endpoint-health';
import { MinHeap } from '../../../src/delivery/min-heap';

describe('delivery/log, health, heap', () => {
  it('the delivery log keeps the newest `capacity` attempts, newest first', () => {
    const log = new DeliveryLog(3);
    for (let i = 1; i <= 5; i++) log.add({ time: '', webhookId: `w${i}`, attempt: 1, durationMs: 1, verdict: 'delivered' });
    assert.equal(log.length, 3);
    assert.deepEqual(log.list().map((e) => e.webhookId), ['w5', 'w4', 'w3']);
    assert.deepEqual(log.list(1).map((e) => e.webhookId), ['w5']);
  });

  it('endpoint health disables, re-enables and notifies', () => {
    const h = new EndpointHealth();
    let changes = 0;
    h.onChange(() => changes++);
    h.failure();
    assert.equal(h.failing, true);
    h.success();
    assert.equal(h.failing, false);
    h.disable('410');
    h.disable('410');
    assert.equal(h.disabled, true);
    h.enable();
    assert.equal(h.disabled, false);
    assert.equal(changes, 4);
  });

  it('the heap pops in order', () => {
    const heap = new MinHeap<number>((a, b) => a < b);
    const values = Array.from({ length: 200 }, (_, i) => (i * 7919) % 211);
    values.forEach((v) => heap.push(v));
    const out: number[] = [];
    while (heap.size) out.push(heap.pop()!);
    assert.deepEqual(out, [...values].sort((a, b) => a - b));
  });
});
