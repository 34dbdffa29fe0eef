/** One attempt as shown in the editor's delivery log and the PrintHooks sidebar (docs/editor.md "Sidebar"). */
export interface AttemptLogEntry {
  time: string;
  webhookId: string;
  eventType?: string;
  /** The printer's name from the event the msg carried, when it carried one. */
  printer?: string;
  attempt: number;
  status?: number;
  durationMs: number;
  error?: string;
  verdict: string;
  /** The start of the response body, as text (already scrubbed of secrets by the queue). */
  response?: string;
}

/** What the sidebar's search box and filters ask for; every field is optional and they all must match. */
export interface LogQuery {
  printer?: string;
  eventType?: string;
  /** An HTTP status ("500"), a class ("5xx") or a verdict ("delivered", "retry", "permanent" …). */
  status?: string;
  webhookId?: string;
  /** Free text, found in any field (case-insensitive). */
  text?: string;
  limit?: number;
}

/** Bounds of one stored entry: a response body and an error are kept as text, cut here. */
export const RESPONSE_TEXT_LIMIT = 2048;
export const ERROR_TEXT_LIMIT = 512;
const NAME_LIMIT = 200;

/** The last `capacity` attempts (a ring buffer: constant memory, constant-time add). */
export class DeliveryLog {
  private readonly items: Array<AttemptLogEntry | undefined>;
  private next = 0;
  private size = 0;
  /** Called after every add (the log store appends the entry to its file). */
  onAdd: ((entry: AttemptLogEntry) => void) | undefined;

  constructor(readonly capacity = 1000) {
    this.items = new Array(capacity);
  }

  add(entry: AttemptLogEntry): void {
    const bounded = boundedEntry(entry);
    this.put(bounded);
    this.onAdd?.(bounded);
  }

  /** Adds an entry read back from disk: not handed to `onAdd` again. */
  restore(entry: AttemptLogEntry): void {
    this.put(boundedEntry(entry));
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

  /** The newest entries that match `query`, at most `query.limit` (default 200). */
  search(query: LogQuery): AttemptLogEntry[] {
    const limit = Math.max(1, Math.min(query.limit ?? 200, this.capacity));
    const match = matcher(query);
    const out: AttemptLogEntry[] = [];
    for (let i = 1; i <= this.size && out.length < limit; i++) {
      const entry = this.items[(this.next - i + this.capacity) % this.capacity]!;
      if (match(entry)) out.push(entry);
    }
    return out;
  }

  private put(entry: AttemptLogEntry): void {
    this.items[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size += 1;
  }
}

function lower(value: unknown): string {
  return typeof value === 'string' ? value.toLowerCase() : '';
}

function matcher(query: LogQuery): (entry: AttemptLogEntry) => boolean {
  const printer = lower(query.printer).trim();
  const eventType = lower(query.eventType).trim();
  const status = lower(query.status).trim();
  const webhookId = lower(query.webhookId).trim();
  const text = lower(query.text).trim();
  return (entry) => {
    if (printer && !lower(entry.printer).includes(printer)) return false;
    if (eventType && !lower(entry.eventType).startsWith(eventType)) return false;
    if (webhookId && !lower(entry.webhookId).includes(webhookId)) return false;
    if (status && !statusMatches(entry, status)) return false;
    if (text && !fieldsText(entry).includes(text)) return false;
    return true;
  };
}

function statusMatches(entry: AttemptLogEntry, status: string): boolean {
  if (/^\d{3}$/.test(status)) return entry.status === Number(status);
  if (/^\dxx$/.test(status)) return entry.status !== undefined && Math.floor(entry.status / 100) === Number(status[0]);
  return lower(entry.verdict) === status;
}

function fieldsText(entry: AttemptLogEntry): string {
  return [entry.webhookId, entry.eventType, entry.printer, entry.status, entry.error, entry.verdict, entry.response]
    .filter((v) => v !== undefined)
    .join('\n')
    .toLowerCase();
}

function cut(value: unknown, limit: number): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.length > limit ? `${value.slice(0, limit)}…` : value;
}

/**
 * The entry with only the known fields, of the right types and bounded sizes: what is kept in memory
 * and on disk, also when it was read back from a file someone edited.
 */
export function boundedEntry(raw: AttemptLogEntry): AttemptLogEntry {
  const entry: AttemptLogEntry = {
    time: cut(raw.time, 40) ?? '',
    webhookId: cut(raw.webhookId, NAME_LIMIT) ?? '',
    attempt: Number.isFinite(raw.attempt) ? raw.attempt : 0,
    durationMs: Number.isFinite(raw.durationMs) ? raw.durationMs : 0,
    verdict: cut(raw.verdict, 40) ?? '',
  };
  const eventType = cut(raw.eventType, NAME_LIMIT);
  if (eventType !== undefined) entry.eventType = eventType;
  const printer = cut(raw.printer, NAME_LIMIT);
  if (printer !== undefined) entry.printer = printer;
  if (Number.isInteger(raw.status)) entry.status = raw.status;
  const error = cut(raw.error, ERROR_TEXT_LIMIT);
  if (error !== undefined) entry.error = error;
  const response = cut(raw.response, RESPONSE_TEXT_LIMIT);
  if (response !== undefined) entry.response = response;
  return entry;
}

/** The printer's name in a stored event's JSON text (StoredRequest.event), or undefined. */
export function printerNameOf(eventJson: string | undefined): string | undefined {
  if (!eventJson) return undefined;
  try {
    const event = JSON.parse(eventJson) as { printer?: { name?: unknown; id?: unknown } };
    const name = event?.printer?.name ?? event?.printer?.id;
    return typeof name === 'string' && name !== '' ? name.slice(0, NAME_LIMIT) : undefined;
  } catch {
    return undefined;
  }
}
