import assert from 'node:assert/strict';
import { CaptureStore } from '../../../src/snapshot/capture-store';
import type { PrinterEvent } from '../../../src/event';
import { event, render } from '../template/helpers';

// The template prefers the image captured at the event over the current one (docs/snapshots.md).
const jpeg = (label: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xd8]), Buffer.from(label), Buffer.from([0xff, 0xd9])]);
const CAPTURED = jpeg('captured at print.done');
const CURRENT = jpeg('the camera now');
const TEMPLATE = { contentType: 'multipart', body: '{"image":"{{$snapshot}}"}' };

describe('template: the snapshot captured at the event', () => {
  function deps(store: CaptureStore, warnings: string[], waitMs = 1000) {
    return { fetchSnapshot: async () => CURRENT, capturedSnapshot: (id: string) => store.lookup(id, waitMs), warn: (m: string) => warnings.push(m) };
  }

  it('attaches the captured image, waiting for a capture in flight, and writes its reference onto the event', async () => {
    const store = new CaptureStore();
    const ev = event();
    let answer!: (b: Buffer) => void;
    store.capture(ev.id, () => new Promise<Buffer>((r) => (answer = r)));
    const warnings: string[] = [];
    const rendering = render(TEMPLATE, { payload: ev }, {}, deps(store, warnings));
    setTimeout(() => answer(CAPTURED), 30);
    const out = await rendering;
    assert.ok((out.payload as Buffer).includes(CAPTURED));
    assert.equal((out.payload as Buffer).includes(CURRENT), false);
    const snapshot = (out.event as PrinterEvent).snapshot;
    assert.equal(snapshot?.id, ev.id);
    assert.equal(snapshot?.bytes, CAPTURED.length);
    assert.equal(snapshot?.content_type, 'image/jpeg');
    assert.deepEqual(warnings, []);
  });

  it('falls back to the current image with a warning when the capture failed or is not in within the wait', async () => {
    const store = new CaptureStore({ limits: { timeoutMs: 20 } });
    const failed = event();
    const slow = event({ type: 'print.failed' });
    store.capture(failed.id, async () => {
      throw new Error('503 from the camera');
    });
    store.capture(slow.id, () => new Promise(() => undefined));
    await new Promise((r) => setTimeout(r, 5));
    const warnings: string[] = [];
    const a = await render(TEMPLATE, { payload: failed }, {}, deps(store, warnings));
    assert.ok((a.payload as Buffer).includes(CURRENT));
    assert.match(warnings[0], /^snapshot: the capture failed \(503 from the camera\); the current image is attached instead$/);
    const fresh = new CaptureStore();
    fresh.capture(slow.id, () => new Promise(() => undefined));
    const b = await render(TEMPLATE, { payload: slow }, {}, deps(fresh, warnings, 20));
    assert.ok((b.payload as Buffer).includes(CURRENT));
    assert.match(warnings[1], /the capture was not finished after 20 ms; the current image is attached instead/);
    assert.equal((b.event as PrinterEvent).snapshot, undefined);
  });

  it('an event never captured gets the current image without a warning', async () => {
    const warnings: string[] = [];
    const out = await render(TEMPLATE, { payload: event({ type: 'print.started' }) }, {}, deps(new CaptureStore(), warnings));
    assert.ok((out.payload as Buffer).includes(CURRENT));
    assert.deepEqual(warnings, []);
  });

  it('a captured image over the preset limit is not attached (Pushover, 5 MiB)', async () => {
    const store = new CaptureStore({ limits: { imageBytes: 8 * 1024 * 1024 } });
    const ev = event();
    const big = Buffer.alloc(6 * 1024 * 1024, 7);
    store.capture(ev.id, async () => big);
    const warnings: string[] = [];
    const out = await render({ preset: 'pushover', snapshot: true }, { payload: ev }, { token: 't', user: 'u' }, { ...deps(store, warnings), fetchSnapshot: async () => undefined });
    assert.equal(typeof out.payload, 'string', 'the plain form body, no multipart');
    assert.match(warnings[0], /the image captured at print.done is 6291456 bytes, over the target's 5242880/);
  });
});
