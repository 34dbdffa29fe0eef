import * as fs from 'fs';

/**
 * The file operations the outbox's group commit makes on its log. A seam: tests pass one that fails
 * like a full, read-only or failing disk would (docs/delivery.md, "Disk faults").
 */
export interface OutboxIo {
  /** Writes the buffers in order at `position`. */
  writeBuffers(fd: number, buffers: Buffer[], position: number): Promise<void>;
  fdatasync(fd: number): Promise<void>;
  /** Cuts the file to `size` bytes. */
  truncate(fd: number, size: number): Promise<void>;
}

export const fileIo: OutboxIo = {
  writeBuffers: (fd, buffers, position) => writeBuffers(fd, buffers, position),
  fdatasync: (fd) => fdatasync(fd),
  truncate: (fd, size) => new Promise((resolve, reject) => fs.ftruncate(fd, size, (err) => (err ? reject(err) : resolve()))),
};

/** Writes buffers in order at `position` with writev (no copy into one big buffer), in groups under IOV_MAX. */
export async function writeBuffers(fd: number, buffers: Buffer[], position: number): Promise<void> {
  let at = position;
  for (let i = 0; i < buffers.length; i += 512) {
    const group = buffers.slice(i, i + 512);
    const size = group.reduce((n, b) => n + b.length, 0);
    const written = await new Promise<number>((resolve, reject) =>
      fs.writev(fd, group, at, (err, n) => (err ? reject(err) : resolve(n))),
    );
    // a short write (rare on regular files): finish the rest of this group the plain way
    if (written < size) await writeAll(fd, Buffer.concat(group, size).subarray(written), at + written);
    at += size;
  }
}

function writeAll(fd: number, data: Buffer, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const step = (done: number): void => {
      if (done >= data.length) return resolve();
      fs.write(fd, data, done, data.length - done, position + done, (err, n) => {
        if (err) return reject(err);
        step(done + n);
      });
    };
    step(0);
  });
}

export function fdatasync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Makes a rename or a new file in `dir` durable. */
export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // some platforms (Windows) cannot open a directory for fsync; the rename is still atomic there
  }
}
