import { buildEvent, type JobInfo, type MaterialInfo, type NozzleInfo, type PrinterEvent, type PrinterRef } from '../event';

export type ChangeKind = (
  | { type: 'printer.material_changed'; value: MaterialInfo }
  | { type: 'printer.nozzle_changed'; value: NozzleInfo }
) & { raw?: unknown };

/**
 * Edges of one piece of printer information (the loaded filament, the nozzle): the first value after a
 * (re)connect or restart is a baseline, later values fire only when their key differs from the last
 * one seen. After the baseline, "nothing reported" (no key) never fires and does not replace the last
 * value, so an AMS that unloads A and loads A again says nothing (docs/bambu.md, "Material and nozzle").
 */
export class ChangeWatch {
  private last: string | undefined;
  private baselinePending = true;

  constructor(
    private readonly printer: PrinterRef,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The link came (back) up: the next value is a baseline. */
  connected(): void {
    this.baselinePending = true;
  }

  /** True until the first reading after connected(). */
  get awaitingBaseline(): boolean {
    return this.baselinePending;
  }

  /** The key the last baseline or event had. */
  get current(): string | undefined {
    return this.last;
  }

  /**
   * One reading: `key` identifies the value (undefined = nothing reported). Returns the change event,
   * if this is an edge; the id is keyed on the new value and the second it was seen. `change` is only
   * called for an edge.
   */
  observe(key: string | undefined, change: () => ChangeKind, job?: JobInfo): PrinterEvent[] {
    const baseline = this.baselinePending;
    this.baselinePending = false;
    if (baseline) {
      this.last = key;
      return [];
    }
    if (key === undefined || key === this.last) return [];
    this.last = key;
    const time = this.now();
    const { type, value, raw } = change();
    return [
      buildEvent({
        type,
        printer: this.printer,
        time,
        job,
        ...(type === 'printer.material_changed' ? { material: value } : { nozzle: value }),
        discriminator: `${key}@${Math.floor(time.getTime() / 1000)}`,
        raw,
      }),
    ];
  }
}
