import { EVENT_TYPES, TERMINAL_TYPES } from '../event';

/**
 * Which queued msgs go first and which replace each other (docs/delivery.md, "Priorities, coalescing,
 * TTL"). Derived from what every outbox record already holds (its event type and event JSON), so an
 * outbox written before these rules existed is scheduled the same way after a restart.
 */
export const LANE_URGENT = 0;
export const LANE_NORMAL = 1;
export const LANE_PROGRESS = 2;

const URGENT: ReadonlySet<string> = new Set([...TERMINAL_TYPES, 'printer.error', 'printer.attention']);
/** Events that only say "how far": a newer one of the same job makes a queued one pointless. */
const LATEST_WINS: ReadonlySet<string> = new Set(['print.progress', 'print.layer']);
const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_TYPES);

export function laneOf(eventType: string | undefined): number {
  if (eventType === undefined) return LANE_NORMAL;
  if (URGENT.has(eventType)) return LANE_URGENT;
  if (LATEST_WINS.has(eventType)) return LANE_PROGRESS;
  return LANE_NORMAL;
}

export function isLatestWins(eventType: string | undefined): boolean {
  return eventType !== undefined && LATEST_WINS.has(eventType);
}

export function isTerminal(eventType: string | undefined): boolean {
  return eventType !== undefined && TERMINAL.has(eventType);
}

/** The same string object for every known type, so a hundred thousand queued entries share a few strings. */
export function internEventType(eventType: unknown): string | undefined {
  if (typeof eventType !== 'string') return undefined;
  const known = (EVENT_TYPES as readonly string[]).find((t) => t === eventType);
  return known ?? eventType.slice(0, 100);
}

/**
 * The job an event belongs to, as "<printer id> <job id>", for the events that coalesce or end a job;
 * undefined for others or when the event names no job. `eventJson` is StoredRequest.event.
 */
export function jobKeyOf(eventType: string | undefined, eventJson: string | undefined): string | undefined {
  if (!eventJson || !(isLatestWins(eventType) || isTerminal(eventType))) return undefined;
  try {
    const event = JSON.parse(eventJson) as { printer?: { id?: unknown }; job?: { id?: unknown } };
    const printer = event?.printer?.id;
    const job = event?.job?.id;
    if (typeof printer !== 'string' || typeof job !== 'string' || job === '') return undefined;
    return `${printer.slice(0, 200)}\u0000${job.slice(0, 200)}`;
  } catch {
    return undefined;
  }
}

/**
 * Parses the sender's `ttl` field: "print.progress=600, print.layer=300" (seconds per event type).
 * Terminal events and errors never expire, so naming one is an error.
 */
export function parseTtl(text: unknown): { ttl: Map<string, number>; errors: string[] } {
  const ttl = new Map<string, number>();
  const errors: string[] = [];
  const source = typeof text === 'string' ? text.trim() : text === undefined || text === null ? '' : String(text);
  if (source === '') return { ttl, errors };
  for (const part of source.split(/[,\n]/)) {
    const item = part.trim();
    if (item === '') continue;
    const match = /^([a-z_.]+)\s*=\s*(\d+(\.\d+)?)$/i.exec(item);
    if (!match) {
      errors.push(`ttl: "${item.slice(0, 60)}" is not <event type>=<seconds>`);
      continue;
    }
    const [, type, seconds] = match;
    if (!(EVENT_TYPES as readonly string[]).includes(type)) errors.push(`ttl: "${type}" is not an event type`);
    else if (laneOf(type) === LANE_URGENT) errors.push(`ttl: ${type} never expires (terminal events and errors are always delivered)`);
    else ttl.set(type, Number(seconds) * 1000);
  }
  return { ttl, errors };
}
