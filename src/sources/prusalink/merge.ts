/**
 * One poll's answers (GET /api/v1/status, and GET /api/v1/job when the job changes) read into one small,
 * bounded view of the printer. Unknown fields are dropped, strings are cut, numbers must be finite, so a
 * hostile or broken printer cannot grow memory or smuggle odd types into events (docs/prusalink.md).
 */
export interface PrinterView {
  /** printer.state upper-cased (IDLE, BUSY, PRINTING, PAUSED, FINISHED, STOPPED, ERROR, ATTENTION, READY). */
  state?: string;
  /** Present only while the printer has a job (it disappears at FINISHED/STOPPED). */
  job?: ViewJob;
  bedTemp?: number;
  /** Raspberry Pi PrusaLink: the printer's own status line (status_printer), when it is not ok. */
  printerProblem?: string;
}

export interface ViewJob {
  id: number;
  progress?: number;
  remaining_s?: number;
  elapsed_s?: number;
  /** From GET /api/v1/job: display_name (the firmware's `name` is an 8.3 short name). */
  file?: string;
  path?: string;
}

/** What GET /api/v1/job said about one job id (kept until the id changes). */
export interface JobDetails {
  id: number;
  file?: string;
  path?: string;
}

const MAX_TEXT = 512;

function obj(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, MAX_TEXT) : undefined;
}

function seconds(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && n >= 0 ? Math.round(n) : undefined;
}

/** The job id: the firmware's is a uint16, the Pi's an integer; anything else is not a job id. */
function jobId(value: unknown): number | undefined {
  const n = num(value);
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= Number.MAX_SAFE_INTEGER ? n : undefined;
}

/** GET /api/v1/status → the view, without file details (those come from /api/v1/job). */
export function parseStatus(data: Record<string, unknown>): PrinterView {
  const view: PrinterView = {};
  const printer = obj(data.printer);
  const state = text(printer?.state);
  if (state) view.state = state.toUpperCase().slice(0, 32);
  const bed = num(printer?.temp_bed);
  if (bed !== undefined && bed > -100 && bed < 1000) view.bedTemp = bed;
  const statusPrinter = obj(printer?.status_printer);
  if (statusPrinter && statusPrinter.ok === false) view.printerProblem = text(statusPrinter.message) ?? 'the printer reports a problem';
  const job = obj(data.job);
  const id = jobId(job?.id);
  if (job && id !== undefined) {
    const progress = num(job.progress);
    view.job = {
      id,
      progress: progress !== undefined ? Math.min(100, Math.max(0, progress)) : undefined,
      remaining_s: seconds(job.time_remaining),
      elapsed_s: seconds(job.time_printing),
    };
  }
  return view;
}

/** GET /api/v1/job → the job's file; undefined for 204 or an answer without an id. */
export function parseJob(data: Record<string, unknown> | undefined): JobDetails | undefined {
  const id = jobId(data?.id);
  if (!data || id === undefined) return undefined;
  const file = obj(data.file);
  return {
    id,
    file: text(file?.display_name) ?? text(file?.name),
    path: text(file?.display_path) ?? text(file?.path),
  };
}

/** Lays the cached details of the same job over the view, in place (the status answer has no file name). */
export function mergeDetails(view: PrinterView, details: JobDetails | undefined): PrinterView {
  if (!view.job || !details || details.id !== view.job.id) return view;
  if (details.file !== undefined) view.job.file = details.file;
  if (details.path !== undefined) view.job.path = details.path;
  return view;
}

/** Which PrusaLink this is: the firmware's ("Buddy") or the Raspberry Pi daemon, from GET /api/version. */
export type Flavour = 'buddy' | 'pi' | 'unknown';

export interface VersionInfo {
  flavour: Flavour;
  /** PrusaLink version (Pi: `server`), firmware version (Buddy 6.5+: `firmware`), else the API version. */
  version?: string;
  /** The printer model, when the answer says (Pi: `original`, Buddy 6.5+: `printer`). */
  model?: string;
  hostname?: string;
}

export function parseVersion(data: Record<string, unknown> | undefined): VersionInfo {
  const original = text(data?.original);
  const textField = text(data?.text);
  const hostname = text(data?.hostname);
  if (original && /prusalink/i.test(original)) {
    return { flavour: 'pi', version: text(data?.server), model: original.replace(/^PrusaLink\s*/i, '') || undefined, hostname };
  }
  const flavour: Flavour = textField && /prusalink/i.test(textField) ? 'buddy' : 'unknown';
  return { flavour, version: text(data?.firmware) ?? text(data?.api), model: text(data?.printer), hostname };
}
