import { CaptureDisk } from './capture-disk';

/** A camera image captured when an event happened (docs/snapshots.md). */
export interface CapturedImage {
  /** The event id the image belongs to. */
  id: string;
  contentType: string;
  bytes: Buffer;
  capturedAt: string;
}

/** The reference an event carries (`event.snapshot`): never the bytes. */
export interface SnapshotReference {
  id: string;
  content_type: string;
  bytes: number;
  captured_at: string;
}

export interface CaptureLimits {
  /** Images kept in memory, and their total size. */
  memoryCount: number;
  memoryBytes: number;
  /** One image larger than this is not kept. */
  imageBytes: number;
  /** Captures running at once, and waiting behind them (the oldest waiting one is dropped beyond). */
  concurrency: number;
  queued: number;
  /** How long one capture may take. */
  timeoutMs: number;
}

export const DEFAULT_CAPTURE_LIMITS: CaptureLimits = {
  memoryCount: 32,
  memoryBytes: 32 * 1024 * 1024,
  imageBytes: 10 * 1024 * 1024,
  concurrency: 2,
  queued: 16,
  timeoutMs: 10_000,
};

export interface CaptureStoreOptions {
  limits?: Partial<CaptureLimits>;
  /** Keeps images on disk too (bounded by age and size); memory only without it. */
  disk?: CaptureDisk;
  warn?: (message: string) => void;
  now?: () => number;
}

/** What asking for an event's image gives. */
export type CaptureLookup =
  | { state: 'captured'; image: CapturedImage }
  /** A capture was asked for but failed, timed out or was dropped: the caller falls back. */
  | { state: 'failed'; reason: string }
  /** No capture was ever asked for this event (an event type that is not captured). */
  | { state: 'none' };

type Fetch = () => Promise<Buffer | undefined>;

interface Pending {
  id: string;
  fetch: Fetch;
  settle: (result: CaptureLookup) => void;
  warn: (message: string) => void;
}

/** Ids look like `evt_<base64url>`; anything else is never used as a file name. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,80}$/;
/** Failures and drops remembered so a later lookup can say why (bounded). */
const MAX_REMEMBERED_FAILURES = 256;

/**
 * The images captured at events, keyed by event id: capture() starts a bounded, timed fetch and
 * returns at once (the source never waits); lookup() gives the image, waiting a bounded time for one
 * still in flight. Memory holds the newest images within count and byte limits; the disk keeps them
 * longer (docs/snapshots.md).
 */
export class CaptureStore {
  readonly limits: CaptureLimits;
  private readonly memory = new Map<string, CapturedImage>();
  private memoryBytes = 0;
  private readonly inFlight = new Map<string, Promise<CaptureLookup>>();
  private readonly failures = new Map<string, string>();
  private readonly queue: Pending[] = [];
  private running = 0;
  private disposed = false;
  private readonly warn: (message: string) => void;
  private readonly now: () => number;

  constructor(private readonly options: CaptureStoreOptions = {}) {
    this.limits = { ...DEFAULT_CAPTURE_LIMITS, ...options.limits };
    this.warn = options.warn ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  /**
   * Asks for the image of event `id`; a second ask for the same id is ignored. Never throws; problems go
   * to `warn` (the asking node's), else the store's.
   */
  capture(id: string, fetch: Fetch, warn?: (message: string) => void): void {
    if (this.disposed || !SAFE_ID.test(id)) return;
    if (this.memory.has(id) || this.inFlight.has(id)) return;
    this.failures.delete(id);
    let settle!: (result: CaptureLookup) => void;
    const done = new Promise<CaptureLookup>((resolve) => (settle = resolve));
    this.inFlight.set(id, done);
    this.queue.push({ id, fetch, settle, warn: warn ?? this.warn });
    while (this.queue.length > this.limits.queued) {
      const dropped = this.queue.shift() as Pending;
      this.finish(dropped, { state: 'failed', reason: 'too many captures waiting; this one was dropped' });
    }
    this.pump();
  }

  /** True while the capture of `id` has not finished. */
  isPending(id: string): boolean {
    return this.inFlight.has(id);
  }

  /** The image of event `id`: waits up to `waitMs` for a capture in flight. */
  async lookup(id: string, waitMs: number): Promise<CaptureLookup> {
    const kept = this.memory.get(id);
    if (kept) return { state: 'captured', image: kept };
    const running = this.inFlight.get(id);
    if (running) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<CaptureLookup>((resolve) => {
        timer = setTimeout(() => resolve({ state: 'failed', reason: `the capture was not finished after ${waitMs} ms` }), Math.max(0, waitMs));
      });
      try {
        return await Promise.race([running, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
    const failure = this.failures.get(id);
    if (failure !== undefined) return { state: 'failed', reason: failure };
    if (this.options.disk && SAFE_ID.test(id)) {
      const image = await this.options.disk.read(id).catch(() => undefined);
      if (image) return { state: 'captured', image };
    }
    return { state: 'none' };
  }

  /** The reference for an event whose image is in memory, else undefined. */
  reference(id: string): SnapshotReference | undefined {
    const image = this.memory.get(id);
    return image ? referenceOf(image) : undefined;
  }

  /** Images held in memory and their bytes (for tests and the bench). */
  memoryUse(): { count: number; bytes: number } {
    return { count: this.memory.size, bytes: this.memoryBytes };
  }

  /** Stops taking captures; ones waiting are dropped, running ones finish without being kept. */
  dispose(): void {
    this.disposed = true;
    for (const pending of this.queue.splice(0)) this.finish(pending, { state: 'failed', reason: 'the capture store closed' });
  }

  private pump(): void {
    while (this.running < this.limits.concurrency && this.queue.length > 0) {
      const next = this.queue.shift() as Pending;
      this.running += 1;
      void this.run(next).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async run(pending: Pending): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeoutMs = this.limits.timeoutMs;
    try {
      const bytes = await Promise.race([
        Promise.resolve().then(pending.fetch),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      if (!bytes || bytes.length === 0) return this.finish(pending, { state: 'failed', reason: 'the camera gave no image' });
      if (bytes.length > this.limits.imageBytes) {
        return this.finish(pending, { state: 'failed', reason: `the image is ${bytes.length} bytes, over the ${this.limits.imageBytes} kept` });
      }
      const image: CapturedImage = { id: pending.id, contentType: 'image/jpeg', bytes: ownBytes(bytes), capturedAt: new Date(this.now()).toISOString() };
      if (!this.disposed) this.keep(image);
      this.finish(pending, { state: 'captured', image });
      if (!this.disposed && this.options.disk) {
        await this.options.disk.write(image).catch((err: unknown) => pending.warn(`snapshot: could not keep the image of ${image.id} on disk (${errorText(err)})`));
      }
    } catch (err) {
      this.finish(pending, { state: 'failed', reason: `the capture failed (${errorText(err)})` });
    } finally {
      clearTimeout(timer);
    }
  }

  private finish(pending: Pending, result: CaptureLookup): void {
    this.inFlight.delete(pending.id);
    if (result.state === 'failed') {
      this.failures.set(pending.id, result.reason);
      while (this.failures.size > MAX_REMEMBERED_FAILURES) this.failures.delete(this.failures.keys().next().value as string);
      pending.warn(`snapshot: no image captured for ${pending.id}: ${result.reason}`);
    }
    pending.settle(result);
  }

  /** Keeps the newest images within the memory limits, dropping the oldest first. */
  private keep(image: CapturedImage): void {
    this.memory.set(image.id, image);
    this.memoryBytes += image.bytes.length;
    while (this.memory.size > this.limits.memoryCount || this.memoryBytes > this.limits.memoryBytes) {
      const [oldestId, oldest] = this.memory.entries().next().value as [string, CapturedImage];
      this.memory.delete(oldestId);
      this.memoryBytes -= oldest.bytes.length;
    }
  }
}

export function referenceOf(image: CapturedImage): SnapshotReference {
  return { id: image.id, content_type: image.contentType, bytes: image.bytes.length, captured_at: image.capturedAt };
}

/** The image on its own memory: a view into a larger buffer would keep all of it alive. */
function ownBytes(bytes: Buffer): Buffer {
  return bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length ? bytes : Buffer.from(bytes);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
