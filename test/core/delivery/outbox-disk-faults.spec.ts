import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Outbox, type DiskProblem } from '../../../src/delivery/outbox';
import type { StoredRequest } from '../../../src/delivery/outbox-record';
import type { OutboxEntry } from '../../../src/delivery/outbox-entry';
import { FaultyDisk } from './faulty-disk';
import { seededRandom } from './seeded-random';
import { until } from './queue-harness';
import { tempDir } from './tmp-dir';

function req(id: string): StoredRequest {
  return { webhookId: id, method: 'POST', headers: {}, payloadKind: 'string', createdAt: 1, body: Buffer.from(`body of ${id} `.repeat(4)) };
}

type Answer = 'accepted' | 'refused' | 'waiting';

/** Appends and keeps track of how the durable promise answered. */
function appendTracked(outbox: Outbox, id: string, answers: Map<string, Answer>, errors: Error[] = []): ReturnType<Outbox['append']> {
  answers.set(id, 'waiting');
  const appended = outbox.append(req(id), 0);
  appended.durable.then(
    () => answers.set(id, 'accepted'),
    (e: Error) => {
      answers.set(id, 'refused');
      errors.push(e);
    },
  );
  return appended;
}

function idsWith(answers: Map<string, Answer>, answer: Answer): string[] {
  return [...answers].filter(([, a]) => a === answer).map(([id]) => id);
}

/** What a restart would find: the log copied as it is on disk right now, opened elsewhere. */
async function idsAfterRestart(dir: string, into: string): Promise<Set<string>> {
  fs.rmSync(into, { recursive: true, force: true });
  fs.mkdirSync(into, { recursive: true });
  fs.copyFileSync(path.join(dir, 'outbox.log'), path.join(into, 'outbox.log'));
  const outbox = new Outbox(into, { fsync: false });
  const ids = new Set([...outbox.entries()].map((e) => outbox.read(e).webhookId));
  await outbox.close();
  return ids;
}

describe('delivery/outbox disk faults', () => {
  let t: ReturnType<typeof tempDir>;
  let disk: FaultyDisk;
  beforeEach(() => {
    t = tempDir();
    disk = new FaultyDisk();
  });
  afterEach(() => t.cleanup());

  function open(extra: ConstructorParameters<typeof Outbox>[1] = {}): Outbox {
    return new Outbox(path.join(t.dir, 'box'), { io: disk, commitGapMs: 1, faultRetryMs: 20, ...extra });
  }

  it('a batch refused on a full disk is cut from the file: none of its msgs comes back after a restart', async () => {
    const outbox = open();
    const answers = new Map<string, Answer>();
    for (let n = 0; n < 10; n++) appendTracked(outbox, `ok_${n}`, answers);
    await outbox.sync();
    const size = fs.statSync(outbox.file).size;
    const recordBytes = (size - 8) / 10;
    // room for 19 and a half more records: 19 of the next batch would land complete
    disk.capacity = size + Math.floor(recordBytes * 19.5);
    const errors: Error[] = [];
    for (let n = 0; n < 40; n++) appendTracked(outbox, `full_${n}`, answers, errors);
    await until(() => idsWith(answers, 'waiting').length === 0, 3000, 'every msg answered');
    assert.equal(idsWith(answers, 'refused').length, 40);
    assert.match(errors[0].message, /^disk full writing .*outbox\.log .*ENOSPC.*the msg was not stored; free space on that disk/);
    assert.equal(fs.statSync(outbox.file).size, size, 'the partly written batch was cut off');
    assert.equal(outbox.count, 10);
    const after = await idsAfterRestart(path.join(t.dir, 'box'), path.join(t.dir, 'restart'));
    assert.deepEqual([...after].sort(), idsWith(answers, 'accepted').sort());
    await outbox.close();
  });

  it('an fsync that fails after the records were written: they are cut before their msgs are refused', async () => {
    const outbox = open();
    const answers = new Map<string, Answer>();
    appendTracked(outbox, 'before', answers);
    await outbox.sync();
    disk.fsyncFails = true;
    for (let n = 0; n < 5; n++) appendTracked(outbox, `eio_${n}`, answers);
    // the cut needs an fsync too, so nothing is refused while fsyncs fail
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(idsWith(answers, 'refused').length, 0, 'not refused while the records may still be in the file');
    assert.equal(idsWith(answers, 'accepted').length, 1);
    disk.fsyncFails = false;
    await until(() => idsWith(answers, 'refused').length === 5, 3000, 'refusals after the cut');
    assert.deepEqual([...(await idsAfterRestart(path.join(t.dir, 'box'), path.join(t.dir, 'restart')))], ['before']);
    await outbox.close();
  });

  it('while the file cannot be cut back, refusals wait; new msgs are refused at once (never written)', async () => {
    const outbox = open();
    const answers = new Map<string, Answer>();
    disk.writeFault = 'EIO';
    disk.truncateFails = true;
    appendTracked(outbox, 'first', answers);
    await until(() => disk.failures >= 1, 2000, 'a failed write');
    await new Promise((r) => setTimeout(r, 30));
    appendTracked(outbox, 'second', answers);
    await until(() => answers.get('second') === 'refused', 2000, 'second refused');
    assert.equal(answers.get('first'), 'waiting', 'the first may still be in the file');
    assert.equal(outbox.diskProblem?.summary, 'disk I/O error');
    disk.truncateFails = false;
    disk.writeFault = undefined;
    await until(() => answers.get('first') === 'refused', 2000, 'first refused after the cut');
    assert.equal((await idsAfterRestart(path.join(t.dir, 'box'), path.join(t.dir, 'restart'))).size, 0);
    await outbox.close();
  });

  it('state records that hit a full disk are retried and land when space returns; new msgs are accepted again, no reopen', async () => {
    const problems: Array<string | undefined> = [];
    const outbox = open({ onDiskProblem: (p: DiskProblem | undefined) => problems.push(p?.summary) });
    const answers = new Map<string, Answer>();
    const entries = [0, 1, 2].map((n) => appendTracked(outbox, `ok_${n}`, answers).entry);
    await outbox.sync();
    disk.capacity = fs.statSync(outbox.file).size;
    entries[0].attempts = 3;
    entries[0].reason = 'HTTP 503';
    let updated = false;
    let completed = false;
    void outbox.update(entries[0]).then(() => (updated = true));
    void outbox.complete(entries[1]).then(() => (completed = true));
    appendTracked(outbox, 'while_full', answers);
    await until(() => answers.get('while_full') === 'refused', 2000, 'refused while full');
    assert.equal(outbox.diskProblem?.summary, 'disk full');
    await new Promise((r) => setTimeout(r, 80));
    assert.ok(disk.failures >= 2, `the state records were tried again (${disk.failures} failed writes)`);
    assert.deepEqual([updated, completed], [false, false]);
    disk.capacity = Infinity;
    await until(() => updated && completed, 2000, 'state records written');
    appendTracked(outbox, 'after', answers);
    await until(() => answers.get('after') === 'accepted', 2000, 'accepted again');
    assert.equal(outbox.diskProblem, undefined);
    assert.deepEqual(problems, ['disk full', undefined]);
    await outbox.close();
    const again = new Outbox(path.join(t.dir, 'box'));
    assert.deepEqual([...again.entries()].map((e) => again.read(e).webhookId), ['ok_0', 'ok_2', 'after']);
    assert.deepEqual([again.get(entries[0].seq)!.attempts, again.get(entries[0].seq)!.reason], [3, 'HTTP 503']);
    await again.close();
  });

  it('a read-only file system is said plainly and nothing is stored', async () => {
    const outbox = open();
    disk.writeFault = 'EROFS';
    const answers = new Map<string, Answer>();
    const errors: Error[] = [];
    appendTracked(outbox, 'ro', answers, errors);
    await until(() => answers.get('ro') === 'refused', 2000, 'refused');
    assert.match(errors[0].message, /^disk read-only writing .*: the msg was not stored; make the file system writable again/);
    assert.equal(outbox.count, 0);
    disk.writeFault = undefined;
    await outbox.close();
  });

  it('fault campaign: random ENOSPC, failing fsyncs and truncates, crash points — 0 accepted lost, 0 refused come back', async function () {
    this.timeout(30000);
    const random = seededRandom(1414);
    const dir = path.join(t.dir, 'box');
    const outbox = open();
    const answers = new Map<string, Answer>();
    const entries = new Map<string, OutboxEntry>();
    const completed = new Set<string>();
    let next = 0;
    let crashPoints = 0;
    const check = async (label: string): Promise<void> => {
      crashPoints += 1;
      const found = await idsAfterRestart(dir, path.join(t.dir, 'restart'));
      for (const id of idsWith(answers, 'accepted')) if (!completed.has(id)) assert.ok(found.has(id), `${label}: accepted ${id} lost`);
      for (const id of idsWith(answers, 'refused')) assert.ok(!found.has(id), `${label}: refused ${id} would be delivered`);
    };
    for (let step = 0; step < 160; step++) {
      const r = random();
      if (r < 0.35) {
        for (let k = 1 + Math.floor(random() * 8); k > 0; k--) {
          const id = `m_${next++}`;
          entries.set(id, appendTracked(outbox, id, answers).entry);
        }
      } else if (r < 0.45) {
        disk.capacity = fs.statSync(outbox.file).size + Math.floor(random() * 700);
      } else if (r < 0.62) {
        Object.assign(disk, { capacity: Infinity, fsyncFails: false, truncateFails: false });
      } else if (r < 0.67) {
        disk.fsyncFails = true;
      } else if (r < 0.7) {
        disk.truncateFails = true;
      } else if (r < 0.82) {
        const live = idsWith(answers, 'accepted').filter((id) => !completed.has(id));
        if (live.length) {
          const id = live[Math.floor(random() * live.length)];
          const entry = entries.get(id)!;
          if (random() < 0.5) {
            completed.add(id);
            void outbox.complete(entry);
          } else {
            entry.attempts += 1;
            void outbox.update(entry);
          }
        }
      } else {
        await check(`step ${step}`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 12)));
    }
    Object.assign(disk, { capacity: Infinity, fsyncFails: false, truncateFails: false });
    await until(() => idsWith(answers, 'waiting').length === 0, 5000, 'every msg answered once the disk is healed');
    await check('healed');
    await outbox.close();
    const accepted = idsWith(answers, 'accepted');
    const refused = idsWith(answers, 'refused');
    assert.ok(accepted.length >= 20 && refused.length >= 10, `both happened (${accepted.length} accepted, ${refused.length} refused)`);
    const reopened = new Outbox(dir);
    const left = new Set([...reopened.entries()].map((e) => reopened.read(e).webhookId));
    await reopened.close();
    assert.deepEqual(accepted.filter((id) => !completed.has(id) && !left.has(id)), [], 'accepted msgs lost');
    assert.deepEqual(refused.filter((id) => left.has(id)), [], 'refused msgs kept');
    assert.deepEqual([...completed].filter((id) => left.has(id)), [], 'completions written once the disk healed');
    console.log(`      ${accepted.length} accepted, ${refused.length} refused, ${disk.failures} failed disk calls, ${crashPoints} crash points: 0 lost, 0 refused kept`);
  });
});
