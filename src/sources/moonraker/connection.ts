import WebSocket from 'ws';
import { Backoff, type BackoffOptions } from '../backoff';
import { describeError, guarded } from '../guard';
import type { JobStateStore } from '../../state/job-state-store';
import { encodeRequest, parseFrame, PendingCalls, RpcCallError } from './jsonrpc';
import { mergeStatus, type PrinterObjects } from './merge';
import { subscriptionFor } from './objects';
import { parseMoonrakerUrl, type MoonrakerEndpoint } from './url';
import { closeWebSocket } from '../close-websocket';

/** Where the shared connection is, for status display and for the sources' lifecycle handling. */
export type LinkPhase =
  | { phase: 'idle' }
  | { phase: 'connecting' }
  | { phase: 'klippy'; klippyState: string; message: string }
  | { phase: 'ready'; version?: string }
  | { phase: 'failed'; message: string };

export interface HistoryChange {
  action: string;
  job: Record<string, unknown>;
}

/** What a source hears from the connection. Every method is optional. */
export interface MoonrakerListener {
  phase?(phase: LinkPhase): void;
  /** Fresh full state after a (re)subscribe: a baseline, not a change. */
  baseline?(objects: PrinterObjects): void;
  /** One notify_status_update diff (already merged into the connection's cache). */
  status?(diff: PrinterObjects): void;
  gcode?(line: string): void;
  history?(change: HistoryChange): void;
  /** notify_active_spool_set: Spoolman's active spool changed (null: none). */
  spool?(spoolId: unknown): void;
  /** Klippy went away from under an open websocket (shutdown or disconnected). */
  klippy?(what: 'shutdown' | 'disconnected', message: string): void;
  /** The websocket closed. */
  down?(reason: string): void;
}

export interface ConnectionOptions {
  url: string;
  apiKey?: string;
  clientName?: string;
  clientVersion?: string;
  backoff?: BackoffOptions;
  /** How long to wait before asking server.info again while Klippy is not ready (default 2000). */
  klippyRetryMs?: number;
  requestTimeoutMs?: number;
  /** Logged once per kind (malformed frames, failed calls). */
  warn?: (message: string) => void;
  /** This printer's persisted job state, read by the monitors (src/state/job-state-store.ts). */
  jobState?: JobStateStore;
}

/**
 * One JSON-RPC websocket to one Moonraker, shared by every source node using the same config node:
 * connect (X-Api-Key on the upgrade), identify, wait for Klippy, subscribe, keep a deep-merged object
 * cache, re-subscribe after every Klippy restart, reconnect with backoff and jitter.
 */
export class MoonrakerConnection {
  readonly endpoint: MoonrakerEndpoint;
  private readonly options: ConnectionOptions;
  private readonly backoff: Backoff;
  private readonly listeners = new Set<MoonrakerListener>();
  private readonly warned = new Set<string>();
  private readonly calls = new PendingCalls();
  private socket: WebSocket | undefined;
  private running = false;
  /** Bumped whenever a Klippy readiness loop becomes stale. */
  private loop = 0;
  /** The current socket passed identify. */
  private handshaken = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private klippyTimer: NodeJS.Timeout | undefined;
  private subscribed = false;
  private current: LinkPhase = { phase: 'idle' };
  private cache: PrinterObjects = {};
  private serverInfo: Record<string, unknown> = {};

  constructor(options: ConnectionOptions) {
    this.options = options;
    this.endpoint = parseMoonrakerUrl(options.url);
    this.backoff = new Backoff(options.backoff);
  }

  /** The printer's persisted job state, for the monitors that follow this connection. */
  get jobState(): JobStateStore | undefined {
    return this.options.jobState;
  }

  get phase(): LinkPhase {
    return this.current;
  }

  get isReady(): boolean {
    return this.subscribed && this.current.phase === 'ready';
  }

  /** True when server.info lists the history component (core in current Moonraker). */
  get hasHistory(): boolean {
    const components = this.serverInfo.components;
    return Array.isArray(components) ? components.includes('history') : false;
  }

  /** True when server.info lists the spoolman component (docs/moonraker.md, "Material"). */
  get hasSpoolman(): boolean {
    const components = this.serverInfo.components;
    return Array.isArray(components) ? components.includes('spoolman') : false;
  }

  get moonrakerVersion(): string | undefined {
    const version = this.serverInfo.moonraker_version;
    return typeof version === 'string' ? version : undefined;
  }

  get apiKey(): string | undefined {
    return this.options.apiKey || undefined;
  }

  /** A copy of the cached printer objects. */
  objects(): PrinterObjects {
    return structuredClone(this.cache);
  }

  addListener(listener: MoonrakerListener): void {
    this.listeners.add(listener);
    listener.phase?.(this.current);
    if (this.isReady) listener.baseline?.(this.objects());
  }

  removeListener(listener: MoonrakerListener): void {
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
    this.loop += 1;
    this.handshaken = false;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.klippyTimer);
    this.calls.rejectAll(new Error('connection closed'));
    const socket = this.socket;
    this.socket = undefined;
    this.subscribed = false;
    this.setPhase({ phase: 'idle' });
    await closeWebSocket(socket);
  }

  /** One JSON-RPC call; rejects with RpcCallError, a timeout or "not connected". */
  call(method: string, params?: Record<string, unknown>, timeoutMs = this.options.requestTimeoutMs ?? 10_000): Promise<unknown> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error(`${method}: not connected`));
    const { id, answer } = this.calls.open(method, timeoutMs);
    socket.send(encodeRequest(id, method, params), (err) => {
      if (err) this.calls.fail(id, err);
    });
    return answer;
  }

  private open(): void {
    this.setPhase({ phase: 'connecting' });
    const headers: Record<string, string> = {};
    if (this.apiKey) headers['X-Api-Key'] = this.apiKey;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.endpoint.wsUrl, { headers, handshakeTimeout: 10_000, maxPayload: 32 * 1024 * 1024 });
    } catch (err) {
      this.scheduleReconnect(`cannot open ${this.endpoint.wsUrl}: ${(err as Error).message}`);
      return;
    }
    this.socket = socket;
    // Every handler checks that its socket is still the current one: a stale socket says nothing.
    socket.on('open', this.guard('handshake', () => {
      if (this.socket === socket) return this.handshake(socket);
    }));
    socket.on('message', this.guard('handling a message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (this.socket !== socket) return;
      if (isBinary) return this.warnOnce('binary', 'ignored a binary websocket frame');
      this.onText(data.toString());
    }));
    socket.on('unexpected-response', (_req, res) => {
      const reason = res.statusCode === 401 || res.statusCode === 403
        ? `unauthorized (HTTP ${res.statusCode}): check the API key`
        : `websocket upgrade refused (HTTP ${res.statusCode})`;
      res.resume();
      if (this.socket === socket) this.lost(reason);
    });
    socket.on('error', (err) => {
      if (this.socket === socket) this.lost(err.message);
    });
    socket.on('close', (code) => {
      if (this.socket === socket) this.lost(`connection closed (${code})`);
    });
  }

  private lost(reason: string): void {
    const socket = this.socket;
    this.socket = undefined;
    this.loop += 1;
    clearTimeout(this.klippyTimer);
    const wasUp = this.handshaken;
    this.handshaken = false;
    this.subscribed = false;
    this.calls.rejectAll(new Error(reason));
    if (socket && socket.readyState !== WebSocket.CLOSED) socket.terminate();
    if (wasUp) this.each((l) => l.down?.(reason));
    this.scheduleReconnect(reason);
  }

  private scheduleReconnect(reason: string): void {
    if (!this.running) return;
    this.setPhase({ phase: 'failed', message: reason });
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(this.guard('reconnecting', () => {
      this.reconnectTimer = undefined;
      if (this.running) this.open();
    }), this.backoff.next());
  }

  private async handshake(socket: WebSocket): Promise<void> {
    try {
      const identity = await this.identify();
      if (identity !== undefined && typeof (identity as Record<string, unknown> | null)?.connection_id !== 'number') {
        throw new Error('no connection_id in the answer');
      }
    } catch (err) {
      // Without a successful identify Moonraker sends no notifications at all: treat it as a failed connect.
      if (this.socket === socket) this.lost(`identify failed: ${(err as Error).message}`);
      return;
    }
    if (this.socket !== socket) return;
    this.handshaken = true;
    this.restartKlippyLoop();
  }

  /** Resolves undefined for a Moonraker too old to know identify (it then notifies every client). */
  private async identify(): Promise<unknown> {
    try {
      return await this.call('server.connection.identify', {
        client_name: this.options.clientName ?? 'PrintHooks',
        version: this.options.clientVersion ?? '0.1.0',
        type: 'other',
        url: 'https://github.com/printhooks/node-red-printhooks',
        ...(this.apiKey ? { api_key: this.apiKey } : {}),
      });
    } catch (err) {
      if (!(err instanceof RpcCallError) || err.code !== -32601) throw err;
      this.warnOnce('identify', 'this Moonraker does not know server.connection.identify; please update it');
      return undefined;
    }
  }

  private restartKlippyLoop(): void {
    this.loop += 1;
    clearTimeout(this.klippyTimer);
    this.guard('waiting for Klippy', (loop: number) => this.awaitKlippy(loop))(this.loop);
  }

  private retryKlippy(loop: number): void {
    clearTimeout(this.klippyTimer);
    this.klippyTimer = setTimeout(this.guard('waiting for Klippy', () => this.awaitKlippy(loop)), this.options.klippyRetryMs ?? 2000);
  }

  /** server.info until Klippy is ready (docs/moonraker.md, "Connection"), then list and subscribe. */
  private async awaitKlippy(loop: number): Promise<void> {
    if (loop !== this.loop) return;
    try {
      const info = (await this.call('server.info')) as Record<string, unknown>;
      if (loop !== this.loop) return;
      this.serverInfo = info && typeof info === 'object' ? info : {};
      const state = typeof info?.klippy_state === 'string' ? info.klippy_state : 'disconnected';
      if (state !== 'ready') {
        const message = await this.klippyMessage(state);
        if (loop !== this.loop) return;
        this.setPhase({ phase: 'klippy', klippyState: state, message });
        this.retryKlippy(loop);
        return;
      }
      const list = (await this.call('printer.objects.list')) as Record<string, unknown>;
      const loaded = Array.isArray(list?.objects) ? list.objects.filter((o): o is string => typeof o === 'string') : undefined;
      const result = (await this.call('printer.objects.subscribe', { objects: subscriptionFor(loaded) })) as Record<string, unknown>;
      if (loop !== this.loop) return;
      this.cache = {};
      mergeStatus(this.cache, result?.status);
      this.subscribed = true;
      this.backoff.reset();
      const version = typeof info.moonraker_version === 'string' ? info.moonraker_version : undefined;
      this.setPhase({ phase: 'ready', version });
      this.each((l) => l.baseline?.(this.objects()));
    } catch (err) {
      if (loop !== this.loop || !this.socket) return;
      this.warnOnce(`handshake:${(err as Error).message}`, `Moonraker handshake: ${(err as Error).message}`);
      this.retryKlippy(loop);
    }
  }

  /** The human text for a Klippy that is not ready: printer.info's state_message when Klippy can say. */
  private async klippyMessage(state: string): Promise<string> {
    if (state === 'startup') return 'Klippy is starting';
    if (state === 'disconnected') return 'Klippy is not running (disconnected from Moonraker)';
    try {
      const info = (await this.call('printer.info', undefined, 3000)) as Record<string, unknown>;
      if (typeof info?.state_message === 'string' && info.state_message.trim()) return info.state_message.trim();
    } catch {
      // fall back to what the cache or the state name says
    }
    const cached = this.cache.webhooks?.state_message;
    return typeof cached === 'string' && cached.trim() ? cached.trim() : `Klippy ${state}`;
  }

  private onText(text: string): void {
    const frame = parseFrame(text);
    if (frame.kind === 'invalid') return this.warnOnce(`frame:${frame.reason}`, `ignored a malformed frame from Moonraker: ${frame.reason}`);
    if (frame.kind === 'response') return this.calls.settle(frame);
    this.onNotification(frame.method, frame.params);
  }

  private onNotification(method: string, params: unknown[]): void {
    switch (method) {
      case 'notify_status_update': {
        if (!this.subscribed) return;
        const diff = params[0];
        if (!mergeStatus(this.cache, diff)) return this.warnOnce('status', 'ignored a notify_status_update without an object');
        this.each((l) => l.status?.(diff as PrinterObjects));
        return;
      }
      case 'notify_gcode_response': {
        const line = params[0];
        if (typeof line === 'string') this.each((l) => l.gcode?.(line));
        return;
      }
      case 'notify_history_changed': {
        const change = params[0] as Record<string, unknown> | undefined;
        if (!change || typeof change.action !== 'string' || typeof change.job !== 'object' || change.job === null) {
          return this.warnOnce('history', 'ignored a malformed notify_history_changed');
        }
        const update: HistoryChange = { action: change.action, job: change.job as Record<string, unknown> };
        this.each((l) => l.history?.(update));
        return;
      }
      case 'notify_active_spool_set': {
        const change = params[0] as Record<string, unknown> | undefined;
        if (change && typeof change === 'object') this.each((l) => l.spool?.(change.spool_id));
        return;
      }
      case 'notify_klippy_ready':
        // Moonraker dropped our subscription when Klippy went away: subscribe again.
        if (this.handshaken) this.restartKlippyLoop();
        return;
      case 'notify_klippy_shutdown':
      case 'notify_klippy_disconnected':
        if (this.handshaken) this.guard('Klippy went away', (what: 'shutdown' | 'disconnected') => this.klippyLost(what))(method === 'notify_klippy_shutdown' ? 'shutdown' : 'disconnected');
        return;
      default:
        return;
    }
  }

  private async klippyLost(what: 'shutdown' | 'disconnected'): Promise<void> {
    this.loop += 1;
    const loop = this.loop;
    clearTimeout(this.klippyTimer);
    this.subscribed = false;
    const message = what === 'shutdown' ? await this.klippyMessage('shutdown') : 'Klippy disconnected from Moonraker';
    if (loop !== this.loop) return;
    this.setPhase({ phase: 'klippy', klippyState: what, message });
    this.each((l) => l.klippy?.(what, message));
    this.retryKlippy(loop);
  }

  private setPhase(phase: LinkPhase): void {
    const same = JSON.stringify(phase) === JSON.stringify(this.current);
    this.current = phase;
    if (same) return;
    this.each((l) => l.phase?.(phase));
  }

  /** Tells every listener; one that throws is logged and never reaches the socket's event loop. */
  private each(call: (listener: MoonrakerListener) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        call(listener);
      } catch (err) {
        this.warnOnce(`listener:${describeError(err)}`, `Moonraker ${this.endpoint.host}: a source failed on a message: ${describeError(err)}`);
      }
    }
  }

  /** A socket or timer callback whose exceptions become a warning naming the printer (docs/robustness.md). */
  private guard<A extends unknown[]>(where: string, callback: (...args: A) => unknown): (...args: A) => void {
    return guarded(`Moonraker ${this.endpoint.host}: ${where}`, (message) => this.warnOnce(`guard:${message}`, message), callback);
  }

  private warnOnce(kind: string, message: string): void {
    // Bounded: a printer sending ever new faults must not grow memory without end.
    if (this.warned.has(kind) || this.warned.size >= 100) return;
    this.warned.add(kind);
    this.options.warn?.(message);
  }
}
