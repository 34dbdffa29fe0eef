import { randomUUID } from 'node:crypto';
import { MqttClient } from 'mqtt';
import { Backoff, type BackoffOptions } from '../backoff';
import { parseBoundedJson } from '../bounded-json';
import { describeError, guarded } from '../guard';
import type { JobStateStore } from '../../state/job-state-store';
import { mergeReport, type BambuState } from './merge';
import { isDeltaModel, modelFromVersion, type PrinterModel } from './model';
import { describeProblem, type LinkProblem } from './problems';
import { CheckedTlsStream, tlsOptions, type PrinterTls } from './tls-stream';

export type LinkPhase =
  | { phase: 'idle' }
  | { phase: 'connecting' }
  | { phase: 'ready' }
  | { phase: 'failed'; problem: LinkProblem; message: string };

/** What a source node's monitor hears from the shared connection. */
export interface BambuListener {
  phase(phase: LinkPhase): void;
  /** The first report after a (re)connect: the merged state to take as a baseline. */
  baseline(state: BambuState): void;
  /** A later report: the delta as received and the merged state after it. */
  report(delta: BambuState, state: BambuState): void;
  /** The link went down (the monitor reports offline, debounced). */
  down(): void;
}

export interface ConnectionOptions {
  host: string;
  port?: number;
  serial: string;
  accessCode: string;
  tls: PrinterTls;
  /** Called with the fingerprint of the first certificate accepted (trust on first use). */
  onFirstFingerprint?: (fingerprint: string) => void;
  clientId?: string;
  /** Reconnect after this long without any message (default 60 s). */
  watchdogMs?: number;
  /** P1/A1: pushall at most this often (default 5 min). */
  pushallMinIntervalMs?: number;
  backoff?: BackoffOptions;
  /** Retry delay after a rejected access code or a changed certificate (default 5 min). */
  slowRetryMs?: number;
  connectTimeoutMs?: number;
  keepaliveS?: number;
  warn?: (message: string) => void;
  now?: () => number;
  /** This printer's persisted job state, read by the monitors (src/state/job-state-store.ts). */
  jobState?: JobStateStore;
}

const REQUEST_VERSION = JSON.stringify({ info: { sequence_id: '0', command: 'get_version' } });
const REQUEST_PUSHALL = JSON.stringify({ pushing: { sequence_id: '0', command: 'pushall' } });

/**
 * The MQTT-over-TLS link to one Bambu Lab printer, shared by every source node using the printer: keeps
 * the merged report state, identifies the model, watches for silence and reconnects on its own.
 */
export class BambuConnection {
  readonly options: ConnectionOptions;
  private readonly listeners = new Set<BambuListener>();
  private readonly backoff: Backoff;
  private client: MqttClient | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private pushallTimer: NodeJS.Timeout | undefined;
  private lastPushallAt = Number.NEGATIVE_INFINITY;
  private running = false;
  private haveBaseline = false;
  private wasUp = false;
  private lastProblem: { problem: LinkProblem; message: string } | undefined;
  private readonly warned = new Set<string>();
  private current: LinkPhase = { phase: 'idle' };
  /** The printer's merged `print` state; kept across reconnects. */
  readonly state: BambuState = {};
  printer: PrinterModel = {};
  /** The certificate fingerprint seen on the last connection. */
  fingerprint: string | undefined;

  /** The printer's persisted job state, for the monitors that follow this connection. */
  get jobState(): JobStateStore | undefined {
    return this.options.jobState;
  }

  constructor(options: ConnectionOptions) {
    this.options = options;
    this.backoff = new Backoff(options.backoff);
  }

  get phase(): LinkPhase {
    return this.current;
  }

  get hasState(): boolean {
    return this.haveBaseline;
  }

  addListener(listener: BambuListener): void {
    this.listeners.add(listener);
    listener.phase(this.current);
    if (this.haveBaseline) listener.baseline(this.state);
  }

  removeListener(listener: BambuListener): void {
    this.listeners.delete(listener);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  /** Closes the link; resolves within a second whatever the printer does. */
  stop(): Promise<void> {
    this.running = false;
    this.clearTimers();
    const client = this.client;
    this.client = undefined;
    this.goneDown();
    this.setPhase({ phase: 'idle' });
    if (!client) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000);
      client.end(true, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private connect(): void {
    if (!this.running) return;
    const o = this.options;
    this.lastProblem = undefined;
    this.setPhase({ phase: 'connecting' });
    const tlsConnect = tlsOptions(o.host, o.port ?? 8883, o.serial, o.tls);
    let client: MqttClient;
    try {
      client = this.createClient(tlsConnect);
    } catch (err) {
      // Options Node refuses outright (a bad port, a CA it cannot load): retried slowly, never thrown from a timer.
      this.lastProblem = { problem: 'protocol', message: `cannot connect: ${(err as Error).message}` };
      this.setPhase({ phase: 'failed', ...this.lastProblem });
      this.retryTimer = setTimeout(this.guard('reconnecting', () => {
        this.retryTimer = undefined;
        this.connect();
      }), o.slowRetryMs ?? 300_000);
      this.retryTimer.unref?.();
      return;
    }
    this.client = client;
    client.on('connect', this.guard('connected', () => this.onConnect(client)));
    client.on('message', this.guard('handling a report', (_topic: string, payload: Buffer) => this.onMessage(client, payload)));
    client.on('error', (err) => {
      if (this.client !== client) return;
      this.lastProblem = describeProblem(err);
      this.drop(client);
    });
    client.on('close', () => {
      if (this.client === client) this.drop(client);
    });
  }

  private createClient(tlsConnect: ReturnType<typeof tlsOptions>): MqttClient {
    const o = this.options;
    return new MqttClient(
      () => new CheckedTlsStream(tlsConnect, o.tls, (fp) => (this.fingerprint = fp)),
      {
        clientId: o.clientId ?? `printhooks-${randomUUID()}`,
        username: 'bblp',
        password: o.accessCode,
        protocolVersion: 4,
        keepalive: o.keepaliveS ?? 30,
        reconnectPeriod: 0,
        connectTimeout: o.connectTimeoutMs ?? 10_000,
        clean: true,
      },
    );
  }

  private onConnect(client: MqttClient): void {
    if (this.client !== client) return;
    const o = this.options;
    if (o.tls.mode === 'pin' && !o.tls.expected?.() && this.fingerprint) o.onFirstFingerprint?.(this.fingerprint);
    this.haveBaseline = false;
    this.armWatchdog(client);
    client.subscribe(`device/${o.serial}/report`, { qos: 0 }, this.guard('subscribed', (err: Error | null) => {
      if (err || this.client !== client) return;
      client.publish(`device/${o.serial}/request`, REQUEST_VERSION);
      this.requestPushall(client);
    }));
  }

  private requestPushall(client: MqttClient): void {
    const now = this.now();
    const minGap = this.options.pushallMinIntervalMs ?? 300_000;
    const wait = isDeltaModel(this.printer.model) ? this.lastPushallAt + minGap - now : 0;
    if (this.pushallTimer) clearTimeout(this.pushallTimer);
    this.pushallTimer = undefined;
    const send = () => {
      if (this.client !== client) return;
      this.lastPushallAt = this.now();
      client.publish(`device/${this.options.serial}/request`, REQUEST_PUSHALL);
    };
    if (wait <= 0) return send();
    this.pushallTimer = setTimeout(this.guard('asking for a full report', send), wait);
    this.pushallTimer.unref?.();
  }

  private onMessage(client: MqttClient, payload: Buffer): void {
    if (this.client !== client) return;
    this.armWatchdog(client);
    const parsed = parseBoundedJson(payload);
    if (!parsed.ok) {
      const why = parsed.reason === 'not JSON' ? 'that is not valid JSON' : `(${parsed.reason})`;
      this.warnOnce(`json:${parsed.reason}`, `bambu ${this.options.serial}: skipped a report ${why}`);
      return;
    }
    const message = parsed.value;
    if (!message || typeof message !== 'object') return;
    const { print, info } = message as { print?: unknown; info?: unknown };
    if (info && typeof info === 'object' && (info as Record<string, unknown>).command === 'get_version') {
      const found = modelFromVersion(info);
      if (found.model || found.firmware) this.printer = found;
    }
    if (!print || typeof print !== 'object' || Array.isArray(print)) return;
    const delta = print as BambuState;
    // Command echoes (project_file, gcode_line…) are not state; a print object without a command is treated as status.
    if (delta.command !== undefined && delta.command !== 'push_status') return;
    mergeReport(this.state, delta);
    if (!this.haveBaseline) {
      this.haveBaseline = true;
      this.wasUp = true;
      this.backoff.reset();
      this.setPhase({ phase: 'ready' });
      this.each((listener) => listener.baseline(this.state));
      return;
    }
    this.each((listener) => listener.report(delta, this.state));
  }

  private armWatchdog(client: MqttClient): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = setTimeout(this.guard('watchdog', () => {
      if (this.client !== client) return;
      this.warnOnce('silent', `bambu ${this.options.serial}: no message for ${Math.round((this.options.watchdogMs ?? 60_000) / 1000)} s, reconnecting`);
      this.drop(client, 0);
    }), this.options.watchdogMs ?? 60_000);
    this.watchdog.unref?.();
  }

  /** Tears one attempt down and schedules the next. */
  private drop(client: MqttClient, delay?: number): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.clearTimers();
    client.removeAllListeners('close');
    client.on('error', () => undefined);
    client.end(true);
    this.goneDown();
    if (!this.running) return;
    const problem = this.lastProblem;
    if (problem) this.setPhase({ phase: 'failed', ...problem });
    else this.setPhase({ phase: 'connecting' });
    const slow = problem?.problem === 'auth' || problem?.problem === 'pin';
    const wait = delay ?? (slow ? this.options.slowRetryMs ?? 300_000 : this.backoff.next());
    this.retryTimer = setTimeout(this.guard('reconnecting', () => {
      this.retryTimer = undefined;
      this.connect();
    }), wait);
    this.retryTimer.unref?.();
  }

  private goneDown(): void {
    this.haveBaseline = false;
    if (!this.wasUp) return;
    this.wasUp = false;
    this.each((listener) => listener.down());
  }

  private clearTimers(): void {
    for (const timer of [this.retryTimer, this.watchdog, this.pushallTimer]) if (timer) clearTimeout(timer);
    this.retryTimer = this.watchdog = this.pushallTimer = undefined;
  }

  private setPhase(phase: LinkPhase): void {
    const before = JSON.stringify(this.current);
    this.current = phase;
    if (JSON.stringify(phase) === before) return;
    this.each((listener) => listener.phase(phase));
  }

  /** Tells every listener; one that throws is reported and never reaches the MQTT client. */
  private each(call: (listener: BambuListener) => void): void {
    for (const listener of [...this.listeners]) {
      try {
        call(listener);
      } catch (err) {
        this.warnOnce(`listener:${describeError(err)}`, `bambu ${this.options.serial}: a source failed on a report: ${describeError(err)}`);
      }
    }
  }

  /** A socket, MQTT or timer callback whose exceptions become a warning naming the printer (docs/robustness.md). */
  private guard<A extends unknown[]>(where: string, callback: (...args: A) => unknown): (...args: A) => void {
    return guarded(`bambu ${this.options.serial}: ${where}`, (message) => this.warnOnce(`guard:${message}`, message), callback);
  }

  private warnOnce(kind: string, message: string): void {
    // Bounded: a printer sending ever new faults must not grow memory without end.
    if (this.warned.has(kind) || this.warned.size >= 100) return;
    this.warned.add(kind);
    this.options.warn?.(message);
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}
