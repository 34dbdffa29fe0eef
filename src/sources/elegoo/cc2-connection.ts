import { randomBytes } from 'node:crypto';
import { connect, type MqttClient } from 'mqtt';
import type { TerminalState } from '../../lifecycle';
import type { JobStateStore } from '../../state/job-state-store';
import type { BackoffOptions } from '../backoff';
import { parseBoundedJson } from '../bounded-json';
import { guarded, OnceLog } from '../guard';
import type { ElegooLink, ElegooListener, LinkPhase, LinkProblem, PrinterIdentity } from './link';
import { LinkCore } from './link-core';
import { mergeCc2, type Cc2State } from './merge';
import { describeProblem } from './problems';
import { cc2Reading } from './reading';

export interface Cc2Options {
  host: string;
  port?: number;
  /** The printer's serial number (sn), which names every topic. */
  serial: string;
  /** The access code when one is set on the printer; the broker's default password otherwise. */
  accessCode?: string;
  /** PING interval (default 10 s, as the printer expects). */
  heartbeatMs?: number;
  /** Reconnect when no PONG came for this long (default 65 s). */
  pongTimeoutMs?: number;
  /** How long registration may take (default 3 s). */
  registerTimeoutMs?: number;
  /** Retry delay after "too many clients" (default 60 s). */
  busyRetryMs?: number;
  /** Retry delay after a rejected access code (default 5 min). */
  slowRetryMs?: number;
  /** Ask for the full status again after this many gaps in the delta ids (default 5). */
  gapLimit?: number;
  backoff?: BackoffOptions;
  warn?: (message: string) => void;
  /** This printer's persisted job state, read by the monitors. */
  jobState?: JobStateStore;
}

/** The broker's password when no access code is set (docs/elegoo.md, "Centauri Carbon 2"). */
export const CC2_DEFAULT_PASSWORD = '123456';
const METHOD_ATTRIBUTES = 1001;
const METHOD_STATUS = 1002;
const EVENT_STATUS = 6000;
const EVENT_ATTRIBUTES = 6008;

/** A client id in the printer web UI's shape: "0cli" and six hex digits. */
function newClientId(): string {
  return `0cli${randomBytes(3).toString('hex')}`;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/**
 * The MQTT link to one Centauri Carbon 2 (its own broker on port 1883), shared by every source node of
 * the printer: registers, sends the 10 s heartbeat, asks for the full status and merges the delta
 * events into it (bounded), asks again after gaps, and backs off slowly when the printer is full.
 */
export class Cc2Connection implements ElegooLink {
  readonly model = 'cc2' as const;
  readonly identity: PrinterIdentity = {};
  private readonly options: Cc2Options;
  private readonly core: LinkCore;
  private readonly log: OnceLog;
  private client: MqttClient | undefined;
  private clientId = newClientId();
  private state: Cc2State = {};
  private haveBaseline = false;
  private lastEventId: number | undefined;
  private gaps = 0;
  private nextId = 1;
  private lastPong = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private registerTimer: NodeJS.Timeout | undefined;

  constructor(options: Cc2Options) {
    this.options = options;
    this.core = new LinkCore(options.warn, options.backoff, options.busyRetryMs);
    this.log = new OnceLog(this.core.warn);
    this.identity.mainboardId = options.serial;
  }

  get jobState(): JobStateStore | undefined {
    return this.options.jobState;
  }

  get phase(): LinkPhase {
    return this.core.phase;
  }

  private get base(): string {
    return `elegoo/${this.options.serial}`;
  }

  addListener(listener: ElegooListener): void {
    this.core.listeners.add(listener);
    listener.phase(this.core.phase);
    if (this.haveBaseline) listener.baseline(cc2Reading(this.state), this.state);
  }

  removeListener(listener: ElegooListener): void {
    this.core.listeners.delete(listener);
  }

  start(): void {
    if (this.core.begin()) this.open();
  }

  stop(): Promise<void> {
    this.core.end();
    const client = this.client;
    this.teardown();
    this.core.setPhase({ phase: 'idle' });
    if (!client) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 1000);
      client.end(false, {}, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** The CC2 history format is not verified (docs/elegoo.md): the monitor falls back to what it saw. */
  jobOutcomes(): Promise<Map<string, TerminalState>> {
    return Promise.resolve(new Map());
  }

  private open(): void {
    if (!this.core.running) return;
    const o = this.options;
    this.core.setPhase({ phase: 'connecting' });
    this.clientId = newClientId();
    let client: MqttClient;
    try {
      client = connect({
        host: o.host,
        port: o.port ?? 1883,
        protocol: 'mqtt',
        protocolVersion: 4,
        clientId: this.clientId,
        username: 'elegoo',
        password: o.accessCode || CC2_DEFAULT_PASSWORD,
        keepalive: 60,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 10_000,
      });
    } catch (err) {
      this.retry({ phase: 'failed', problem: 'protocol', message: `cannot connect: ${(err as Error).message}` });
      return;
    }
    this.client = client;
    let problem: { problem: LinkProblem; message: string } | undefined;
    client.on('connect', guarded('connect', this.core.warn, () => this.register(client)));
    client.on('message', guarded('message', this.core.warn, (topic: string, payload: Buffer) => {
      if (this.client === client) this.onMessage(client, topic, payload);
    }));
    client.on('error', guarded('error', this.core.warn, (err: Error) => {
      if (this.client !== client) return;
      problem = describeProblem(err);
      this.drop(client, { phase: 'failed', ...problem }, problem.problem === 'auth' ? o.slowRetryMs ?? 300_000 : undefined);
    }));
    client.on('close', guarded('close', this.core.warn, () => {
      if (this.client === client) this.drop(client, { phase: 'failed', problem: 'protocol', message: 'the printer closed the connection' });
    }));
  }

  private register(client: MqttClient): void {
    if (this.client !== client) return;
    const requestId = `${this.clientId}_req`;
    client.subscribe([`${this.base}/${requestId}/register_response`, `${this.base}/api_status`, `${this.base}/${this.clientId}/api_response`], { qos: 0 }, (err) => {
      if (err || this.client !== client) return;
      client.publish(`${this.base}/api_register`, JSON.stringify({ client_id: this.clientId, request_id: requestId }));
    });
    const waitMs = this.options.registerTimeoutMs ?? 3000;
    this.registerTimer = setTimeout(guarded('register', this.core.warn, () => {
      this.drop(client, { phase: 'failed', problem: 'timeout', message: `no registration answer within ${waitMs} ms: check the serial number` });
    }), waitMs);
  }

  private onMessage(client: MqttClient, topic: string, payload: Buffer): void {
    const parsed = parseBoundedJson(payload, { maxBytes: 512 * 1024 });
    if (!parsed.ok) return this.log.warn(`json:${parsed.reason}`, `elegoo ${this.options.serial}: ignored a message (${parsed.reason})`);
    const message = record(parsed.value);
    if (!message) return;
    if (topic.endsWith('/register_response')) return this.onRegistered(client, message);
    if (message.type === 'PONG') {
      this.lastPong = Date.now();
      return;
    }
    const method = Number(message.method);
    const result = record(message.result);
    if (!result) return;
    if (method === METHOD_STATUS) return this.onFullStatus(result);
    if (method === METHOD_ATTRIBUTES || method === EVENT_ATTRIBUTES) return this.onAttributes(result);
    if (method === EVENT_STATUS) return this.onDelta(client, Number(message.id), result);
  }

  private onRegistered(client: MqttClient, message: Record<string, unknown>): void {
    if (message.client_id !== undefined && message.client_id !== this.clientId) return;
    clearTimeout(this.registerTimer);
    this.registerTimer = undefined;
    const error = typeof message.error === 'string' ? message.error : '';
    if (/too many client/i.test(error)) return this.drop(client, 'busy');
    if (error !== 'ok') return this.drop(client, { phase: 'failed', problem: 'protocol', message: `registration refused: ${error.slice(0, 80) || 'no reason given'}` });
    this.lastPong = Date.now();
    const beat = guarded('heartbeat', this.core.warn, () => {
      if (this.client !== client) return;
      const timeout = this.options.pongTimeoutMs ?? 65_000;
      if (Date.now() - this.lastPong > timeout) {
        return this.drop(client, { phase: 'failed', problem: 'timeout', message: `no heartbeat answer for ${Math.round(timeout / 1000)} s` });
      }
      this.call(client, { type: 'PING' });
    });
    this.heartbeat = setInterval(beat, this.options.heartbeatMs ?? 10_000);
    this.call(client, { type: 'PING' });
    this.request(client, METHOD_ATTRIBUTES);
    this.request(client, METHOD_STATUS);
  }

  private onFullStatus(result: Record<string, unknown>): void {
    this.state = mergeCc2({}, result);
    this.gaps = 0;
    if (this.haveBaseline) return this.tell();
    this.haveBaseline = true;
    this.core.backoff.reset();
    this.core.setPhase({ phase: 'ready' });
    const reading = cc2Reading(this.state);
    this.core.tell((l) => l.baseline(reading, this.state));
  }

  /** A delta: merged into the full status; ids that skip ahead are counted, and after too many the full status is asked again. */
  private onDelta(client: MqttClient, id: number, delta: Record<string, unknown>): void {
    if (Number.isFinite(id)) {
      if (this.lastEventId !== undefined && id !== this.lastEventId + 1) this.gaps += 1;
      this.lastEventId = id;
    }
    if (!this.haveBaseline) return;
    mergeCc2(this.state, delta);
    this.tell();
    if (this.gaps >= (this.options.gapLimit ?? 5)) {
      this.gaps = 0;
      this.request(client, METHOD_STATUS);
    }
  }

  private onAttributes(result: Record<string, unknown>): void {
    const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 128) : undefined);
    this.identity.name = str(result.hostname) ?? str(result.host_name) ?? this.identity.name;
    this.identity.machine = str(result.machine_model) ?? this.identity.machine;
    this.identity.firmware = str(result.firmware_version) ?? str(record(result.software_version)?.ota_version) ?? this.identity.firmware;
  }

  private tell(): void {
    const reading = cc2Reading(this.state);
    this.core.tell((l) => l.report(reading, this.state));
  }

  private request(client: MqttClient, method: number): void {
    this.call(client, { id: this.nextId++, method, params: {} });
  }

  private call(client: MqttClient, body: Record<string, unknown>): void {
    if (this.client !== client) return;
    client.publish(`${this.base}/${this.clientId}/api_request`, JSON.stringify(body));
  }

  /** Ends one attempt; 'busy' = the printer is full, retried slowly. */
  private drop(client: MqttClient, phase: LinkPhase | 'busy', wait?: number): void {
    if (this.client !== client) return;
    this.teardown();
    client.removeAllListeners('close');
    client.on('error', () => undefined);
    client.end(true);
    if (phase === 'busy') this.core.retryBusy(this.reopen);
    else this.retry(phase, wait);
  }

  private teardown(): void {
    const wasUp = this.haveBaseline;
    this.client = undefined;
    this.haveBaseline = false;
    this.lastEventId = undefined;
    this.gaps = 0;
    clearInterval(this.heartbeat);
    clearTimeout(this.registerTimer);
    this.heartbeat = this.registerTimer = undefined;
    if (wasUp) this.core.tell((l) => l.down());
  }

  private readonly reopen = (): void => this.open();

  private retry(phase: LinkPhase, wait?: number): void {
    this.core.retry(phase, this.reopen, wait);
  }
}
