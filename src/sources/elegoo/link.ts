import type { TerminalState } from '../../lifecycle';
import type { JobStateStore } from '../../state/job-state-store';
import type { ElegooModel } from './codes';
import type { ElegooReading } from './reading';

/** What can be wrong with the link, worded for the status line and the Test button. */
export type LinkProblem = 'auth' | 'unreachable' | 'timeout' | 'protocol';

/** Where the shared link to one printer is. `busy` = the printer refused us because too many clients are connected. */
export type LinkPhase =
  | { phase: 'idle' }
  | { phase: 'connecting' }
  | { phase: 'ready' }
  | { phase: 'busy'; message: string }
  | { phase: 'failed'; problem: LinkProblem; message: string };

/** Who the printer says it is (SDCP attributes, CC2 attributes); absent = not reported (yet). */
export interface PrinterIdentity {
  name?: string;
  machine?: string;
  firmware?: string;
  mainboardId?: string;
  mac?: string;
}

/** What a source node's monitor hears from the shared link. */
export interface ElegooListener {
  phase(phase: LinkPhase): void;
  /** The first report after a (re)connect: a baseline, not an edge. `raw` is the printer's own object. */
  baseline(reading: ElegooReading, raw: Record<string, unknown>): void;
  /** A later report. */
  report(reading: ElegooReading, raw: Record<string, unknown>): void;
  /** The link went down (the monitor reports offline, debounced). */
  down(): void;
  /** A fault the printer pushed on its own (SDCP sdcp/error). */
  printerError?(code: string): void;
  /** Another printer now answers at this address (MainboardMAC changed): what we followed is not its job. */
  replaced?(): void;
}

/** The shared link to one Elegoo printer, whichever protocol it speaks. */
export interface ElegooLink {
  readonly model: ElegooModel;
  readonly phase: LinkPhase;
  readonly identity: PrinterIdentity;
  /** The printer's persisted job state, for the monitors that follow this link (src/state/job-state-store.ts). */
  readonly jobState?: JobStateStore;
  addListener(listener: ElegooListener): void;
  removeListener(listener: ElegooListener): void;
  start(): void;
  stop(): Promise<void>;
  /** How jobs ended, from the printer's history, by task id; empty when the printer cannot say. */
  jobOutcomes(taskIds: string[]): Promise<Map<string, TerminalState>>;
}
