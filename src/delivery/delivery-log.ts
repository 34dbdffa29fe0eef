/** One attempt as shown in the editor's delivery log. */
export interface AttemptLogEntry {
  time: string;
  webhookId: string;
  eventType?: string;
  attempt: number;
  status?: number;
  durationMs: number;
  error?: string;
  verdict: string;
  /** The start of the response body, as text. */
  response?: string;
}

/** The last `capacity` attempts (a ring buffer: constant memory, constant-time add). */
export class DeliveryLog {
  private readonly items: Array<AttemptLogEntry | undefined>;
  private next = 0;
  private size = 0;

  constructor(readonly capacity = 1000) {
    this.items = new Array(capacity);
  }

  add(entry: AttemptLogEntry): void {
    this.items[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size += 1;
  }

  get length(): number {
    return this.size;
  }

  /** Newest first. */
  list(limit = this.capacity): AttemptLogEntry[] {
    const out: AttemptLogEntry[] = [];
    for (let i = 1; i <= Math.min(limit, this.size); i++) {
      out.push(this.items[(this.next - i + this.capacity) % this.capacity]!);
    }
    return out;
  }
}
