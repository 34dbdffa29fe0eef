/**
 * Seeded malformed printer frames for the fuzz suite (docs/robustness.md): truncated and deep JSON,
 * wrong types, huge numbers and dates, 10 MB frames, invalid UTF-8, non-JSON payloads, unknown JSON-RPC
 * ids and unexpected OctoPrint frame shapes. The same seed always gives the same frames, so a failure
 * can be replayed with `npm run fuzz -- --seed <n>`.
 */

export type Random = () => number;
/** A frame as a fake sends it: text, or bytes (sent as a text frame where the protocol has one). */
export type FuzzFrame = string | Buffer;
export type FuzzSource = 'bambu' | 'moonraker' | 'octoprint';

/** mulberry32: a small, fast, seeded PRNG (no dependency). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)];
const int = (r: Random, max: number): number => Math.floor(r() * max);

/** Values of every wrong kind a field can get. */
export function hostileValue(r: Random, depth = 0): unknown {
  switch (int(r, 18)) {
    case 0: return null;
    case 1: return pick(r, [1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2, -0]);
    case 2: return pick(r, ['99999999999999', '1e400', '-1', 'NaN', 'Infinity', '0x1F', '']);
    case 3: return pick(r, [99999999999999, 8.64e15 + 1, -8.64e15 - 1, 253402300800, 1763900100]);
    case 4: return 'x'.repeat(int(r, 4000));
    case 5: return pick(r, ['\u0000', '\ud800', '💥', '{{job.file}}', '__proto__', '../../etc/passwd']);
    case 6: return r() < 0.5;
    case 7: return depth > 3 ? [] : [hostileValue(r, depth + 1), hostileValue(r, depth + 1)];
    case 8: return depth > 3 ? {} : { [pick(r, ['a', 'state', 'id', 'time', '__proto__', 'constructor'])]: hostileValue(r, depth + 1) };
    case 9: return int(r, 1000) - 500;
    case 10: return r() * 200 - 50;
    case 11: return pick(r, ['RUNNING', 'FINISH', 'FAILED', 'PAUSE', 'IDLE', 'printing', 'complete', 'error', 'paused', 'standby', 'cancelled']);
    case 12: return pick(r, [[], {}, [[]], [{}], { id: {} }]);
    case 13: return String(int(r, 1e9));
    case 14: return nestedValue(int(r, 200) + 2);
    default: return pick(r, ['benchy.gcode', 'a.3mf', 'Plate_1', '0', '1']);
  }
}

/** {"a":{"a":…}} nested `levels` deep, built without recursion. */
export function nestedValue(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = { a: value };
  return value;
}

/** Text nested `levels` deep ("{"a":" repeated), optionally left open (truncated). */
export function nestedText(levels: number, closed = true): string {
  return '{"a":'.repeat(levels) + '1' + (closed ? '}'.repeat(levels) : '');
}

/** A copy of `shape` with random fields replaced by hostile values, some dropped and some added. */
export function mutate(r: Random, shape: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(shape)) {
    const roll = r();
    if (roll < 0.15) continue;
    out[key] = roll < 0.55 ? hostileValue(r) : value && typeof value === 'object' && !Array.isArray(value) && r() < 0.5 ? mutate(r, value as Record<string, unknown>) : value;
  }
  // defineProperty: an own "__proto__" key, as JSON.parse makes one, not a prototype change.
  if (r() < 0.2) Object.defineProperty(out, pick(r, ['__proto__', 'constructor', 'prototype', 'extra', '']), { value: hostileValue(r), enumerable: true, writable: true, configurable: true });
  return out;
}

let tenMegabytes: string | undefined;
/** A 10 MB frame of valid JSON (built once). */
export function hugeFrame(): string {
  tenMegabytes ??= JSON.stringify({ print: { gcode_state: 'RUNNING', junk: 'x'.repeat(10 * 1024 * 1024) } });
  return tenMegabytes;
}

/** Framing-level garbage any source may see: truncated, deep, not JSON, not UTF-8, empty. */
function framingGarbage(r: Random, valid: string): FuzzFrame {
  switch (int(r, 8)) {
    case 0: return valid.slice(0, int(r, valid.length));
    case 1: return nestedText(pick(r, [65, 500, 10_000]), r() < 0.7);
    case 2: return Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]);
    case 3: return pick(r, ['', ' ', 'null', '[]', '42', '"text"', 'true', '{}', 'not json at all', '\u0000\u0001']);
    case 4: return '['.repeat(int(r, 5_000) + 1);
    case 5: return Buffer.from(Array.from({ length: int(r, 64) + 1 }, () => int(r, 256)));
    case 6: return valid.replace(/[0-9]/g, () => String(int(r, 10)));
    default: return JSON.stringify(hostileValue(r));
  }
}

const BAMBU_PRINT = {
  command: 'push_status', msg: 1, sequence_id: '2001', gcode_state: 'RUNNING', mc_percent: 42, mc_remaining_time: 31,
  layer_num: 12, total_layer_num: 140, print_error: 0, fail_reason: '0', task_id: '0', subtask_id: '', subtask_name: 'fuzz',
  gcode_file: '/data/fuzz.gcode', gcode_start_time: '1763900100', stg_cur: 0, hms: [{ attr: 16908544, code: 131074 }], bed_temper: 60,
  ams: { ams: [{ id: '0', tray: [{ id: '0', remain: 50 }] }], tray_now: '0' },
};

/** One malformed MQTT payload for a Bambu printer's report topic. */
export function bambuFrame(r: Random): FuzzFrame {
  const roll = r();
  if (roll < 0.35) return JSON.stringify({ print: mutate(r, BAMBU_PRINT) });
  if (roll < 0.45) return JSON.stringify({ print: { ...mutate(r, BAMBU_PRINT), gcode_start_time: pick(r, ['99999999999999', 99999999999999, 8.64e12 + 1, '-1']) } });
  if (roll < 0.5) return JSON.stringify({ info: mutate(r, { command: 'get_version', module: [{ name: 'ota', sw_ver: '1', product_name: 'Bambu Lab P1S' }] }) });
  if (roll < 0.55) return '{"print":' + nestedText(10_000) + '}';
  if (roll < 0.6) return JSON.stringify({ print: { command: pick(r, ['push_status', 'gcode_line', 'project_file', 42, null]), ams: hostileValue(r), hms: hostileValue(r) } });
  return framingGarbage(r, JSON.stringify({ print: BAMBU_PRINT }));
}

const KLIPPER_STATUS = {
  print_stats: { filename: 'fuzz.gcode', state: 'printing', total_duration: 12.5, print_duration: 10, message: '', info: { total_layer: 100, current_layer: 3 } },
  virtual_sdcard: { progress: 0.25, file_position: 1234, is_active: true },
  heater_bed: { temperature: 60.1, target: 60 },
  extruder: { temperature: 210, target: 210 },
  webhooks: { state: 'ready', state_message: 'Printer is ready' },
  pause_resume: { is_paused: false },
};

/** One malformed JSON-RPC frame from Moonraker. */
export function moonrakerFrame(r: Random): FuzzFrame {
  const roll = r();
  if (roll < 0.3) return JSON.stringify({ jsonrpc: '2.0', method: 'notify_status_update', params: [mutate(r, KLIPPER_STATUS), hostileValue(r)] });
  if (roll < 0.4) return JSON.stringify({ jsonrpc: '2.0', method: 'notify_status_update', params: pick(r, [[], [null], ['text'], [[1, 2]], hostileValue(r)]) });
  if (roll < 0.5) return JSON.stringify({ jsonrpc: '2.0', id: pick(r, [int(r, 1e6) + 1e5, -1, 1.5, 1e300, '7', null]), result: hostileValue(r) });
  if (roll < 0.55) return JSON.stringify({ jsonrpc: '2.0', id: int(r, 1e6) + 1e5, error: hostileValue(r) });
  if (roll < 0.65) {
    const job = mutate(r, { job_id: '00002A', filename: 'fuzz.gcode', status: pick(r, ['completed', 'cancelled', 'error', 'in_progress', 'server_exit', 7]), start_time: 1763900100, end_time: pick(r, [99999999999999, 1e308, -5, 1763900200]), total_duration: 12 });
    return JSON.stringify({ jsonrpc: '2.0', method: 'notify_history_changed', params: [{ action: pick(r, ['finished', 'added', 'deleted', 42]), job }] });
  }
  if (roll < 0.7) return JSON.stringify({ jsonrpc: '2.0', method: 'notify_gcode_response', params: [pick(r, ['!! ', '!! ' + 'e'.repeat(int(r, 3000)), '// action:prompt_begin x', '// action:prompt_show', 42, null])] });
  if (roll < 0.75) return '{"jsonrpc":"2.0","method":"notify_status_update","params":[{"print_stats":' + nestedText(10_000) + '}]}';
  if (roll < 0.8) return JSON.stringify({ jsonrpc: '2.0', method: pick(r, ['notify_unknown', '', 'notify_proc_stat_update']), params: hostileValue(r) });
  return framingGarbage(r, JSON.stringify({ jsonrpc: '2.0', method: 'notify_status_update', params: [KLIPPER_STATUS, 1234.5] }));
}

const OCTO_STATE = {
  state: { text: 'Printing', flags: { operational: true, printing: true, paused: false, error: false, closedOrError: false, ready: false }, error: '' },
  job: { file: { name: 'fuzz.gcode', path: 'fuzz.gcode', origin: 'local', display: 'fuzz.gcode' } },
  progress: { completion: 42.5, printTime: 100, printTimeLeft: 200 },
  markings: [{ type: 'print', time: 1763900100 }],
  temps: [{ bed: { actual: 60 } }],
  serverTime: 1763900200,
};

const OCTO_EVENTS = ['PrintStarted', 'PrintPaused', 'PrintResumed', 'PrintDone', 'PrintFailed', 'PrintCancelled', 'Error', 'FilamentChange', 'Waiting', 'PrinterStateChanged', 'DisplayLayerProgress_layerChanged', 'Connected', 'Disconnected', 'ZChange'];

/** One malformed push message from OctoPrint (never `connected`/`reauthRequired`, which restart the session). */
export function octoprintFrame(r: Random): FuzzFrame {
  const roll = r();
  if (roll < 0.3) return JSON.stringify({ current: mutate(r, OCTO_STATE) });
  if (roll < 0.35) return JSON.stringify({ current: { ...OCTO_STATE, serverTime: pick(r, [1e308, 99999999999999, -1, '1763900200']), markings: hostileValue(r) } });
  if (roll < 0.5) return JSON.stringify({ event: { type: pick(r, OCTO_EVENTS), payload: mutate(r, { name: 'fuzz.gcode', path: 'fuzz.gcode', origin: 'local', user: 'alice', time: 12, error: 'x', currentLayer: '3', state_id: 'PRINTING' }) } });
  if (roll < 0.55) return JSON.stringify({ event: hostileValue(r) });
  if (roll < 0.6) return JSON.stringify({ plugin: { plugin: pick(r, ['action_command_prompt', 'x', 42]), data: hostileValue(r) } });
  if (roll < 0.65) return JSON.stringify({ current: 1, event: 2 });
  if (roll < 0.7) return JSON.stringify({ [pick(r, ['slicingProgress', 'timelapse', 'unknownType', 'history'])]: hostileValue(r) });
  if (roll < 0.75) return '{"current":' + nestedText(10_000) + '}';
  if (roll < 0.8) return JSON.stringify([{ current: OCTO_STATE }]);
  return framingGarbage(r, JSON.stringify({ current: OCTO_STATE }));
}

export const FRAMES: Record<FuzzSource, (r: Random) => FuzzFrame> = { bambu: bambuFrame, moonraker: moonrakerFrame, octoprint: octoprintFrame };

/** True for frames a websocket client must refuse as a text frame (it then closes and reconnects). */
export function breaksWebsocket(frame: FuzzFrame): boolean {
  return Buffer.isBuffer(frame) && !isUtf8(frame);
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
