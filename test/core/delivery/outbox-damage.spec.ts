import { strict as assert } from 'assert';
import * as fs from 'fs';
import { Outbox } from '../../../src/delivery/outbox';
import type { StoredRequest } from '../../../src/delivery/outbox-record';
import { seededRandom } from './seeded-random';
import { tempDir } from './tmp-dir';

function req(n: number, pad: number): StoredRequest {
  return {
    webhookId: `evt_${n}`,
    eventType: 'print.done',
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    payloadKind: 'json',
    createdAt: 1700000000000 + n,
    body: Buffer.from(JSON.stringify({ n, pad: 'x'.repeat(pad) })),
  };
}

interface Written {
  seq: number;
  offset: number;
  length: number;
  req: StoredRequest;
}

/** Writes `count` records of varied sizes and returns where each one landed. */
async function writeLog(dir: string, count: number, random: () => number): Promise<Written[]> {
  const outbox = new Outbox(dir);
  const made = [];
  for (let n = 1; n <= count; n++) {
    const r = req(n, Math.floor(random() * 300));
    made.push({ entry: outbox.append(r, 0).entry, req: r });
  }
  await outbox.sync();
  const written = made.map(({ entry, req }) => ({ seq: entry.seq, offset: entry.offset, length: entry.length, req }));
  await outbox.close();
  return written;
}

/** Opens the damaged log and checks that every record outside `damaged` is back, byte for byte, and nothing else. */
async function expectIntactRecovered(dir: string, written: Written[], damaged: (w: Written) => boolean, label: string): Promise<Outbox> {
  // fsync off: these rounds test what replay finds, and run many times; no cache: reads go to the rewritten file
  const outbox = new Outbox(dir, { fsync: false, cacheEntries: 0 });
  const intact = written.filter((w) => !damaged(w));
  const found = new Set([...outbox.entries()].map((e) => e.seq));
  for (const w of intact) {
    assert.ok(found.has(w.seq), `${label}: intact record ${w.seq} was not recovered`);
    assert.deepEqual(outbox.read(outbox.get(w.seq)!), w.req, `${label}: record ${w.seq} came back changed`);
  }
  const known = new Set(written.map((w) => w.seq));
  for (const seq of found) assert.ok(known.has(seq), `${label}: record ${seq} was never written`);
  return outbox;
}

describe('delivery/outbox damage', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => { t = tempDir(); });
  afterEach(() => t.cleanup());

  it('one corrupt byte in record 101 of 200 loses only that record; its bytes are set aside beside the log', async () => {
    const written = await writeLog(t.dir, 200, seededRandom(101));
    const bad = written[100];
    const log = fs.readFileSync(`${t.dir}/outbox.log`);
    log[bad.offset + bad.length - 3] ^= 0x20;
    fs.writeFileSync(`${t.dir}/outbox.log`, log);

    const outbox = await expectIntactRecovered(t.dir, written, (w) => w === bad, 'byte 101');
    assert.equal(outbox.count, 199);
    const skipped = outbox.recovery.skipped!;
    assert.equal(skipped.bytes, bad.length);
    assert.equal(skipped.recordsAfter, 99);
    assert.equal(outbox.recovery.tornBytes, 0, 'a damaged record in the middle is not a torn tail');
    const aside = fs.readFileSync(skipped.quarantine!);
    assert.deepEqual(aside, log.subarray(bad.offset, bad.offset + bad.length));
    // the log was rewritten without the damage: a second open finds nothing wrong and appends go on
    outbox.append(req(201, 5), 0);
    await outbox.close();
    const again = new Outbox(t.dir);
    assert.equal(again.count, 200);
    assert.equal(again.recovery.skipped, undefined);
    await again.close();
  });

  it('single-bit flips at random offsets: every intact record is recovered', async function () {
    this.timeout(20000);
    const random = seededRandom(7);
    const written = await writeLog(t.dir, 120, random);
    const pristine = fs.readFileSync(`${t.dir}/outbox.log`);
    for (let round = 0; round < 30; round++) {
      const at = 8 + Math.floor(random() * (pristine.length - 8));
      const log = Buffer.from(pristine);
      log[at] ^= 1 << Math.floor(random() * 8);
      fs.writeFileSync(`${t.dir}/outbox.log`, log);
      const outbox = await expectIntactRecovered(t.dir, written, (w) => at >= w.offset && at < w.offset + w.length, `flip at ${at}`);
      assert.equal(outbox.count, written.length - 1, `flip at ${at}`);
      await outbox.close();
      clearAside(t.dir);
    }
  });

  it('zeroed 4 KB pages: every record outside the page is recovered', async function () {
    this.timeout(20000);
    const random = seededRandom(11);
    const written = await writeLog(t.dir, 150, random);
    const pristine = fs.readFileSync(`${t.dir}/outbox.log`);
    const pages = Math.floor(pristine.length / 4096);
    for (let page = 0; page <= pages; page++) {
      const from = Math.max(8, page * 4096);
      const to = Math.min(pristine.length, (page + 1) * 4096);
      const log = Buffer.from(pristine);
      log.fill(0, from, to);
      fs.writeFileSync(`${t.dir}/outbox.log`, log);
      const outbox = await expectIntactRecovered(t.dir, written, (w) => w.offset < to && w.offset + w.length > from, `page ${page}`);
      await outbox.close();
      clearAside(t.dir);
    }
  });

  it('garbage inserted at random offsets: every record it did not land inside is recovered', async function () {
    this.timeout(20000);
    const random = seededRandom(23);
    const written = await writeLog(t.dir, 120, random);
    const pristine = fs.readFileSync(`${t.dir}/outbox.log`);
    for (let round = 0; round < 30; round++) {
      const at = 8 + Math.floor(random() * (pristine.length - 8));
      const garbage = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256)));
      fs.writeFileSync(`${t.dir}/outbox.log`, Buffer.concat([pristine.subarray(0, at), garbage, pristine.subarray(at)]));
      const outbox = await expectIntactRecovered(t.dir, written, (w) => at > w.offset && at < w.offset + w.length, `insert at ${at}`);
      assert.ok(outbox.recovery.skipped || outbox.recovery.tornBytes, `insert at ${at}: the damage is reported`);
      await outbox.close();
      clearAside(t.dir);
    }
  });

  it('two damaged runs and a torn tail at once: the runs are set aside, the log rewritten without them, the tail cut', async () => {
    const written = await writeLog(t.dir, 60, seededRandom(5));
    const log = fs.readFileSync(`${t.dir}/outbox.log`);
    const [a, b] = [written[10], written[40]];
    log.fill(0xee, a.offset + 4, a.offset + 12);
    log[b.offset + 20] ^= 0xff;
    fs.writeFileSync(`${t.dir}/outbox.log`, log.subarray(0, log.length - 7));
    const outbox = await expectIntactRecovered(t.dir, written, (w) => w === a || w === b || w === written[59], 'runs + tail');
    const skipped = outbox.recovery.skipped!;
    assert.deepEqual([skipped.ranges, skipped.bytes, skipped.recordsAfter], [2, a.length + b.length, 47]);
    assert.equal(outbox.recovery.tornBytes, written[59].length - 7);
    assert.equal(fs.statSync(outbox.file).size, log.length - a.length - b.length - written[59].length);
    assert.deepEqual(fs.readFileSync(skipped.quarantine!), Buffer.concat([log.subarray(a.offset, a.offset + a.length), log.subarray(b.offset, b.offset + b.length)]));
    await outbox.close();
  });

  it('only a damaged tail is cut as a torn write, and nothing is set aside for it', async () => {
    const written = await writeLog(t.dir, 10, seededRandom(3));
    fs.truncateSync(`${t.dir}/outbox.log`, fs.statSync(`${t.dir}/outbox.log`).size - 5);
    const outbox = await expectIntactRecovered(t.dir, written, (w) => w === written[9], 'tail');
    assert.ok(outbox.recovery.tornBytes > 0);
    assert.equal(outbox.recovery.skipped, undefined);
    await outbox.close();
  });
});

/** Puts the pristine log back between rounds: removes quarantine files so each round starts clean. */
function clearAside(dir: string): void {
  for (const name of fs.readdirSync(dir)) if (name.includes('.quarantine-')) fs.rmSync(`${dir}/${name}`);
}
