import * as fs from 'fs';
import * as path from 'path';

const LOCK_NAME = 'owner.lock';
/** A lock file that cannot be parsed is a crash between create and write only once it is this old. */
const UNREADABLE_GRACE_MS = 2000;

/** Who holds an outbox: written as JSON into `<outbox dir>/owner.lock`. */
export interface LockHolder {
  /** The node id (or another label) of the owner, for messages. */
  owner: string;
  pid: number;
  /** The process's start time as the OS tells it (Linux: /proc/<pid>/stat field 22), if it can. */
  started?: string;
  /** The boot the process ran in (Linux boot_id): a pid from an earlier boot is not alive. */
  boot?: string;
}

/** Another live owner holds the outbox (docs/delivery.md, "One owner per outbox"). */
export class OutboxOwnedError extends Error {
  constructor(readonly dir: string, readonly holder: LockHolder, inThisProcess: boolean) {
    super(
      inThisProcess
        ? `the outbox ${dir} is already in use by another running node with the same id "${holder.owner}" (a duplicate id, e.g. from a copy-paste or an import): ` +
            'delete one of the two nodes, or give it a new id by deleting and re-adding it'
        : `the outbox ${dir} is in use by "${holder.owner}" in another process (pid ${holder.pid}): ` +
            'two Node-RED instances share this folder; give each its own userDir or printhooks.sender.outboxDir',
    );
    this.name = 'OutboxOwnedError';
  }
}

/** Outbox folders owned in this process, shared by every copy of this module that is loaded. */
const owned: Map<string, LockHolder> = ((globalThis as Record<symbol, unknown>)[Symbol.for('printhooks.outboxOwners')] ??= new Map()) as Map<string, LockHolder>;

export interface OutboxLock {
  release(): void;
}

/**
 * Takes the one live ownership of an outbox folder: a lock file holding pid, process start time and
 * boot id, so a lock left by a crashed process (pid gone, or reused by another process) is taken over,
 * and a live owner — another node in this process with the same id, or another process — is refused.
 */
export function lockOutbox(dir: string, owner: string): OutboxLock {
  const key = path.resolve(dir);
  const mine = owned.get(key);
  if (mine) throw new OutboxOwnedError(key, mine, true);
  const file = path.join(key, LOCK_NAME);
  const me: LockHolder = { owner, pid: process.pid, ...processIdentity(process.pid) };
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = fs.openSync(file, 'wx');
      try {
        fs.writeSync(fd, JSON.stringify(me));
      } finally {
        fs.closeSync(fd);
      }
      owned.set(key, me);
      return { release: () => release(key, file, me) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readHolder(file);
    if (holder && isAlive(holder)) throw new OutboxOwnedError(key, holder, false);
    if (!holder && ageMs(file) < UNREADABLE_GRACE_MS) throw new OutboxOwnedError(key, { owner: 'a sender starting right now', pid: 0 }, false);
    // left by a process that is gone: take it over
    fs.rmSync(file, { force: true });
  }
  throw new Error(`could not take the lock ${file}; another process keeps creating it`);
}

function release(key: string, file: string, me: LockHolder): void {
  if (owned.get(key) !== me) return;
  owned.delete(key);
  const holder = readHolder(file);
  if (holder && holder.pid === me.pid && holder.owner === me.owner) fs.rmSync(file, { force: true });
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof parsed.pid !== 'number' || typeof parsed.owner !== 'string') return undefined;
    return parsed as LockHolder;
  } catch {
    return undefined;
  }
}

function ageMs(file: string): number {
  try {
    return Date.now() - fs.statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** Alive = that pid runs now, in this boot, and started when the lock says (not a reused pid). */
function isAlive(holder: LockHolder): boolean {
  // this process holds no lock it does not know of: one with our pid is left from an earlier life
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = processIdentity(holder.pid);
  if (holder.boot && now.boot && holder.boot !== now.boot) return false;
  if (holder.started && now.started && holder.started !== now.started) return false;
  return true;
}

/** Start time and boot id of a process where the OS exposes them (Linux /proc); empty elsewhere. */
function processIdentity(pid: number): { started?: string; boot?: string } {
  const out: { started?: string; boot?: string } = {};
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: count fields after the last ')'
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.started = fields[19];
  } catch {
    // not Linux, or the process is gone
  }
  try {
    out.boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // not Linux
  }
  return out;
}
