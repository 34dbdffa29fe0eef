import { buildEvent, type JobInfo, type PrinterEvent, type PrinterMessage, type PrinterRef } from '../event';

/** Longest message text kept; printers show a line or two, a longer one is cut (docs/octoprint.md, "Printer messages"). */
export const MAX_MESSAGE_CHARS = 500;
/** Distinct texts counted per job for the event id; beyond this a repeat counts as a first showing. */
const MAX_COUNTED = 500;

/**
 * The text a user marked as a notification: with no prefix every text counts; with prefix `notify`
 * only `notify: text` / `notify text` (any case) counts, and the prefix is cut off. Undefined when it
 * does not count or nothing is left (docs/octoprint.md and docs/moonraker.md, "Printer messages").
 */
export function withPrefix(text: string, prefix: string | undefined): string | undefined {
  const trimmed = text.trim();
  const wanted = (prefix ?? '').trim();
  if (wanted === '') return trimmed === '' ? undefined : trimmed;
  if (trimmed.length <= wanted.length || trimmed.slice(0, wanted.length).toLowerCase() !== wanted.toLowerCase()) return undefined;
  const rest = trimmed.slice(wanted.length);
  const match = /^\s*:\s*|^\s+/.exec(rest);
  if (!match) return undefined;
  const body = rest.slice(match[0].length).trim();
  return body === '' ? undefined : body;
}

export interface MessageInput extends PrinterMessage {
  time?: Date;
  raw?: unknown;
}

/**
 * Builds printer.message events with ids that are stable for one message of one job: inside a job the
 * id comes from the job, the source, the text and how many times that same text was shown in the job
 * so far (a reconnect never re-reads a message: the state after it is a baseline); between jobs the
 * second it was shown takes the place of the count (docs/octoprint.md, "Printer messages").
 */
export class MessageLog {
  private jobId: string | undefined;
  private readonly shown = new Map<string, number>();

  constructor(
    private readonly printer: PrinterRef,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** One printer.message; `job` is the job running now (undefined between jobs). */
  event(input: MessageInput, job: JobInfo | undefined): PrinterEvent {
    const text = input.text.length > MAX_MESSAGE_CHARS ? `${input.text.slice(0, MAX_MESSAGE_CHARS - 1)}…` : input.text;
    const time = input.time ?? this.now();
    const source = input.source ?? 'printer';
    const key = `${source}\n${text}`;
    let discriminator: string;
    if (job) {
      if (job.id !== this.jobId) {
        this.jobId = job.id;
        this.shown.clear();
      }
      const count = (this.shown.get(key) ?? 0) + 1;
      if (this.shown.has(key) || this.shown.size < MAX_COUNTED) this.shown.set(key, count);
      discriminator = `${key}\n#${count}`;
    } else {
      discriminator = `${key}\n@${Math.floor(time.getTime() / 1000)}`;
    }
    return buildEvent({
      type: 'printer.message',
      printer: this.printer,
      time,
      job,
      message: { text, source, level: input.level ?? 'info' },
      discriminator,
      raw: input.raw,
    });
  }
}
