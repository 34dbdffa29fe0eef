import type { JobInfo, PrinterEvent, PrinterRef } from '../../event';
import { ChangeWatch } from '../change-watch';
import { MessageLog } from '../printer-message';
import type { MoonrakerConnection } from './connection';
import type { PrinterObjects } from './merge';
import { consoleMessage, displayMessage, promptMessage, spoolIdOf, spoolMaterial } from './messages';

export interface PrinterInfoOptions {
  printer: PrinterRef;
  connection: MoonrakerConnection;
  /** Only texts with this prefix become printer.message (empty: all; docs/moonraker.md, "Printer messages"). */
  messagePrefix?: string;
  includeRaw?: boolean;
  callTimeoutMs?: number;
  now?: () => Date;
  /** The job running now, for the events' job and ids. */
  job(): JobInfo | undefined;
  send(events: PrinterEvent[]): void;
  warn?(message: string): void;
}

/**
 * Moonraker's non-lifecycle printer information beside the job tracker: printer.message from console
 * lines and from M117 (display_status.message), and printer.material_changed from Spoolman's active
 * spool. The first state after each (re)connect is a baseline for both.
 */
export class MoonrakerPrinterInfo {
  private readonly messages: MessageLog;
  private readonly spool: ChangeWatch;
  private display: string | undefined;
  /** Bumped on each baseline: a Spoolman answer from an older connection is dropped. */
  private generation = 0;

  constructor(private readonly options: PrinterInfoOptions) {
    this.messages = new MessageLog(options.printer, options.now);
    this.spool = new ChangeWatch(options.printer, options.now);
  }

  /** A notify_gcode_response line seen at `time`. */
  line(line: string, time: Date): PrinterEvent[] {
    const message = consoleMessage(line, this.options.messagePrefix);
    if (!message) return [];
    return [this.messages.event({ ...message, time, raw: this.options.includeRaw ? { line } : undefined }, this.options.job())];
  }

  /** A host prompt shown (`// action:prompt_show` after `prompt_begin <title>`): its title, as OctoPrint's action:prompt. */
  prompt(title: string, time: Date): PrinterEvent[] {
    const message = promptMessage(title, this.options.messagePrefix);
    if (!message) return [];
    return [this.messages.event({ ...message, time }, this.options.job())];
  }

  /** The subscribe result after a (re)connect: today's M117 and active spool are the baseline. */
  baseline(objects: PrinterObjects): void {
    this.display = typeof objects.display_status?.message === 'string' ? objects.display_status.message : undefined;
    this.generation += 1;
    this.spool.connected();
    if (this.options.connection.hasSpoolman) void this.spoolBaseline(this.generation).catch(() => undefined);
  }

  /** After a merged diff: a new display_status.message is a new M117. */
  changed(diff: PrinterObjects, objects: PrinterObjects): PrinterEvent[] {
    if (diff.display_status === undefined || !('message' in diff.display_status)) return [];
    const value = objects.display_status?.message;
    const text = typeof value === 'string' ? value : undefined;
    if (text === this.display) return [];
    this.display = text;
    const message = displayMessage(text, this.options.messagePrefix);
    if (!message) return [];
    return [this.messages.event({ ...message, raw: this.options.includeRaw ? { display_status: { message: text } } : undefined }, this.options.job())];
  }

  /** notify_active_spool_set: a different spool is a material change, with its filament from Spoolman. */
  async spoolSet(value: unknown): Promise<void> {
    const id = spoolIdOf(value);
    const key = id === undefined ? undefined : `spool:${id}`;
    if (key === undefined || key === this.spool.current) {
      this.options.send(this.spool.observe(key, () => ({ type: 'printer.material_changed', value: {} })));
      return;
    }
    const generation = this.generation;
    const spool = await this.options.connection
      .call('server.spoolman.proxy', { request_method: 'GET', path: `/v1/spool/${id}` }, this.options.callTimeoutMs ?? 3000)
      .catch((err: unknown) => {
        this.options.warn?.(`moonraker: Spoolman spool ${id}: ${(err as Error)?.message ?? String(err)}`);
        return undefined;
      });
    if (generation !== this.generation) return;
    const raw = this.options.includeRaw ? { spool_id: id, spool } : undefined;
    this.options.send(this.spool.observe(key, () => ({ type: 'printer.material_changed', value: spoolMaterial(id as number, spool), raw }), this.options.job()));
  }

  private async spoolBaseline(generation: number): Promise<void> {
    try {
      const result = (await this.options.connection.call('server.spoolman.get_spool_id', undefined, this.options.callTimeoutMs ?? 3000)) as Record<string, unknown> | undefined;
      // A notify_active_spool_set that came first already was the baseline.
      if (generation !== this.generation || !this.spool.awaitingBaseline) return;
      const id = spoolIdOf(result?.spool_id);
      this.spool.observe(id === undefined ? undefined : `spool:${id}`, () => ({ type: 'printer.material_changed', value: {} }));
    } catch (err) {
      this.options.warn?.(`moonraker: Spoolman active spool: ${(err as Error)?.message ?? String(err)}`);
    }
  }
}
