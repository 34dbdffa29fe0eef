/**
 * Runs tasks strictly one after another. Synchronous tasks run at once while nothing is waiting;
 * once a task returns a promise, later tasks queue behind it, so printer messages keep their order.
 */
export class SerialQueue {
  private busy = false;
  private readonly waiting: Array<() => void | Promise<void>> = [];

  constructor(private readonly onError: (err: unknown) => void) {}

  get idle(): boolean {
    return !this.busy && this.waiting.length === 0;
  }

  /** Tasks queued and not started yet. */
  get backlog(): number {
    return this.waiting.length;
  }

  push(task: () => void | Promise<void>): void {
    this.waiting.push(task);
    if (!this.busy) this.drain();
  }

  clear(): void {
    this.waiting.length = 0;
  }

  private drain(): void {
    this.busy = true;
    while (this.waiting.length > 0) {
      const task = this.waiting.shift()!;
      let result: void | Promise<void>;
      try {
        result = task();
      } catch (err) {
        this.onError(err);
        continue;
      }
      if (result && typeof (result as Promise<void>).then === 'function') {
        (result as Promise<void>).then(
          () => this.drain(),
          (err: unknown) => {
            this.onError(err);
            this.drain();
          },
        );
        return;
      }
    }
    this.busy = false;
  }
}
