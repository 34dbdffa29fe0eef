import { laneOf } from './event-lanes';
import { MinHeap } from './min-heap';
import type { OutboxEntry } from './outbox-entry';

/** What is next: an entry due now, or the time the earliest one becomes due. */
export type Due = { entry: OutboxEntry } | { at: number };

/**
 * The order attempts start in (docs/delivery.md, "Order of decisions"). Unordered: entries wait in a heap by
 * their next attempt time; once due they move to a ready heap ordered by lane (urgent, normal, progress),
 * then by enqueue order. Ordered: one heap by enqueue order whose head blocks the rest.
 * Entries are never removed from the middle: `isLive` tells the ones completed meanwhile, skipped when met.
 */
export class SendOrder {
  private readonly waiting: MinHeap<OutboxEntry>;
  private readonly ready = new MinHeap<OutboxEntry>((a, b) => {
    const la = laneOf(a.eventType);
    const lb = laneOf(b.eventType);
    return la < lb || (la === lb && a.seq < b.seq);
  });

  constructor(private readonly ordered: boolean, private readonly isLive: (entry: OutboxEntry) => boolean) {
    this.waiting = ordered
      ? new MinHeap<OutboxEntry>((a, b) => a.seq < b.seq)
      : new MinHeap<OutboxEntry>((a, b) => a.nextAt < b.nextAt || (a.nextAt === b.nextAt && a.seq < b.seq));
  }

  push(entry: OutboxEntry): void {
    this.waiting.push(entry);
  }

  /** The entry to send now, without taking it; or when the next one is due; undefined when none is queued. */
  due(now: number): Due | undefined {
    if (this.ordered) {
      const head = this.peekLive(this.waiting);
      if (!head) return undefined;
      return head.nextAt > now ? { at: head.nextAt } : { entry: head };
    }
    for (let head = this.peekLive(this.waiting); head && head.nextAt <= now; head = this.peekLive(this.waiting)) {
      this.ready.push(this.waiting.pop()!);
    }
    const ready = this.peekLive(this.ready);
    if (ready) return { entry: ready };
    const waiting = this.peekLive(this.waiting);
    return waiting ? { at: waiting.nextAt } : undefined;
  }

  /** Takes the entry `due` returned. */
  take(entry: OutboxEntry): void {
    const heap = this.ordered ? this.waiting : this.ready;
    if (heap.peek() === entry) heap.pop();
  }

  /** Starts over from `entries` (after their times changed, e.g. "retry now"). */
  rebuild(entries: Iterable<OutboxEntry>): void {
    this.waiting.clear();
    this.ready.clear();
    for (const entry of entries) this.waiting.push(entry);
  }

  private peekLive(heap: MinHeap<OutboxEntry>): OutboxEntry | undefined {
    let head = heap.peek();
    while (head && !this.isLive(head)) {
      heap.pop();
      head = heap.peek();
    }
    return head;
  }
}
