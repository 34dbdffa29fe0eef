import assert from 'node:assert/strict';
import { ChangeWatch } from '../../../src/sources/change-watch';
import { MAX_MESSAGE_CHARS, MessageLog, withPrefix } from '../../../src/sources/printer-message';

const printer = { id: 'p1', name: 'Printer', kind: 'moonraker' as const };
const material = (type: string) => () => ({ type: 'printer.material_changed' as const, value: { type } });

describe('printer information helpers (printer.message ids, prefix, change edges)', () => {
  it('a prefix keeps only texts that start with it (any case, then ":" or a space) and cuts it off', () => {
    assert.equal(withPrefix('  Layer 3  ', ''), 'Layer 3');
    assert.equal(withPrefix('   ', undefined), undefined);
    assert.equal(withPrefix('notify: Bed is free', 'notify'), 'Bed is free');
    assert.equal(withPrefix('NOTIFY Bed is free', 'notify'), 'Bed is free');
    assert.equal(withPrefix('notify:Bed', 'notify'), 'Bed');
    assert.equal(withPrefix('notifyme: x', 'notify'), undefined, 'a longer word is not the prefix');
    assert.equal(withPrefix('Layer 3', 'notify'), undefined);
    assert.equal(withPrefix('notify:   ', 'notify'), undefined, 'nothing left after the prefix');
  });

  it('in a job, the same text from the same source keeps one id per showing; another job or text gets another', () => {
    const log = new MessageLog(printer, () => new Date('2026-12-02T10:00:00Z'));
    const job = { id: 'job-1' };
    const first = log.event({ text: 'Purge done', source: 'M117' }, job);
    const second = log.event({ text: 'Purge done', source: 'M117' }, job);
    const again = new MessageLog(printer).event({ text: 'Purge done', source: 'M117' }, job);
    assert.equal(first.id, again.id, 'the first showing of a text in a job has the same id in any run');
    assert.notEqual(first.id, second.id, 'a second showing in the same job is a second message');
    assert.notEqual(first.id, log.event({ text: 'Purge done', source: 'RESPOND' }, job).id);
    assert.notEqual(first.id, log.event({ text: 'Purge done', source: 'M117' }, { id: 'job-2' }).id);
    assert.deepEqual(first.message, { text: 'Purge done', source: 'M117', level: 'info' });
    assert.equal(first.type, 'printer.message');
    assert.equal(first.job?.id, 'job-1');
  });

  it('between jobs the second it was shown tells two showings apart; long texts are cut', () => {
    let clock = Date.parse('2026-12-02T10:00:00Z');
    const log = new MessageLog(printer, () => new Date(clock));
    const a = log.event({ text: 'Ready', source: 'M117' }, undefined);
    const same = log.event({ text: 'Ready', source: 'M117' }, undefined);
    clock += 5000;
    const later = log.event({ text: 'Ready', source: 'M117' }, undefined);
    assert.equal(a.id, same.id);
    assert.notEqual(a.id, later.id);
    assert.equal(a.job, undefined);
    const long = log.event({ text: 'x'.repeat(5000), source: 'RESPOND' }, undefined);
    assert.equal(long.message?.text.length, MAX_MESSAGE_CHARS);
  });

  it('a change watch: the first reading after connect is a baseline, then edges only; "nothing" never fires', () => {
    const watch = new ChangeWatch(printer, () => new Date('2026-12-02T10:00:00Z'));
    assert.equal(watch.awaitingBaseline, true);
    assert.deepEqual(watch.observe('PLA', material('PLA')), [], 'baseline');
    assert.equal(watch.awaitingBaseline, false);
    assert.deepEqual(watch.observe('PLA', material('PLA')), []);
    const [changed] = watch.observe('PETG', material('PETG'), { id: 'job-1' });
    assert.equal(changed.type, 'printer.material_changed');
    assert.deepEqual(changed.material, { type: 'PETG' });
    assert.equal(changed.job?.id, 'job-1');
    assert.deepEqual(watch.observe(undefined, material('none')), [], 'unloaded: nothing');
    assert.deepEqual(watch.observe('PETG', material('PETG')), [], 'loaded again with the same: nothing');
    watch.connected();
    assert.equal(watch.awaitingBaseline, true);
    assert.deepEqual(watch.observe('ABS', material('ABS')), [], 'after a reconnect: a baseline again');
    assert.equal(watch.current, 'ABS');
  });
});
