import { OutboxIo, fileIo } from '../../../src/delivery/outbox-io';

/** An errno error as Node's fs gives it. */
export function errnoError(code: string, syscall: string): NodeJS.ErrnoException {
  const text: Record<string, string> = { ENOSPC: 'no space left on device', EIO: 'i/o error', EROFS: 'read-only file system' };
  return Object.assign(new Error(`${code}: ${text[code] ?? 'error'}, ${syscall}`), { code, syscall });
}

/**
 * The outbox's file I/O on a disk that can fill up or fail (docs/delivery.md, "Disk faults"): a simulated
 * small file system — writes past `capacity` bytes of the file land up to that point and then fail with
 * ENOSPC, as a real full disk does — plus switches for failing writes, fsyncs and truncation.
 * The bytes that are written go to the real file.
 */
export class FaultyDisk implements OutboxIo {
  capacity = Infinity;
  /** Every write fails with this code (EIO, EROFS…). */
  writeFault: string | undefined;
  fsyncFails = false;
  truncateFails = false;
  failures = 0;

  async writeBuffers(fd: number, buffers: Buffer[], position: number): Promise<void> {
    if (this.writeFault) {
      this.failures += 1;
      throw errnoError(this.writeFault, 'write');
    }
    const size = buffers.reduce((n, b) => n + b.length, 0);
    const room = Math.max(0, this.capacity - position);
    if (size > room) {
      if (room > 0) await fileIo.writeBuffers(fd, [Buffer.concat(buffers, size).subarray(0, room)], position);
      this.failures += 1;
      throw errnoError('ENOSPC', 'write');
    }
    await fileIo.writeBuffers(fd, buffers, position);
  }

  async fdatasync(fd: number): Promise<void> {
    if (this.fsyncFails) {
      this.failures += 1;
      throw errnoError('EIO', 'fdatasync');
    }
    await fileIo.fdatasync(fd);
  }

  async truncate(fd: number, size: number): Promise<void> {
    if (this.truncateFails) throw errnoError('EIO', 'ftruncate');
    await fileIo.truncate(fd, size);
  }
}
