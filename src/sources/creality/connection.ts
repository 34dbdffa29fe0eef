import WebSocket from 'ws';
import { Backoff, type BackoffOptions } from '../backoff';
import { closeWebSocket } from '../close-websocket';
import type { JobStateStore } from '../../state/job-state-store';
import { describeError, guarded, OnceLog } from '../guard';
import { parseCrealityAddress, type CrealityAddress } from './address';
import { MAX_CREALITY_FRAME_BYTES, parseCrealityFrame, REQUEST_PRINT_OBJECTS, REQUEST_PRINTER_PARAMS } from './frames';
import { mergeStatus, type CrealityState } from './merge';
import { SilenceWatch } from './silence-watch';

export type LinkPhase =
  | { phase: 'idle' }
  | { phase: 'connecting' }
  | { phase: 'ready' }
  | { phase: 'failed'; message: string };

/** What a source node's monitor hears from the shared connection. The state passed is the live cache: read only. */
export interface CrealityListener {
  phase(phase: LinkPhase): void;
  /** The first status holding `state` after a (re)connect: the merged cache, to take as a baseline. */
  baseline(state: Readonly<CrealityState>): void;
  /** A later frame: the fields it carried and the merged cache after it. */
  report(delta: Readonly<CrealityState>, state: Readonly<CrealityState>): void;
  /** The link went down after a baseline; `silentMs` is how long the printer had already been silent. */
  down(reason: string, silentMs: number): void;
}

export interface ConnectionOptions {
  host: string;
  port?: number | string;
  backoff?: BackoffOptions;
  /** Silence before a keepalive `get` (default 7000 ms) and before the socket is given up (default 12000 ms). */
  probeAfterMs?: number;
  deadAfterMs?: number;
  /** How often silence is checked (default 1000 ms). */
  tickMs?: number;
  handshakeTimeoutMs?: number;
  warn?: (message: string) => void;
  now?: () => number;
  /** This printer's persisted job state, read by the monitors (src/state/job-state-store.ts). */
  jobState?: JobStateStore;
}

/**
 * The port-9999 websocket to one Creality printer, shared by every source node using the printer
 * (docs/creality.md): merges the partial status frames into a cache that lives as long as the socket,
 * answers the printer's heart_beat, probes after a silence, gives a silent socket up and reconnects
 * with backoff. Every socket and timer callback is guarded.
 */
export class CrealityConnection {
  readonly address: CrealityAddress;
  private readonly options: ConnectionOptions;
  private readonly backoff: Backoff;
  private readonly listeners = new Set<CrealityListener>();
  private readonly log: OnceLog;
  private readonly watch: SilenceWatch;
  private socket: WebSocket | undefined;
  private running = false;
  private baselined = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private tickTimer: NodeJS.Timeout | undefined;
  private current: LinkPhase = { phase: 'idle' };
  private cache: CrealityState = {};

  constructor(options: ConnectionOptions) {
    this.options = options;
    this.address = parseCrealityAddress(options.host, options.port);
    this.backoff = new Backoff(options.backoff);
    this.log = new OnceLog((message) => options.warn?.(message));
    const probeAfterMs = options.probeAfterMs ?? 7000;
    this.watch = new SilenceWatch({ probeAfterMs, deadAfterMs: Math.max(probeAfterMs, options.deadAfterMs ?? 12_000), probeEveryMs: Math.max(1, Math.round(probeAfterMs / 3)) });
  }

  /** The printer's persisted job state, for the monitors that follow this connection. */
  get jobState(): JobStateStore | undefined {
    return this.options.jobState;
  }

  get phase(): LinkPhase {
    return this.current;
  }

  get hasState(): boolean {
    return this.baselined;
  }

  /** The websocket is open (the printer may not have sent a status yet). */
  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** A copy of the cached status. */
  status(): CrealityState {
    return { ...this.cache };
  }

  addListener(listener: CrealityListener): void {
    this.listeners.add(listener);
    this.tell(listener, (l) => l.phase(this.current));
    if (this.baselined) this.tell(listener, (l) => l.baseline(this.cache));
  }

  removeListener(listener: CrealityListener): void {
    this.listeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.backoff.reset();
    this.open();
  }

  /** Closes the socket and every timer; resolves once the socket is closed (at most ~1 s). */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.tickTimer);
    const socket = this.socket;
    this.socket = undefined;
    this.goneDown('stopped', 0);
    this.setPhase({ phase: 'idle' });
    await closeWebSocket(socket);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private warn(message: string): void {
    this.options.warn?.(`creality ${this.address.host}: ${message}`);
  }

  private open(): void {
    this.setPhase({ phase: 'connecting' });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.address.wsUrl, { handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000, maxPayload: MAX_CREALITY_FRAME_BYTES, perMessageDeflate: false });
    } catch (err) {
      this.scheduleReconnect(`cannot open ${this.address.wsUrl}: ${describeError(err)}`);
      return;
    }
    this.socket = socket;
    const report = (message: string) => this.warn(message);
    // Every handler first checks that its socket is still the current one: a stale socket says nothing.
    socket.on('open', guarded('open', report, () => {
      if (this.socket !== socket) return;
      this.cache = {};
      this.watch.heard(this.now());
      this.send(socket, REQUEST_PRINTER_PARAMS);
      clearInterval(this.tickTimer);
      this.tickTimer = setInterval(guarded('keepalive', report, () => this.tick(socket)), this.options.tickMs ?? 1000);
      this.tickTimer.unref?.();
    }));
    socket.on('message', guarded('message', report, (data: WebSocket.RawData, isBinary: boolean) => {
      if (this.socket !== socket) return;
      this.watch.heard(this.now());
      if (isBinary) return this.log.warn('binary', `creality ${this.address.host}: ignored a binary websocket frame`);
      this.onText(socket, data.toString());
    }));
    socket.on('unexpected-response', guarded('upgrade', report, (_req: unknown, res: { statusCode?: number; resume(): void }) => {
      res.resume();
      if (this.socket === socket) this.lost(`websocket upgrade refused (HTTP ${res.statusCode}): is port ${this.address.port} the printer's websocket?`, 0);
    }));
    socket.on('error', guarded('error', report, (err: Error) => {
      if (this.socket === socket) this.lost(err.message, 0);
    }));
    socket.on('close', guarded('close', report, (code: number) => {
      if (this.socket === socket) this.lost(`connection closed by the printer (${code})`, 0);
    }));
  }

  private send(socket: WebSocket, text: string): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    socket.send(text, (err) => {
      if (err && this.socket === socket) this.log.warn('send', `creality ${this.address.host}: send failed: ${err.message}`);
    });
  }

  private tick(socket: WebSocket): void {
    if (this.socket !== socket) return;
    const verdict = this.watch.check(this.now());
    // Before the first status a full one is asked for; after it, the small answer Creality Print asks for.
    if (verdict.action === 'probe') this.send(socket, this.baselined ? REQUEST_PRINT_OBJECTS : REQUEST_PRINTER_PARAMS);
    else if (verdict.action === 'dead') this.lost(`printer silent for ${Math.round(verdict.silentMs / 1000)} s`, verdict.silentMs);
  }

  private onText(socket: WebSocket, text: string): void {
    const frame = parseCrealityFrame(text);
    switch (frame.kind) {
      case 'ok':
        return;
      case 'heartbeat':
        return this.send(socket, 'ok');
      case 'invalid':
        return this.log.warn(`frame:${frame.reason}`, `creality ${this.address.host}: ignored a frame from the printer (${frame.reason})`);
      case 'status':
        return this.onStatus(frame.fields);
    }
  }

  private onStatus(fields: Record<string, unknown>): void {
    const { delta, dropped } = mergeStatus(this.cache, fields);
    if (dropped > 0) this.log.warn('dropped', `creality ${this.address.host}: left out ${dropped} field(s) with odd names or beyond the field limit`);
    if (!this.baselined) {
      if (!('state' in this.cache)) return;
      this.baselined = true;
      this.backoff.reset();
      this.setPhase({ phase: 'ready' });
      this.each((l) => l.baseline(this.cache));
      return;
    }
    if (Object.keys(delta).length > 0) this.each((l) => l.report(delta, this.cache));
  }

  private lost(reason: string, silentMs: number): void {
    const socket = this.socket;
    this.socket = undefined;
    clearInterval(this.tickTimer);
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.terminate();
    this.goneDown(reason, silentMs);
    this.scheduleReconnect(reason);
  }

  /** Forgets the cache (a later socket must not replay stale fields) and tells listeners that had a baseline. */
  private goneDown(reason: string, silentMs: number): void {
    this.cache = {};
    if (!this.baselined) return;
    this.baselined = false;
    this.each((l) => l.down(reason, silentMs));
  }

  private scheduleReconnect(reason: string): void {
    if (!this.running) return;
    this.setPhase({ phase: 'failed', message: reason });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(guarded('reconnect', (m) => this.warn(m), () => {
      this.reconnectTimer = undefined;
      if (this.running) this.open();
    }), this.backoff.next());
    this.reconnectTimer.unref?.();
  }

  private setPhase(phase: LinkPhase): void {
    const same = JSON.stringify(phase) === JSON.stringify(this.current);
    this.current = phase;
    if (!same) this.each((l) => l.phase(phase));
  }

  private each(call: (listener: CrealityListener) => void): void {
    for (const listener of [...this.listeners]) this.tell(listener, call);
  }

  /** One listener that throws is logged and never reaches the socket's event loop or the other listeners. */
  private tell(listener: CrealityListener, call: (listener: CrealityListener) => void): void {
    try {
      call(listener);
    } catch (err) {
      this.warn(`a listener failed: ${describeError(err)}`);
    }
  }
}
