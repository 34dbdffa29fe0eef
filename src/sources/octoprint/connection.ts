import WebSocket from 'ws';
import { Backoff } from '../backoff';
import { guarded } from '../guard';
import type { JobStateStore } from '../../state/job-state-store';
import { parseFrame, type PushFrame } from './frames';
import { M117_LOG_FILTER } from './messages';
import { classifyError, OctoPrintProblem, type ProblemKind } from './problems';
import { OctoPrintRest } from './rest';
import { parseBaseUrl, websocketUrl, type OctoPrintBase } from './url';

export interface ConnectionOptions {
  url: string;
  apiKey: string;
  allowSelfSigned?: boolean;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Websocket ping interval; a connection that misses one pong is dropped (default 20 s). */
  pingIntervalMs?: number;
  requestTimeoutMs?: number;
  random?: () => number;
  log?: (level: 'info' | 'warn', message: string) => void;
  /** This printer's persisted job state, read by the monitors (src/state/job-state-store.ts). */
  jobState?: JobStateStore;
}

export type LinkPhase =
  | { phase: 'idle' }
  | { phase: 'connecting' }
  | { phase: 'ready' }
  | { phase: 'failed'; problem: ProblemKind; message: string; short: string };

/** What a monitor hears from the connection (monitor.ts). */
export interface OctoPrintListener {
  phase(phase: LinkPhase): void;
  /** Logged in on a new socket, before subscribing; may fetch catch-up data with `rest`. */
  loggedIn(rest: OctoPrintRest): Promise<void>;
  /** A push frame with printer data; `authenticated` is false while the socket (re)logs in. */
  frame(frame: PushFrame, authenticated: boolean): void;
  /** The socket closed; the connection reconnects on its own. */
  down(): void;
}

/**
 * What we ask OctoPrint to push (sent before `auth`, docs/octoprint.md): state with only the terminal
 * lines that send an M117 (printer.message), all events and plugins.
 */
export const SUBSCRIBE_MESSAGE = { subscribe: { state: { logs: M117_LOG_FILTER, messages: false }, events: true, plugins: true } };

type Phase = 'idle' | 'connecting' | 'authenticating' | 'up' | 'waiting' | 'stopped';

/**
 * One OctoPrint push connection: passive login, raw websocket, subscribe + auth, ping liveness,
 * reconnect with backoff. Its listeners (monitor.ts) hear the phases and the frames.
 */
export class OctoPrintConnection {
  readonly base: OctoPrintBase;
  readonly rest: OctoPrintRest;
  private readonly listeners = new Set<OctoPrintListener>();
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
  private current: LinkPhase = { phase: 'idle' };
  /** Sockets opened so far (tests check sharing). */
  socketsOpened = 0;

  /** The printer's persisted job state, for the monitors that follow this connection. */
  get jobState(): JobStateStore | undefined {
    return this.options.jobState;
  }

  constructor(private readonly options: ConnectionOptions) {
    this.base = parseBaseUrl(options.url);
    if (!options.apiKey) throw new OctoPrintProblem('config', 'API key is empty');
    this.rest = new OctoPrintRest({ base: this.base, apiKey: options.apiKey, allowSelfSigned: options.allowSelfSigned, timeoutMs: options.requestTimeoutMs });
    this.backoff = new Backoff({ baseMs: options.backoffBaseMs, maxMs: options.backoffMaxMs, jitter: 0.25, random: options.random });
    this.pingIntervalMs = options.pingIntervalMs ?? 20_000;
    this.log = options.log ?? (() => undefined);
  }

  get linkPhase(): LinkPhase {
    return this.current;
  }

  addListener(listener: OctoPrintListener): void {
    this.listeners.add(listener);
    listener.phase(this.current);
  }

  removeListener(listener: OctoPrintListener): void {
    this.listeners.delete(listener);
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
    this.listeners.clear();
  }

  private open(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'connecting';
    this.setPhase(this.problem ? failed(this.problem) : { phase: 'connecting' });
    const generation = ++this.generation;
    const ws = new WebSocket(websocketUrl(this.base), {
      rejectUnauthorized: !this.options.allowSelfSigned,
      handshakeTimeout: this.options.requestTimeoutMs ?? 10_000,
      perMessageDeflate: false,
      maxPayload: 32 * 1024 * 1024,
    });
    this.ws = ws;
    this.socketsOpened += 1;
    ws.on('open', this.guard('connected', () => {
      this.alive = true;
      this.pingTimer = setInterval(this.guard('ping', () => this.ping(ws)), this.pingIntervalMs);
    }));
    ws.on('pong', () => {
      this.alive = true;
    });
    ws.on('message', this.guard('handling a message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (generation !== this.generation) return;
      if (isBinary) {
        this.logOnce('binary', 'OctoPrint sent a binary frame; ignored');
        return;
      }
      this.onFrame(parseFrame(data as Buffer), ws, generation);
    }));
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
      for (const listener of this.listeners) listener.frame(frame, this.phase === 'up');
    } catch (error) {
      // Bad data from the printer must never take the runtime down: log once per kind and go on.
      this.logOnce(`crash:${frame.kind}`, `OctoPrint ${this.base.url.host}: could not process a ${frame.kind} message: ${(error as Error).message}`);
    }
  }

  private authenticate(ws: WebSocket, generation: number, subscribe: boolean): void {
    this.phase = 'authenticating';
    void (async () => {
      try {
        const login = await this.rest.passiveLogin();
        if (generation !== this.generation) return;
        for (const listener of this.listeners) await listener.loggedIn(this.rest);
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
    this.setPhase({ phase: 'ready' });
  }

  private fail(ws: WebSocket, problem: OctoPrintProblem): void {
    this.problem = problem;
    this.reportProblem(problem);
    this.setPhase(failed(problem));
    ws.close(1000, 'giving up');
  }

  private onClose(): void {
    this.clearTimers();
    this.ws = undefined;
    if (this.phase === 'stopped') return;
    this.phase = 'waiting';
    for (const listener of this.listeners) listener.down();
    const problem = this.problem;
    const slow = problem !== undefined && (problem.kind === 'rejected' || problem.kind === 'global_key' || problem.kind === 'session');
    const delay = slow ? this.backoff.slow() : this.backoff.next();
    if (problem) this.reportProblem(problem);
    this.setPhase(problem ? failed(problem) : { phase: 'connecting' });
    this.retryTimer = setTimeout(this.guard('reconnecting', () => {
      this.retryTimer = undefined;
      this.open();
    }), delay);
  }

  /** One warning per distinct problem, not one per retry. */
  private reportProblem(problem: OctoPrintProblem): void {
    if (this.lastReported === problem.message) return;
    this.lastReported = problem.message;
    this.log('warn', `OctoPrint ${this.base.url.host}: ${problem.message}`);
  }

  private setPhase(next: LinkPhase): void {
    const last = this.current;
    if (last.phase === next.phase && (last.phase !== 'failed' || (next.phase === 'failed' && last.short === next.short))) return;
    this.current = next;
    for (const listener of this.listeners) listener.phase(next);
  }

  /** A warning on the config node, once per kind: the monitors report their own faults through it. */
  warnOnce(kind: string, message: string): void {
    this.logOnce(kind, message);
  }

  /** A socket or timer callback whose exceptions become a warning naming the printer (docs/robustness.md). */
  private guard<A extends unknown[]>(where: string, callback: (...args: A) => unknown): (...args: A) => void {
    return guarded(`OctoPrint ${this.base.url.host}: ${where}`, (message) => this.logOnce(`guard:${message}`, message), callback);
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

function failed(problem: OctoPrintProblem): LinkPhase {
  return { phase: 'failed', problem: problem.kind, message: problem.message, short: problem.short };
}
