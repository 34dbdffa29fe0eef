import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Outbox } from '../../../src/delivery/outbox';
import type { StoredRequest } from '../../../src/delivery/outbox-record';
import { tempDir } from './tmp-dir';

function req(id: string): StoredRequest {
  return { webhookId: id, method: 'POST', headers: {}, payloadKind: 'string', createdAt: 1, body: Buffer.from(id) };
}

function writeLock(dir: string, holder: Record<string, unknown>): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'owner.lock'), JSON.stringify(holder));
}

describe('delivery/outbox one owner per folder', () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => { t = tempDir(); });
  afterEach(() => t.cleanup());

  it('a second outbox on the same folder in this process (a duplicate node id) is refused and the first loses nothing', async () => {
    const first = new Outbox(t.dir, { owner: 'abc123' });
    await first.append(req('one'), 0).durable;
    assert.throws(() => new Outbox(t.dir, { owner: 'abc123' }), (e: Error) => {
      assert.equal(e.name, 'OutboxOwnedError');
      assert.match(e.message, /already in use by another running node with the same id "abc123" \(a duplicate id/);
      return true;
    });
    // the refused one did not recover (cut, rewrite) the file under the first: it keeps appending
    await first.append(req('two'), 0).durable;
    await first.close();
    const next = new Outbox(t.dir, { owner: 'abc123' });
    assert.deepEqual([...next.entries()].map((e) => next.read(e).webhookId), ['one', 'two']);
    await next.close();
  });

  it('a lock left by a process that is gone is taken over', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid!;
    await new Promise((r) => child.on('exit', r));
    writeLock(t.dir, { owner: 'old', pid });
    const outbox = new Outbox(t.dir, { owner: 'new' });
    assert.equal(JSON.parse(fs.readFileSync(path.join(t.dir, 'owner.lock'), 'utf8')).owner, 'new');
    await outbox.close();
    assert.equal(fs.existsSync(path.join(t.dir, 'owner.lock')), false, 'released on close');
  });

  it('a lock held by a live process is respected until that process ends', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeLock(t.dir, { owner: 'other', pid: child.pid });
      assert.throws(() => new Outbox(t.dir, { owner: 'me' }), /in use by "other" in another process \(pid \d+\)/);
    } finally {
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
    }
    const outbox = new Outbox(t.dir, { owner: 'me' });
    await outbox.close();
  });

  it('a lock naming a live pid with another start time (a reused pid) or this very process is stale', async () => {
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      writeLock(t.dir, { owner: 'before-reboot', pid: child.pid, started: 'not-its-start-time' });
      const reused = new Outbox(t.dir, { owner: 'me' });
      await reused.close();
    } finally {
      child.kill('SIGKILL');
    }
    writeLock(t.dir, { owner: 'earlier-life', pid: process.pid });
    const mine = new Outbox(t.dir, { owner: 'me' });
    await mine.close();
  });

  it('an unreadable lock is a crash between create and write once it is a few seconds old', async () => {
    writeLock(t.dir, {});
    fs.writeFileSync(path.join(t.dir, 'owner.lock'), '');
    assert.throws(() => new Outbox(t.dir, { owner: 'me' }), /in use/);
    const old = new Date(Date.now() - 10_000);
    fs.utimesSync(path.join(t.dir, 'owner.lock'), old, old);
    const outbox = new Outbox(t.dir, { owner: 'me' });
    await outbox.close();
  });
});
