import { buildEvent, type EventError, type JobInfo, type PrinterEvent, type PrinterMessage, type PrinterRef } from '../../event';
import { isActive, JobTracker, type JobState, type Observation } from '../../lifecycle';
import { PresenceTracker } from '../../presence';
import type { JobStateStore } from '../../state/job-state-store';
import { JobStatePersistence } from '../../state/persistence';
import { describeError } from '../guard';
import type { LinkPhase, OctoPrintConnection, OctoPrintListener } from './connection';
import type { PushFrame, StatePayload } from './frames';
import { filamentEstimateMm, int, jobFields, jobStateOf, latestBedTemp, lastMarking, linkedFrom, outcomeAfterGap, seconds, storedIdentity, str, type ApiJobResponse, type JobIdentity, type LastPrint } from './job-state';
import type { OctoPrintRest } from './rest';
import type { StatusInput } from './status';
import { finiteNumber, isoFromEpochSeconds, MAX_EPOCH_S } from '../plausible';
import { MessageLog } from '../printer-message';
import { m117FromLog, pluginMessage } from './messages';
import { SPOOL_SELECTED, SPOOLS_PATH, spoolInList, spoolSelection } from './spoolman';
import { spoolMaterial } from '../spoolman';

export interface MonitorOptions {
  printer: PrinterRef;
  /** The connection to follow. Without one, frames are fed through handle() (tests, conformance, bench). */
  connection?: OctoPrintConnection;
  emit?: (event: PrinterEvent) => void;
  /** Link phase and what the status line shows (statusFor in status.ts). */
  onPhase?: (phase: LinkPhase, view: StatusInput) => void;
  /** printer.offline only after the connection stayed down this long (default 30 s). */
  offlineDelayMs?: number;
  now?: () => Date;
  /** Two starts of the same file closer than this are the same job (clock skew, rounding). Default 120 s. */
  startToleranceS?: number;
  /** printer.bed_cooled threshold, °C (0 = off; default 35). */
  bedCooledBelow?: number;
  /** Persisted job state (default: the connection's); restored before the first baseline. */
  jobState?: JobStateStore;
  /** Only M117 / action texts with this prefix become printer.message (empty: all; docs/octoprint.md). */
  messagePrefix?: string;
}

/**
 * Turns OctoPrint push messages into canonical events through the shared JobTracker. Lifecycle comes
 * from OctoPrint's own events (PrintStarted, PrintDone, …); `history` is the baseline after each
 * (re)connect; `current` only carries progress, because it is coalesced and may skip states.
 * Following a connection, it also reports presence (printer.online / offline) and the status view.
 */
export class OctoPrintMonitor implements OctoPrintListener {
  readonly tracker: JobTracker;
  private readonly presence: PresenceTracker;
  private readonly now: () => Date;
  private readonly toleranceS: number;
  private baselinePending = true;
  private identity: JobIdentity | undefined;
  /** OctoPrint's clock minus ours, in seconds, learnt from serverTime. */
  private serverOffsetS = 0;
  private apiJobHint: ApiJobResponse | undefined;
  /** `prints.last` of the followed job's file, fetched on reconnect (outcomeAfterGap). */
  private lastPrint: LastPrint | undefined;
  /** The analysed filament length of the file being printed (mm), put on its print.done only (an estimate). */
  private filamentEstimate: number | undefined;
  private readonly persistence: JobStatePersistence;
  private link: LinkPhase = { phase: 'idle' };
  private disposed = false;
  private readonly messages: MessageLog;
  /** The Spoolman plugin's spool per tool (`tool0` → id), as its events said (at most 64 tools). */
  private readonly spools = new Map<string, number>();
  /** Whether OctoPrint is connected to the printer (serial link), when known. */
  linked: boolean | undefined;

  constructor(private readonly options: MonitorOptions) {
    this.now = options.now ?? (() => new Date());
    this.toleranceS = options.startToleranceS ?? 120;
    this.tracker = new JobTracker({ printer: options.printer, idleAfterActive: 'nothing', includeRaw: true, now: this.now, bedCooledBelow: options.bedCooledBelow });
    this.presence = new PresenceTracker({ printer: options.printer, offlineDelayMs: options.offlineDelayMs, now: options.now, emit: (event) => this.send([event]) });
    // A restart resumes what the last run knew, with the identity of the job it followed (docs/lifecycle.md).
    this.persistence = new JobStatePersistence(this.tracker, options.jobState ?? options.connection?.jobState, () => (this.identity ? { identity: { ...this.identity } } : undefined));
    this.identity = storedIdentity(this.persistence.restore());
    this.messages = new MessageLog(options.printer, this.now);
    options.connection?.addListener(this);
  }

  /** Stops following the connection; nothing is emitted afterwards. */
  dispose(): void {
    this.disposed = true;
    this.options.connection?.removeListener(this);
    this.presence.dispose();
  }

  phase(phase: LinkPhase): void {
    this.link = phase;
    // 'ready' is shown with the first frame's state, so the status does not flash idle before the baseline.
    if (phase.phase !== 'ready') this.options.onPhase?.(phase, this.view());
  }

  /** Logged in on a new socket, before subscribing: the next history is a baseline, helped by /api/job. */
  async loggedIn(rest: OctoPrintRest): Promise<void> {
    this.connected();
    if (!this.hasActiveJob) return;
    const followed = this.identity;
    const [hint, last] = await Promise.all([rest.job().catch(() => undefined), followed ? rest.lastPrint(followed.origin, followed.path).catch(() => undefined) : undefined]);
    this.setApiJobHint(hint);
    this.lastPrint = last;
  }

  /** A push frame; `authenticated` is false while the socket (re)logs in. */
  frame(frame: PushFrame, authenticated: boolean): void {
    this.send(this.handle(frame));
    if (authenticated && this.linked !== false) this.presence.online();
    else this.presence.offline();
    if (authenticated) this.options.onPhase?.(this.link, this.view());
  }

  /** The socket closed; the connection reconnects on its own. */
  down(): void {
    this.disconnected();
    this.presence.offline();
  }

  /** The socket is up again: the next history (or first current) is a baseline. */
  connected(): void {
    this.baselinePending = true;
    this.tracker.connected();
  }

  disconnected(): void {
    this.baselinePending = true;
    this.linked = undefined;
    this.tracker.disconnected();
  }

  /** True while the tracker follows a job that has not ended: the reconnect may need /api/job. */
  get hasActiveJob(): boolean {
    return isActive(this.tracker.currentState);
  }

  /** GET /api/job fetched on reconnect, consulted once by the next baseline. */
  setApiJobHint(hint: ApiJobResponse | undefined): void {
    this.apiJobHint = hint;
  }

  get state(): JobState | undefined {
    return this.tracker.currentState;
  }

  get job(): JobInfo | undefined {
    return this.tracker.currentJob;
  }

  private view(): StatusInput {
    return { linked: this.linked, state: this.tracker.currentState, progress: this.tracker.currentJob?.progress };
  }

  private send(events: PrinterEvent[]): void {
    if (this.disposed) return;
    for (const event of events) {
      try {
        this.options.emit?.(event);
      } catch (err) {
        // Also reached from the presence timer: nothing may escape into the event loop (docs/robustness.md).
        this.options.connection?.warnOnce(`emit:${event.type}`, `OctoPrint ${this.options.connection.base.url.host}: emitting ${event.type} failed: ${describeError(err)}`);
      }
    }
    this.persistence.emitted(events);
  }

  handle(frame: PushFrame): PrinterEvent[] {
    switch (frame.kind) {
      case 'history':
        return this.baseline(frame.state, frame.raw);
      case 'current':
        return this.baselinePending ? this.baseline(frame.state, frame.raw) : this.current(frame.state, frame.raw);
      case 'event':
        return this.event(frame.type, frame.payload, frame.raw);
      case 'plugin':
        return this.plugin(frame.plugin, frame.data, frame.raw);
      default:
        return [];
    }
  }

  private baseline(s: StatePayload, raw: unknown): PrinterEvent[] {
    const events = this.takeBaseline(s, raw);
    this.persistence.baselineTaken();
    return events;
  }

  private takeBaseline(s: StatePayload, raw: unknown): PrinterEvent[] {
    this.baselinePending = false;
    this.learnClock(s);
    this.linked = linkedFrom(s) ?? this.linked;
    const events: PrinterEvent[] = [];
    const state = jobStateOf(s);
    const hint = this.apiJobHint;
    const last = this.lastPrint;
    this.apiJobHint = undefined;
    this.lastPrint = undefined;
    const previous = this.tracker.currentJob;
    const seen = this.identityFrom(s);

    const obs: Observation = { state, raw, ...jobFields(s) };
    if (isActive(state)) this.filamentEstimate = filamentEstimateMm(s);
    if (seen) {
      obs.jobKey = seen.key;
      obs.started_at = isoFromEpochSeconds(seen.startS);
    }
    const followed = this.identity;
    if (seen) this.identity = seen;

    if (previous && this.hasActiveJob) {
      const sameJob = !seen || seen.key === previous.id;
      if (!isActive(state) || !sameJob) {
        // The job we followed ended while the socket was down: its one terminal event. When another
        // job is running now, the tracker first reports that one's start, then the old job is settled.
        const outcome = outcomeAfterGap(s, hint, followed, sameJob, last);
        if (!sameJob) events.push(...this.tracker.observe(obs));
        const filament = outcome?.state === 'finished' && sameJob ? filamentEstimateMm(s) : undefined;
        if (outcome) events.push(...this.tracker.settle(previous.id, outcome.state, { ...outcome.details, filament_mm: filament, raw }));
        if (!sameJob) return events;
      }
    }
    events.push(...this.tracker.observe(obs));
    return events;
  }

  private current(s: StatePayload, raw: unknown): PrinterEvent[] {
    this.learnClock(s);
    this.linked = linkedFrom(s) ?? this.linked;
    const events: PrinterEvent[] = [];
    if (!isActive(jobStateOf(s)) || !this.hasActiveJob) {
      // Between jobs only the bed matters: it may have cooled down since the last job ended.
      const bedTemp = latestBedTemp(s.temps);
      if (bedTemp !== undefined) events.push(...this.tracker.observe({ bedTemp, raw }));
    } else {
      this.filamentEstimate = filamentEstimateMm(s) ?? this.filamentEstimate;
      events.push(...this.tracker.observe({ raw, ...jobFields(s) }));
    }
    // Logs of a baseline (history) are the past; these are new lines since the last message.
    for (const line of Array.isArray(s.logs) ? s.logs.slice(-50) : []) {
      const message = m117FromLog(line, this.options.messagePrefix);
      if (message) events.push(this.message(message, { line }));
    }
    return events;
  }

  private event(type: string, p: Record<string, unknown>, raw: unknown): PrinterEvent[] {
    const time = this.now();
    const user = str(p.user);
    switch (type) {
      case 'PrintStarted': {
        const identity = this.newIdentity(str(p.origin) ?? 'local', str(p.path) ?? str(p.name) ?? '', time);
        this.identity = identity;
        this.filamentEstimate = undefined;
        return this.tracker.observe({
          state: 'printing',
          jobKey: identity.key,
          file: str(p.name) ?? str(p.path),
          started_at: isoFromEpochSeconds(identity.startS),
          time,
          raw,
        });
      }
      case 'PrintPaused': {
        const events = this.tracker.observe({ state: 'paused', reason: user ? 'user' : 'printer', time, raw });
        if (!user) events.push(...this.attention('paused_by_printer', 'The printer paused the job itself (e.g. filament runout)', time, raw));
        return events;
      }
      case 'PrintResumed':
        return this.tracker.observe({ state: 'printing', time, raw });
      case 'PrintDone':
        return this.tracker.observe({ state: 'finished', progress: 100, remaining_s: 0, elapsed_s: seconds(p.time), filament_mm: this.filamentEstimate, time, raw });
      case 'PrintCancelled':
        return this.tracker.observe({ state: 'cancelled', reason: user ? 'user' : 'printer', elapsed_s: seconds(p.time), time, raw });
      case 'PrintFailed': {
        if (p.reason === 'cancelled') {
          // Follows PrintCancelled: the tracker already ended the job, so this adds nothing.
          return this.tracker.observe({ state: 'cancelled', reason: user ? 'user' : 'printer', elapsed_s: seconds(p.time), time, raw });
        }
        const error: EventError = { message: str(p.error) ?? 'print failed', severity: 'error' };
        return this.tracker.observe({ state: 'failed', reason: 'error', error, elapsed_s: seconds(p.time), time, raw });
      }
      case 'Error': {
        const error: EventError = {
          message: str(p.error) ?? 'printer error',
          code: str(p.faq),
          severity: p.consequence === 'emergency' || p.consequence === 'disconnect' ? 'fatal' : 'error',
        };
        return this.tracker.raiseError(error, time, raw);
      }
      case 'FilamentChange':
        return this.attention('filament_change', 'Filament change requested', time, raw);
      case 'Waiting':
        return this.attention('waiting', 'The printer waits for the user to continue', time, raw);
      case 'Connected':
        this.linked = true;
        return [];
      case 'Disconnected':
        this.linked = false;
        return [];
      case 'PrinterStateChanged': {
        const id = str(p.state_id);
        if (id === 'OFFLINE' || id === 'CLOSED' || id === 'CLOSED_WITH_ERROR' || id === 'ERROR') this.linked = false;
        else if (id === 'OPERATIONAL' || id === 'PRINTING' || id === 'PAUSED') this.linked = true;
        return [];
      }
      case SPOOL_SELECTED:
        return this.spoolSelected(p, time, raw);
      case 'DisplayLayerProgress_layerChanged': {
        // Layers are not part of core OctoPrint; the DisplayLayerProgress plugin reports them.
        const layer = int(p.currentLayer);
        if (layer === undefined || !this.hasActiveJob) return [];
        return this.tracker.observe({ layer, layers: int(p.totalLayer), time, raw });
      }
      default:
        return [];
    }
  }

  private plugin(plugin: string, data: Record<string, unknown>, raw: unknown): PrinterEvent[] {
    const events: PrinterEvent[] = [];
    if (plugin === 'action_command_prompt' && data.action === 'show') {
      events.push(...this.attention('prompt', str(data.text) ?? 'The printer shows a prompt', this.now(), raw));
    }
    const message = pluginMessage(plugin, data, this.options.messagePrefix);
    if (message) events.push(this.message(message, raw));
    return events;
  }

  /**
   * The Spoolman plugin chose another spool for a tool: printer.material_changed, with the spool's filament
   * once the plugin's spool list answers (or just its id when it cannot). An event, never a re-read state:
   * nothing to baseline. Clearing a tool's spool is no event.
   */
  private spoolSelected(p: Record<string, unknown>, time: Date, raw: unknown): PrinterEvent[] {
    const selection = spoolSelection(p);
    if (!selection || selection.spoolId === undefined || this.spools.get(selection.tray) === selection.spoolId) return [];
    const { tray, spoolId } = selection;
    this.spools.set(tray, spoolId);
    const job = this.hasActiveJob ? this.tracker.currentJob : undefined;
    const build = (spool: unknown): PrinterEvent =>
      buildEvent({
        type: 'printer.material_changed',
        printer: this.options.printer,
        time,
        job,
        material: { ...spoolMaterial(spoolId, spool), tray },
        discriminator: `${tray}:spool:${spoolId}@${Math.floor(time.getTime() / 1000)}`,
        raw,
      });
    const connection = this.options.connection;
    if (!connection) return [build(undefined)];
    connection.rest
      .pluginJson(SPOOLS_PATH, 'Spoolman spools')
      .then(
        (answer) => spoolInList(answer, spoolId),
        (err: unknown) => {
          connection.warnOnce('spoolman', `OctoPrint ${connection.base.url.host}: the Spoolman plugin's spool list: ${describeError(err)}`);
          return undefined;
        },
      )
      .then((spool) => this.send([build(spool)]))
      .catch(() => undefined);
    return [];
  }

  /** printer.message, in the job running now (if any): its id is stable for this text in this job. */
  private message(message: PrinterMessage, raw: unknown): PrinterEvent {
    return this.messages.event({ ...message, raw }, this.hasActiveJob ? this.tracker.currentJob : undefined);
  }

  private attention(reason: string, message: string, time: Date, raw: unknown): PrinterEvent[] {
    // Each occurrence is distinct (a second M600 in the same job is a second event): key it on server time.
    const occurrence = Math.floor(time.getTime() / 1000 + this.serverOffsetS);
    return this.tracker.raiseAttention(reason, message, time, raw, occurrence);
  }

  private learnClock(s: StatePayload): void {
    // Only a plausible clock: one absurd serverTime must not shift every later start time (docs/robustness.md).
    if (finiteNumber(s.serverTime, 0, MAX_EPOCH_S) !== undefined) {
      this.serverOffsetS = (s.serverTime as number) - this.now().getTime() / 1000;
    }
  }

  /** Job identity (origin, path, start on OctoPrint's clock) from a state message; undefined if no file. */
  private identityFrom(s: StatePayload): JobIdentity | undefined {
    const file = s.job?.file;
    const path = str(file?.path) ?? str(file?.name);
    if (!path) return undefined;
    const origin = str(file?.origin) ?? 'local';
    let start = lastMarking(s, 'print');
    if (start === undefined && typeof s.serverTime === 'number' && typeof s.progress?.printTime === 'number') {
      start = s.serverTime - s.progress.printTime;
    }
    if (start === undefined) {
      if (this.identity && this.identity.origin === origin && this.identity.path === path) return this.identity;
      return undefined;
    }
    return this.matchIdentity(origin, path, Math.floor(start));
  }

  private newIdentity(origin: string, path: string, time: Date): JobIdentity {
    return this.matchIdentity(origin, path, Math.floor(time.getTime() / 1000 + this.serverOffsetS), true);
  }

  /** Reuses the followed job's identity when this is the same file started at (about) the same time. */
  private matchIdentity(origin: string, path: string, startS: number, fresh = false): JobIdentity {
    const known = this.identity;
    if (!fresh && known && known.origin === origin && known.path === path && Math.abs(known.startS - startS) <= this.toleranceS) {
      return known;
    }
    return { key: `${origin}:${path}@${startS}`, origin, path, startS };
  }
}
