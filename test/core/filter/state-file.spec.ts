import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrinterMarks } from '../../../src/filter/printer-marks';
import { decodeMarksInto, encodeMarks } from '../../../src/filter/state-codec';
import { readStateFile, ThrottledStateFile, writeFileAtomic } from '../../../src/filter/state-file';

const NOW = Date.parse('2026-11-23T12:00:00Z');

function sample(): PrinterMarks {
  const marks = new PrinterMarks();
  Object.assign(marks.touch('p1'), { job: 'j1', milestone: 50 });
  Object.assign(marks.touch('__proto__'), { job: 'j9', milestone: 25, ended: true });
  marks.touch('p3').cooldown = new Map([['print.layer', NOW - 10_000], ['printer.online', NOW - 120_000]]);
  return marks;
}

describe('core/filter state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-filter-state-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('encodes and decodes every printer in activity order, dropping cooldown stamps past the window', () => {
    const text = encodeMarks(sample(), NOW, 60_000);
    const back = new PrinterMarks();
    decodeMarksInto(text, back);
    assert.deepEqual([...back.entries()], [
      ['p1', { job: 'j1', milestone: 50, ended: false }],
      ['__proto__', { job: 'j9', milestone: 25, ended: true }],
      ['p3', { job: '', milestone: 0, ended: false, cooldown: new Map([['print.layer', NOW - 10_000]]) }],
    ]);
    assert.equal(Object.getPrototypeOf({}).job, undefined, 'a "__proto__" printer id stays data');
  });

  const corrupt: Array<[string, string, RegExp]> = [
    ['truncated JSON', '{"format":"printhooks-filter-state","printers":[', /JSON/],
    ['a foreign file', '{"pins":{}}', /not a printhooks-filter-state file/],
    ['a newer version', '{"format":"printhooks-filter-state","version":9,"printers":[]}', /unknown version 9/],
    ['a milestone that is not a percent', '{"format":"printhooks-filter-state","version":1,"printers":[{"printer":"p","job":"j","milestone":"50"}]}', /printers\[0\]\.milestone/],
    ['a bad cooldown stamp', '{"format":"printhooks-filter-state","version":1,"printers":[{"printer":"p","job":"j","milestone":0,"cooldown":[["x","soon"]]}]}', /printers\[0\]\.cooldown/],
  ];
  for (const [name, text, why] of corrupt) {
    it(`sets aside ${name} with a warning and starts with no marks`, () => {
      const file = path.join(dir, 'f1.json');
      fs.writeFileSync(file, text);
      const marks = new PrinterMarks();
      const read = readStateFile(file, (t) => decodeMarksInto(t, marks));
      assert.match(read.warning ?? '', why);
      assert.match(read.warning ?? '', /set aside as .*f1\.json\.corrupt-/);
      assert.equal(marks.size, 0);
      assert.equal(fs.existsSync(file), false);
      const aside = fs.readdirSync(dir).filter((f) => f.startsWith('f1.json.corrupt-'));
      assert.equal(aside.length, 1);
      assert.equal(fs.readFileSync(path.join(dir, aside[0]), 'utf8'), text, 'the evidence is kept as it was');
    });
  }

  it('a missing file is no warning', () => {
    assert.deepEqual(readStateFile(path.join(dir, 'none.json'), () => assert.fail('not called')), {});
  });

  it('writes atomically: the folder is created, no temp file is left, mode 0600', async () => {
    const file = path.join(dir, 'deep', 'f1.json');
    await writeFileAtomic(file, 'one');
    await writeFileAtomic(file, 'two');
    assert.equal(fs.readFileSync(file, 'utf8'), 'two');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['f1.json']);
    if (process.platform !== 'win32') assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  });

  it('throttles: many changes within the interval make one write, flush writes the rest at once', async () => {
    const file = path.join(dir, 'f1.json');
    let renders = 0;
    let value = 0;
    const writer = new ThrottledStateFile(file, () => {
      renders += 1;
      return String(value);
    }, (err) => assert.fail(err), 60_000);
    value = 1;
    writer.markDirty(); // first change: written at once (nothing written yet)
    await new Promise((r) => setTimeout(r, 50));
    for (value = 2; value <= 100; value += 1) writer.markDirty();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(renders, 1);
    assert.equal(fs.readFileSync(file, 'utf8'), '1');
    await writer.flush();
    assert.equal(renders, 2);
    assert.equal(fs.readFileSync(file, 'utf8'), '101');
    await writer.flush();
    assert.equal(renders, 2, 'nothing changed, nothing written');
  });

  it('remove deletes the file and stops writing', async () => {
    const file = path.join(dir, 'f1.json');
    const writer = new ThrottledStateFile(file, () => 'x', (err) => assert.fail(err), 10);
    writer.markDirty();
    await writer.flush();
    assert.ok(fs.existsSync(file));
    writer.markDirty();
    await writer.remove();
    writer.markDirty();
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(fs.existsSync(file), false);
  });

  it('a write error is reported and tried again on the next flush', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    fs.writeFileSync(blocker, '');
    const errors: string[] = [];
    const writer = new ThrottledStateFile(path.join(blocker, 'f1.json'), () => 'x', (err) => errors.push(err.message), 10);
    writer.markDirty();
    await writer.flush();
    assert.equal(errors.length, 1);
    fs.rmSync(blocker);
    await writer.flush();
    assert.equal(errors.length, 1);
    assert.equal(fs.readFileSync(path.join(blocker, 'f1.json'), 'utf8'), 'x');
  });
});
