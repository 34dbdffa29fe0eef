import assert from 'node:assert/strict';
import { parseCrealityAddress } from '../../../../src/sources/creality/address';
import { stateCode, stateLabel } from '../../../../src/sources/creality/codes';
import { parseCrealityFrame } from '../../../../src/sources/creality/frames';
import { currentError, fileOf, isRunout, jobKeyOf, observationOf } from '../../../../src/sources/creality/job-state';
import { MAX_STATE_FIELDS, mergeStatus, type CrealityState } from '../../../../src/sources/creality/merge';
import { SilenceWatch } from '../../../../src/sources/creality/silence-watch';

describe('creality: address, frames, merge, state mapping', () => {
  it('builds ws://host:9999/ by default and names the field that is wrong', () => {
    assert.equal(parseCrealityAddress(' 192.168.1.40 ', undefined).wsUrl, 'ws://192.168.1.40:9999/');
    assert.equal(parseCrealityAddress('k1c.local', '9998').port, 9998);
    assert.equal(parseCrealityAddress('fe80::1', 9999).wsUrl, 'ws://[fe80::1]:9999/');
    assert.throws(() => parseCrealityAddress('', 9999), /^Error: host:/);
    assert.throws(() => parseCrealityAddress('ws://10.0.0.2', 9999), /host: .*no ws:\/\//);
    assert.throws(() => parseCrealityAddress('10.0.0.2:9999', ''), /host: put the port in the port field/);
    assert.throws(() => parseCrealityAddress('10.0.0.2', 70000), /port: "70000" must be 1-65535/);
    assert.throws(() => parseCrealityAddress('10.0.0.2', 'abc'), /port: "abc"/);
  });

  it('tells ok, heart_beat, status objects and bad frames apart', () => {
    assert.deepEqual(parseCrealityFrame('ok'), { kind: 'ok' });
    assert.deepEqual(parseCrealityFrame('{"ModeCode":"heart_beat"}'), { kind: 'heartbeat' });
    assert.deepEqual(parseCrealityFrame('{"state":1}'), { kind: 'status', fields: { state: 1 } });
    assert.equal(parseCrealityFrame('[1,2]').kind, 'invalid');
    assert.equal(parseCrealityFrame('{"state":').kind, 'invalid');
    assert.equal(parseCrealityFrame(`{"a":${'['.repeat(40)}${']'.repeat(40)}}`).kind, 'invalid');
    assert.equal(parseCrealityFrame(`{"a":"${'x'.repeat(300 * 1024)}"}`).kind, 'invalid');
  });

  it('merges partial frames field by field and stays bounded', () => {
    const state: CrealityState = { state: 1, err: { errcode: 5, key: 5 } };
    const { delta } = mergeStatus(state, { printProgress: 37, err: { errcode: 0 } });
    assert.deepEqual(delta, { printProgress: 37, err: { errcode: 0 } });
    assert.deepEqual(state, { state: 1, printProgress: 37, err: { errcode: 0 } });
    const hostile = JSON.parse('{"__proto__":{"polluted":1},"constructor":1}') as Record<string, unknown>;
    assert.equal(mergeStatus(state, hostile).dropped, 2);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    const many: Record<string, unknown> = {};
    for (let i = 0; i < MAX_STATE_FIELDS + 50; i++) many[`f${i}`] = i;
    const result = mergeStatus(state, many);
    assert.equal(Object.keys(state).length, MAX_STATE_FIELDS);
    assert.ok(result.dropped >= 50);
    mergeStatus(state, { state: 2 });
    assert.equal(state.state, 2, 'a known field is still updated at the cap');
  });

  it('reads numbers that arrive as strings and keeps absurd values out', () => {
    const obs = observationOf({ state: '1', printProgress: '42', layer: '12', TotalLayer: '140', printJobTime: '1602.4', printLeftTime: 'n/a', bedTemp0: '60.02', printStartTime: '1781604058' });
    assert.equal(obs.state, 'printing');
    assert.equal(obs.progress, 42);
    assert.equal(obs.layer, 12);
    assert.equal(obs.layers, 140);
    assert.equal(obs.elapsed_s, 1602);
    assert.equal(obs.remaining_s, undefined);
    assert.equal(obs.bedTemp, 60.02);
    assert.equal(obs.started_at, new Date(1781604058 * 1000).toISOString());
    const absurd = observationOf({ state: 1, printProgress: 400, printStartTime: 1e20, layer: 0 });
    assert.equal(absurd.progress, undefined);
    assert.equal(absurd.started_at, undefined);
    assert.equal(absurd.layer, undefined, 'layer 0 is "not started yet"');
    assert.equal(observationOf({ state: 1, dProgress: '30' }).progress, 30, 'dProgress where printProgress is never sent');
    assert.equal(observationOf({ state: 1, printProgress: 'x', dProgress: 30 }).progress, undefined);
  });

  it('maps the state codes; steps between states keep the state', () => {
    const expected: Array<[unknown, string | undefined]> = [[0, 'idle'], [1, 'printing'], [2, 'finished'], [3, 'failed'], [4, 'cancelled'], [5, 'paused'], [6, 'paused'], [7, undefined], [8, undefined], [101, undefined], [999, undefined], ['x', undefined]];
    for (const [code, state] of expected) assert.equal(observationOf({ state: code }).state, state, `state ${String(code)}`);
    assert.equal(stateCode('5'), 5);
    assert.equal(stateLabel(2), 'printing complete');
    assert.equal(stateLabel(42), 'state 42');
  });

  it('names the job by start time and file, below the gcodes folder', () => {
    const state = { printFileName: '/usr/data/printer_data/gcodes/sub/Bin Lid.gcode', printStartTime: 1781604058, printId: '' };
    assert.equal(fileOf(state), 'sub/Bin Lid.gcode');
    assert.equal(fileOf({ printFileName: '/mnt/usb/a.gcode' }), 'a.gcode');
    assert.equal(jobKeyOf(state), '1781604058:sub/Bin Lid.gcode');
    assert.equal(jobKeyOf({ printFileName: '', printStartTime: 0 }), undefined);
  });

  it('turns err into a printer error, a fatal one ends a stop as a failure, a runout is attention', () => {
    assert.equal(currentError({ err: { errcode: 0, key: 0 } }), undefined);
    assert.deepEqual(currentError({ err: { errcode: '209', key: '209' } })?.error, { code: '209', message: 'Bed temperature fault', severity: 'error' });
    assert.deepEqual(observationOf({ state: 1, err: { errcode: 4, key: 4 } }).errors?.map((e) => e.code), ['4']);
    const failed = observationOf({ state: 3, err: { errcode: 0 } });
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error?.code, 'print_failed');
    const stoppedByFault = observationOf({ state: 4, err: { errcode: 116, key: 116 } });
    assert.equal(stoppedByFault.state, 'failed');
    assert.equal(stoppedByFault.error?.severity, 'fatal');
    assert.equal(observationOf({ state: 4 }).reason, 'user');
    assert.equal(isRunout({ materialDetector1: '1' }), true);
    assert.equal(isRunout({ err: { errcode: 30000, key: 30000 } }), true);
    const runout = observationOf({ state: 5, err: { errcode: 30000, key: 30000 } });
    assert.equal(runout.reason, 'filament_runout');
    assert.deepEqual(runout.errors, [], 'a runout is not also a printer.error');
  });

  it('probes after the silence, again while it lasts, and gives up at the dead line', () => {
    const watch = new SilenceWatch({ probeAfterMs: 7000, deadAfterMs: 12_000, probeEveryMs: 2000 });
    watch.heard(0);
    assert.equal(watch.check(6999).action, 'none');
    assert.equal(watch.check(7000).action, 'probe');
    assert.equal(watch.check(8000).action, 'none');
    assert.equal(watch.check(9000).action, 'probe');
    watch.heard(9500);
    assert.equal(watch.check(16_000).action, 'none');
    assert.deepEqual(watch.check(21_500), { action: 'dead', silentMs: 12_000 });
  });
});
