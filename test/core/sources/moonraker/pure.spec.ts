import assert from 'node:assert/strict';
import { encodeRequest, parseFrame } from '../../../../src/sources/moonraker/jsonrpc';
import { deepMerge, mergeStatus, type PrinterObjects } from '../../../../src/sources/moonraker/merge';
import { subscriptionFor } from '../../../../src/sources/moonraker/objects';
import { SerialQueue } from '../../../../src/sources/moonraker/serial-queue';
import { statusFor } from '../../../../src/sources/moonraker/status';
import { parseMoonrakerUrl, resolveSnapshotUrl } from '../../../../src/sources/moonraker/url';

describe('moonraker JSON-RPC frames', () => {
  it('classifies responses, errors, notifications and junk without throwing', () => {
    assert.deepEqual(parseFrame('{"jsonrpc":"2.0","result":{"a":1},"id":7}'), { kind: 'response', id: 7, result: { a: 1 } });
    assert.deepEqual(parseFrame('{"jsonrpc":"2.0","error":{"code":36000,"message":"Error Message"},"id":354}'), {
      kind: 'response',
      id: 354,
      error: { code: 36000, message: 'Error Message' },
    });
    assert.deepEqual(parseFrame('{"jsonrpc":"2.0","method":"notify_klippy_ready"}'), { kind: 'notification', method: 'notify_klippy_ready', params: [] });
    assert.deepEqual(parseFrame('{"jsonrpc":"2.0","method":"notify_gcode_response","params":["ok"]}').kind, 'notification');
    assert.equal(parseFrame('{oops').kind, 'invalid');
    assert.equal(parseFrame('null').kind, 'invalid');
    assert.equal(parseFrame('{"id":3}').kind, 'invalid');
    assert.equal(parseFrame('{"id":"x","result":1}').kind, 'invalid');
  });

  it('encodes requests with and without params', () => {
    assert.deepEqual(JSON.parse(encodeRequest(5, 'server.info')), { jsonrpc: '2.0', method: 'server.info', id: 5 });
    assert.deepEqual(JSON.parse(encodeRequest(6, 'printer.objects.subscribe', { objects: { print_stats: null } })).params, { objects: { print_stats: null } });
  });
});

describe('moonraker object deep-merge', () => {
  it('merges nested objects, replaces arrays and scalars, keeps null as a value', () => {
    const cache: PrinterObjects = { print_stats: { state: 'standby', info: { total_layer: null, current_layer: null } }, toolhead: { position: [0, 0, 0, 0] } };
    mergeStatus(cache, { print_stats: { state: 'printing', info: { current_layer: 3 } }, toolhead: { position: [1, 2, 3, 4] }, extruder: { temperature: 200 } });
    assert.deepEqual(cache, {
      print_stats: { state: 'printing', info: { total_layer: null, current_layer: 3 } },
      toolhead: { position: [1, 2, 3, 4] },
      extruder: { temperature: 200 },
    });
    mergeStatus(cache, { virtual_sdcard: { file_path: null } });
    assert.equal((cache as PrinterObjects).virtual_sdcard.file_path, null);
  });

  it('does not share objects with the diff and ignores prototype keys and non-objects', () => {
    const diff = { webhooks: { nested: { a: 1 } } };
    const cache: PrinterObjects = {};
    mergeStatus(cache, diff);
    (diff.webhooks.nested as Record<string, number>).a = 2;
    assert.equal((cache.webhooks.nested as Record<string, number>).a, 1);
    assert.equal(mergeStatus(cache, 'x'), false);
    assert.equal(mergeStatus(cache, [1]), false);
    mergeStatus(cache, JSON.parse('{"__proto__": {"polluted": true}, "fan": 3}'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(cache.fan, undefined);
    const target: Record<string, unknown> = {};
    deepMerge(target, JSON.parse('{"__proto__": {"polluted": true}}'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

describe('moonraker subscription set', () => {
  it('subscribes to the core objects present, filament sensors and the timelapse macro', () => {
    const objects = subscriptionFor(['print_stats', 'webhooks', 'fan', 'filament_switch_sensor runout', 'filament_motion_sensor encoder', 'gcode_macro TIMELAPSE_TAKE_FRAME', 'gcode_macro OTHER']);
    assert.deepEqual(Object.keys(objects).sort(), ['filament_motion_sensor encoder', 'filament_switch_sensor runout', 'gcode_macro TIMELAPSE_TAKE_FRAME', 'print_stats', 'webhooks']);
    assert.ok(Object.values(objects).every((v) => v === null));
  });

  it('asks for the whole core set when the object list is unknown', () => {
    assert.equal(Object.keys(subscriptionFor(undefined)).length, 8);
  });
});

describe('moonraker url handling', () => {
  it('derives websocket and HTTP addresses, defaulting to port 7125', () => {
    assert.deepEqual(parseMoonrakerUrl('http://voron.local:7125'), { httpBase: 'http://voron.local:7125', wsUrl: 'ws://voron.local:7125/websocket', host: 'voron.local', secure: false });
    assert.equal(parseMoonrakerUrl('voron.local').wsUrl, 'ws://voron.local:7125/websocket');
    assert.equal(parseMoonrakerUrl('https://printer.example/moonraker/').wsUrl, 'wss://printer.example/moonraker/websocket');
    assert.equal(parseMoonrakerUrl('http://[fe80::1]:7125').host, '[fe80::1]');
  });

  it('rejects what cannot work, naming the field', () => {
    assert.throws(() => parseMoonrakerUrl(''), /url is required/);
    assert.throws(() => parseMoonrakerUrl(42), /url is required/);
    assert.throws(() => parseMoonrakerUrl('ftp://x'), /http:\/\/ or https:\/\//);
    assert.throws(() => parseMoonrakerUrl('http://user:pw@x'), /credentials/);
    assert.throws(() => parseMoonrakerUrl('http://exa mple'), /not a valid URL/);
  });

  it('resolves a relative snapshot URL on port 80 of the printer host, not 7125', () => {
    const endpoint = parseMoonrakerUrl('http://voron.local:7125');
    assert.equal(resolveSnapshotUrl('/webcam/?action=snapshot', endpoint), 'http://voron.local/webcam/?action=snapshot');
    assert.equal(resolveSnapshotUrl('http://cam.local:8080/snap.jpg', endpoint), 'http://cam.local:8080/snap.jpg');
    assert.equal(resolveSnapshotUrl('/snap', parseMoonrakerUrl('http://[fe80::1]:7125')), 'http://[fe80::1]/snap');
  });
});

describe('moonraker serial queue', () => {
  it('keeps order across async tasks and survives throwing ones', async () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const q = new SerialQueue((e) => errors.push(e));
    q.push(() => void seen.push('a'));
    q.push(async () => {
      await new Promise((r) => setTimeout(r, 20));
      seen.push('b');
    });
    q.push(() => {
      throw new Error('boom');
    });
    q.push(async () => Promise.reject(new Error('async boom')));
    q.push(() => void seen.push('c'));
    assert.deepEqual(seen, ['a']);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.equal(errors.length, 2);
    assert.ok(q.idle);
  });
});

describe('moonraker node status', () => {
  it('maps link phases and jobs like the OctoPrint source: grey, yellow ring, green, yellow dot, red ring', () => {
    assert.deepEqual(statusFor({ phase: 'idle' }), { fill: 'grey', shape: 'ring', text: 'idle' });
    assert.deepEqual(statusFor({ phase: 'connecting' }), { fill: 'yellow', shape: 'ring', text: 'connecting' });
    assert.equal(statusFor({ phase: 'failed', message: 'connect ECONNREFUSED 127.0.0.1:7125 and much more text' }).text, 'connection refused: 127.0.0.1:7125');
    assert.equal(statusFor({ phase: 'klippy', klippyState: 'startup', message: '' }).fill, 'yellow');
    assert.deepEqual(statusFor({ phase: 'klippy', klippyState: 'shutdown', message: 'MCU' }), { fill: 'red', shape: 'ring', text: 'klippy shutdown: MCU' });
    assert.deepEqual(statusFor({ phase: 'ready' }), { fill: 'grey', shape: 'dot', text: 'idle' });
    assert.deepEqual(statusFor({ phase: 'ready' }, { state: 'printing', progress: 42.7 }), { fill: 'green', shape: 'dot', text: 'printing 42%' });
    assert.deepEqual(statusFor({ phase: 'ready' }, { state: 'paused', progress: 50 }), { fill: 'yellow', shape: 'dot', text: 'paused 50%' });
  });
});
