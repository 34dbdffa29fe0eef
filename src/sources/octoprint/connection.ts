import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import type { PrinterRef } from '../../event';
import { PresenceTracker } from '../../presence';
import { Backoff } from '../backoff';
import { parseFrame, type PushFrame } from './frames';
import { OctoPrintMapper } from './mapping';
import { classifyError, OctoPrintProblem } from './problems';
import { OctoPrintRest } from './rest';
import { parseBaseUrl, websocketUrl, type OctoPrintBase } from './url';

export interface ConnectionOptions {
  url: string;
  apiKey: string;
  printer: PrinterRef;
  allowSelfSigned?: boolean;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Websocket ping interval; a connection that misses one pong is dropped (default 20 s). */
  pingIntervalMs?: number;
  /** printer.offline only after the connection stayed down this long (default 30 s). */
  offlineDelayMs?: number;
  /** printer.bed_cooled threshold, °C (0 = off; default 35). */
  bedCooledBelow?: number;
  requestTimeoutMs?: number;
  random?: () => number;
  now?: () => Date;
  log?: (level: 'info' | 'warn', message: string) => void;
}

export interface ConnectionStatus {
  fill: 'grey' | 'green' | 'yellow' | 'red';
  shape: 'dot' | 'ring';
  text: string;
}

/** What we ask OctoPrint to push (sent before `auth`, protocols.md §1.2): state without logs, all events and plugins. */
export const SUBSCRIBE_MESSAGE = { subscribe: { state: { logs: false, messages: false }, events: true, plugins: true } };

type Phase = 'idle' | 'connecting' | 'authenticating' | 'up' | 'waiting' | 'stopped';

/**
 * One OctoPrint push connection: passive login, raw websocket, subscribe + auth, ping liveness,
 * reconnect with backoff. Emits 'event' (PrinterEvent) and 'status' (ConnectionStatus).
 */
export class OctoPrintConnection extends EventEmitter {
  readonly base: OctoPrintBase;
  readonly rest: OctoPrintRest;
  readonly mapper: OctoPrintMapper;
  private readonly presence: PresenceTracker;
  private readonly backoff: Backoff;
  private readonly pingIntervalMs: number;
  private readonly log: (level: 'info' | 'warn', message: string) => void;
  private ws: WebSocket | undefined;
  private phase: Phase = 'idle';
  private problem: OctoPrintProblem | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private alive = true;
  private generation = 0;
  private readonly loggedKinds = new Set<string>();
  private lastReported: string | undefined;
  private lastStatus: ConnectionStatus = { fill: 'grey', shape: 'ring', text: 'idle' };
  /** Sockets opened so far (tests check sharing). */
  socketsOpened = 0;

  constructor(private readonly options: ConnectionOptions) {
    super();
    this.base = parseBaseUrl(options.url);
    if (!options.apiKey) throw new OctoPrintProblem('config', 'API key is empty');
    this.rest = new OctoPrintRest({ base: this.base, apiKey: options.apiKey, allowSelfSigned: options.allowSelfSigned, timeoutMs: options.requestTimeoutMs });
    this.mapper = new OctoPrintMapper({ printer: options.printer, now: options.now, bedCooledBelow: options.bedCooledBelow });
    this.presence = new PresenceTracker({
      printer: options.printer,
      offlineDelayMs: options.offlineDelayMs,
      now: options.now,
      emit: (event) => this.emit('event', event),
    });
    this.backoff = new Backoff({ baseMs: options.backoffBaseMs, maxMs: options.backoffMaxMs, jitter: 0.25, random: options.random });
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000;
    this.log = options.log ?? (() => undefined);
  }

  get status(): ConnectionStatus {
    return { ...this.lastStatus };
  }

  get currentProblem(): OctoPrintProblem | undefined {
    return this.problem;
  }

  start(): void {
    if (this.phase !== 'idle') return;
    this.open();
  }

  /** Closes the socket (within ~1 s) and cancels every timer; no event is emitted afterwards. */
  async stop(): Promise<void> {
    this.phase = 'stopped';
    this.generation += 1;
    this.clearTimers();
    this.presence.dispose();
    const ws = this.ws;
    this.ws = undefined;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          ws.terminate();
          resolve();
        }, 500);
        ws.once('close', () => {
          clearTimeout(force);
          resolve();
        });
        if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
        else ws.close(1000, 'closing');
      });
    }
    this.rest.dispose();
    this.removeAllListeners();
  }

  private open(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'connecting';
    this.setStatus(this.problem ? this.problemStatus(this.problem) : { fill: 'yellow', shape: 'ring', text: 'connecting' });
    const generation = ++this.generation;
    const ws = new WebSocket(websocketUrl(this.base), {
      rejectUnauthorized: !this.options.allowSelfSigned,
      handshakeTimeout: this.options.requestTimeoutMs ?? 10_000,
      perMessageDeflate: false,
      maxPayload: 32 * 1024 * 1024,
    });
    this.ws = ws;
    this.socketsOpened += 1;
    ws.on('open', () => {
      this.alive = true;
      this.pingTimer = setInterval(() => this.ping(ws), this.pingIntervalMs);
    });
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('message', (data, isBinary) => {
      if (generation !== this.generation) return;
      if (isBinary) {
        this.logOnce('binary', 'OctoPrint sent a binary frame; ignored');
        return;
      }
      this.onFrame(parseFrame(data as Buffer), ws, generation);
    });
    ws.on('error', (error) => {
      if (generation !== this.generation) return;
      if (!this.problem || this.phase !== 'up') this.problem = classifyError(error, 'websocket');
    });
    ws.on('close', () => {
      if (generation !== this.generation) return;
      this.onClose();
    });
  }

  private ping(ws: WebSocket): void {
    if (!this.alive) {
      this.problem = new OctoPrintProblem('timeout', 'OctoPrint stopped answering pings', 'no answer to ping');
      ws.terminate();
      return;
    }
    this.alive = false;
    try {
      ws.ping();
    } catch {
      // The close handler deals with a socket that went away.
    }
  }

  private onFrame(frame: PushFrame, ws: WebSocket, generation: number): void {
    try {
      switch (frame.kind) {
        case 'connected':
          this.authenticate(ws, generation, true);
          return;
        case 'reauthRequired':
          if (frame.reason === 'logout' || frame.reason === 'stale' || frame.reason === 'removed') {
            this.fail(ws, new OctoPrintProblem('session', `OctoPrint ended the session (${frame.reason}); check the API key's user`, `session ended (${frame.reason})`));
          } else {
            this.authenticate(ws, generation, false);
          }
          return;
        case 'malformed':
          this.logOnce(`malformed:${frame.problem}`, `ignored a malformed OctoPrint message (${frame.problem})`);
          return;
        case 'ignored':
          if (frame.type.startsWith('unknown:')) this.logOnce(frame.type, `ignored an unknown OctoPrint message type "${frame.type.slice(8)}"`);
          return;
        default:
          break;
      }
      if (frame.kind === 'history' || (frame.kind === 'current' && this.phase === 'authenticating')) this.authenticated();
      const events = this.mapper.handle(frame);
      for (const event of events) this.emit('event', event);
      this.updatePresence();
      this.refreshStatus();
    } catch (error) {
      // Bad data from the printer must never take the runtime down: log once per kind and go on.
      this.logOnce(`crash:${frame.kind}`, `could not process an OctoPrint ${frame.kind} message: ${(error as Error).message}`);
    }
  }

  private authenticate(ws: WebSocket, generation: number, subscribe: boolean): void {
    this.phase = 'authenticating';
    void (async () => {
      try {
        const login = await this.rest.passiveLogin();
        if (generation !== this.generation) return;
        this.mapper.connected();
        if (this.mapper.hasActiveJob) this.mapper.setApiJobHint(await this.rest.job().catch(() => undefined));
        if (generation !== this.generation || ws.readyState !== WebSocket.OPEN) return;
        if (subscribe) ws.send(JSON.stringify(SUBSCRIBE_MESSAGE));
        ws.send(JSON.stringify({ auth: `${login.name}:${login.session}` }));
      } catch (error) {
        if (generation !== this.generation) return;
        this.fail(ws, classifyError(error, 'login'));
      }
    })();
  }

  private authenticated(): void {
    if (this.phase === 'up') return;
    this.phase = 'up';
    if (this.problem) this.log('info', `connection to OctoPrint restored (was: ${this.problem.message})`);
    this.problem = undefined;
    this.lastReported = undefined;
    this.backoff.reset();
  }

  private fail(ws: WebSocket, problem: OctoPrintProblem): void {
    this.problem = problem;
    this.reportProblem(problem);
    this.setStatus(this.problemStatus(problem));
    ws.close(1000, 'giving up');
  }

  private onClose(): void {
    this.clearTimers();
    this.ws = undefined;
    if (this.phase === 'stopped') return;
    this.phase = 'waiting';
    this.mapper.disconnected();
    this.presence.offline();
    const problem = this.problem;
    const slow = problem !== undefined && (problem.kind === 'rejected' || problem.kind === 'global_key' || problem.kind === 'session');
    const delay = slow ? this.backoff.slow() : this.backoff.next();
    if (problem) this.reportProblem(problem);
    this.setStatus(problem ? this.problemStatus(problem) : { fill: 'yellow', shape: 'ring', text: 'connecting' });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.open();
    }, delay);
  }

  private updatePresence(): void {
    if (this.phase === 'up' && this.mapper.linked !== false) this.presence.online();
    else this.presence.offline();
  }

  private refreshStatus(): void {
    if (this.phase !== 'up') return;
    if (this.mapper.linked === false) {
      this.setStatus({ fill: 'grey', shape: 'ring', text: 'printer disconnected' });
      return;
    }
    const state = this.mapper.state;
    const progress = this.mapper.job?.progress;
    const pct = progress !== undefined ? ` ${Math.floor(progress)}%` : '';
    if (state === 'printing') this.setStatus({ fill: 'green', shape: 'dot', text: `printing${pct}` });
    else if (state === 'paused') this.setStatus({ fill: 'yellow', shape: 'dot', text: `paused${pct}` });
    else this.setStatus({ fill: 'grey', shape: 'dot', text: 'idle' });
  }

  private problemStatus(problem: OctoPrintProblem): ConnectionStatus {
    return { fill: 'red', shape: 'ring', text: problem.short };
  }

  /** One warning per distinct problem, not one per retry. */
  private reportProblem(problem: OctoPrintProblem): void {
    if (this.lastReported === problem.message) return;
    this.lastReported = problem.message;
    this.log('warn', `OctoPrint ${this.base.url.host}: ${problem.message}`);
  }

  private setStatus(status: ConnectionStatus): void {
    const last = this.lastStatus;
    if (last.fill === status.fill && last.shape === status.shape && last.text === status.text) return;
    this.lastStatus = status;
    this.emit('status', { ...status });
  }

  private logOnce(kind: string, message: string): void {
    // Bounded: a server inventing new message types must not grow memory without end.
    if (this.loggedKinds.has(kind) || this.loggedKinds.size >= 100) return;
    this.loggedKinds.add(kind);
    this.log('warn', message);
  }

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.retryTimer = undefined;
    this.pingTimer = undefined;
  }
}
