import WebSocket from 'ws';
import type { TerminalState } from '../../lifecycle';
import type { JobStateStore } from '../../state/job-state-store';
import type { BackoffOptions } from '../backoff';
import { guarded, OnceLog } from '../guard';
import type { ElegooLink, ElegooListener, LinkPhase, PrinterIdentity } from './link';
import { LinkCore } from './link-core';
import { describeProblem, TOO_MANY_CLIENTS } from './problems';
import { sdcpReading } from './reading';
import { CMD_ATTRIBUTES, CMD_HISTORY_DETAIL, CMD_STATUS, encodeRequest, newRequestId, parseSdcpFrame } from './sdcp';
import { closeWebSocket } from '../close-websocket';

export interface SdcpOptions {
  host: string;
  port?: number;
  model: 'cc' | 'resin';
  /** The MainboardID the user entered; the one the printer reports wins (it can change with firmware). */
  mainboardId?: string;
  /** Text `ping` interval (default 20 s: well inside the printer's 60 s idle cut-off, which ws pings do not reset). */
  pingMs?: number;
  /** Reconnect after this long without any frame, pong included (default 65 s). */
  silenceMs?: number;
  /** How long the baseline waits for the attributes that identify the printer (default 3 s). */
  attributesWaitMs?: number;
  /** Retry delay after "too many client" (default 60 s): slow, so we never take a slot someone needs. */
  busyRetryMs?: number;
  requestTimeoutMs?: number;
  backoff?: BackoffOptions;
  warn?: (message: string) => void;
  /** This printer's persisted job state, read by the monitors. */
  jobState?: JobStateStore;
}

/** SDCP history TaskStatus (docs/elegoo.md, "Reconnect"): 1 completed, 2 exceptional, 3 stopped. */
const HISTORY_OUTCOMES: Record<number, TerminalState> = { 1: 'finished', 2: 'failed', 3: 'cancelled' };
/** Largest body read from a refused upgrade. */
const MAX_REFUSAL_BYTES = 1024;

interface Pending {
  resolve: (data: Record<string, unknown>) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The SDCP websocket to one Centauri Carbon or resin printer (ws://host:3030/websocket), shared by every
 * source node of the printer: asks for status and attributes on open, keeps the link alive with text
 * pings, identifies the printer by MainboardMAC, reconnects on its own and backs off slowly when the
 * printer's client limit is reached.
 */
export class SdcpConnection implements ElegooLink {
  readonly model: 'cc' | 'resin';
  readonly url: string;
  readonly identity: PrinterIdentity = {};
  private readonly options: SdcpOptions;
  private readonly core: LinkCore;
  private readonly log: OnceLog;
  private readonly pending = new Map<string, Pending>();
  private socket: WebSocket | undefined;
  private haveBaseline = false;
  private haveAttributes = false;
  private lastStatus: Record<string, unknown> | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private silenceTimer: NodeJS.Timeout | undefined;
  private attributesTimer: NodeJS.Timeout | undefined;

  constructor(options: SdcpOptions) {
    this.options = options;
    this.model = options.model;
    this.url = `ws://${options.host}:${options.port ?? 3030}/websocket`;
    this.core = new LinkCore(options.warn, options.backoff, options.busyRetryMs);
    this.log = new OnceLog((message) => options.warn?.(message));
    if (options.mainboardId) this.identity.mainboardId = options.mainboardId;
  }

  get jobState(): JobStateStore | undefined {
    return this.options.jobState;
  }

  get phase(): LinkPhase {
    return this.core.phase;
  }

  addListener(listener: ElegooListener): void {
    this.core.listeners.add(listener);
    listener.phase(this.core.phase);
    if (this.haveBaseline && this.lastStatus) listener.baseline(sdcpReading(this.lastStatus, this.model), this.lastStatus);
  }

  removeListener(listener: ElegooListener): void {
    this.core.listeners.delete(listener);
  }

  start(): void {
    if (this.core.begin()) this.open();
  }

  /** Closes the socket cleanly (a slot on the printer is precious); resolves within a second. */
  async stop(): Promise<void> {
    this.core.end();
    const socket = this.socket;
    this.teardown('connection closed');
    this.core.setPhase({ phase: 'idle' });
    await closeWebSocket(socket);
  }

  /** One SDCP request; resolves with the response's Data.Data. */
  request(cmd: number, data: Record<string, unknown> = {}, timeoutMs = this.options.requestTimeoutMs ?? 5000): Promise<Record<string, unknown>> {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error(`SDCP command ${cmd}: not connected`));
    const requestId = newRequestId();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId);
        reject(new Error(`SDCP command ${cmd}: no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(requestId, { resolve, reject, timer });
      socket.send(encodeRequest(cmd, data, requestId, this.identity.mainboardId ?? ''), (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(requestId);
        reject(err);
      });
    });
  }

  async jobOutcomes(taskIds: string[]): Promise<Map<string, TerminalState>> {
    const outcomes = new Map<string, TerminalState>();
    if (taskIds.length === 0) return outcomes;
    const data = await this.request(CMD_HISTORY_DETAIL, { Id: taskIds.slice(0, 20) });
    const list = Array.isArray(data.HistoryDetailList) ? data.HistoryDetailList.slice(0, 50) : [];
    for (const item of list) {
      const entry = item as Record<string, unknown> | null;
      if (!entry || typeof entry.TaskId !== 'string') continue;
      const outcome = HISTORY_OUTCOMES[Number(entry.TaskStatus)];
      if (outcome) outcomes.set(entry.TaskId, outcome);
    }
    return outcomes;
  }

  private open(): void {
    if (!this.core.running) return;
    this.core.setPhase({ phase: 'connecting' });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url, { handshakeTimeout: 10_000, perMessageDeflate: false, maxPayload: 1024 * 1024 });
    } catch (err) {
      this.retry({ phase: 'failed', problem: 'protocol', message: `cannot open ${this.url}: ${(err as Error).message}` });
      return;
    }
    this.socket = socket;
    const report = (message: string) => this.log.warn(message, `elegoo ${this.options.host}: ${message}`);
    // Every handler checks that its socket is still the current one: a stale socket says nothing.
    socket.on('open', guarded('open', report, () => {
      if (this.socket !== socket) return;
      this.send('ping');
      this.send(encodeRequest(CMD_STATUS, {}, newRequestId(), this.identity.mainboardId ?? ''));
      this.send(encodeRequest(CMD_ATTRIBUTES, {}, newRequestId(), this.identity.mainboardId ?? ''));
      this.pingTimer = setInterval(guarded('ping', report, () => this.send('ping')), this.options.pingMs ?? 20_000);
      this.armSilence(socket);
    }));
    socket.on('message', guarded('message', report, (data: WebSocket.RawData, isBinary: boolean) => {
      if (this.socket !== socket) return;
      this.armSilence(socket);
      if (isBinary) return this.log.warn('binary', `elegoo ${this.options.host}: ignored a binary frame`);
      this.onFrame(data.toString());
    }));
    socket.on('unexpected-response', guarded('upgrade', report, (_req: unknown, res: import('node:http').IncomingMessage) => {
      let body = '';
      res.on('data', (chunk: Buffer) => {
        if (body.length < MAX_REFUSAL_BYTES) body += chunk.toString('utf8').slice(0, MAX_REFUSAL_BYTES);
      });
      res.on('error', () => undefined);
      res.on('end', guarded('refusal', report, () => {
        if (this.socket !== socket) return;
        if (TOO_MANY_CLIENTS.test(body)) return this.lost(socket, 'busy');
        this.lost(socket, `websocket upgrade refused (HTTP ${res.statusCode})${body.trim() ? `: ${body.trim().slice(0, 80)}` : ''}`);
      }));
    }));
    socket.on('error', guarded('error', report, (err: Error) => {
      if (this.socket === socket) this.lost(socket, err);
    }));
    socket.on('close', guarded('close', report, (code: number) => {
      if (this.socket === socket) this.lost(socket, `the printer closed the connection (${code})`);
    }));
  }

  private onFrame(text: string): void {
    const frame = parseSdcpFrame(text);
    switch (frame.kind) {
      case 'pong':
      case 'notice':
        return;
      case 'invalid':
        return this.log.warn(`frame:${frame.reason}`, `elegoo ${this.options.host}: ignored a frame (${frame.reason})`);
      case 'response': {
        const pending = this.pending.get(frame.requestId);
        if (!pending) return;
        this.pending.delete(frame.requestId);
        clearTimeout(pending.timer);
        pending.resolve(frame.data);
        return;
      }
      case 'error':
        return this.core.tell((l) => l.printerError?.(frame.code));
      case 'attributes':
        return this.onAttributes(frame.attributes, frame.mainboardId);
      case 'status':
        if (frame.mainboardId) this.identity.mainboardId = frame.mainboardId;
        return this.onStatus(frame.status);
    }
  }

  private onAttributes(attributes: Record<string, unknown>, mainboardId: string | undefined): void {
    const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, 128) : undefined);
    const mac = str(attributes.MainboardMAC)?.toLowerCase();
    const replaced = mac !== undefined && this.identity.mac !== undefined && mac !== this.identity.mac;
    const configured = this.options.mainboardId;
    if (mainboardId && configured && mainboardId.toLowerCase() !== configured.toLowerCase()) {
      this.log.warn('mainboard', `elegoo ${this.options.host}: mainboardId: the printer reports ${mainboardId}, not ${configured} (it can change with a firmware update); followed by its MAC address instead`);
    }
    Object.assign(this.identity, {
      name: str(attributes.Name) ?? this.identity.name,
      machine: str(attributes.MachineName) ?? this.identity.machine,
      firmware: str(attributes.FirmwareVersion) ?? this.identity.firmware,
      mainboardId: mainboardId ?? this.identity.mainboardId,
      mac: mac ?? this.identity.mac,
    });
    if (replaced) this.core.tell((l) => l.replaced?.());
    if (!this.haveAttributes) {
      this.haveAttributes = true;
      clearTimeout(this.attributesTimer);
      if (this.lastStatus && !this.haveBaseline) this.takeBaseline();
    }
  }

  private onStatus(status: Record<string, unknown>): void {
    this.lastStatus = status;
    if (this.haveBaseline) {
      const reading = sdcpReading(status, this.model);
      return this.core.tell((l) => l.report(reading, status));
    }
    if (this.haveAttributes) return this.takeBaseline();
    // Wait (briefly) for the attributes: the baseline should know which printer this is.
    if (!this.attributesTimer) {
      this.attributesTimer = setTimeout(guarded('attributes', this.core.warn, () => {
        if (this.lastStatus && !this.haveBaseline && this.socket) this.takeBaseline();
      }), this.options.attributesWaitMs ?? 3000);
    }
  }

  private takeBaseline(): void {
    const status = this.lastStatus;
    if (!status) return;
    this.haveBaseline = true;
    this.core.backoff.reset();
    this.core.setPhase({ phase: 'ready' });
    const reading = sdcpReading(status, this.model);
    this.core.tell((l) => l.baseline(reading, status));
  }

  private send(text: string): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return;
    socket.send(text, () => undefined);
  }

  private armSilence(socket: WebSocket): void {
    clearTimeout(this.silenceTimer);
    const silenceMs = this.options.silenceMs ?? 65_000;
    this.silenceTimer = setTimeout(guarded('silence', this.core.warn, () => {
      if (this.socket === socket) this.lost(socket, `no answer from the printer for ${Math.round(silenceMs / 1000)} s`);
    }), silenceMs);
  }

  /** Tears one socket down and schedules the next attempt: slowly when the printer is full. */
  private lost(socket: WebSocket, cause: Error | string | 'busy'): void {
    if (this.socket !== socket) return;
    this.teardown(typeof cause === 'string' ? cause : cause.message);
    if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    if (cause === 'busy') return this.core.retryBusy(this.reopen);
    const described = typeof cause === 'string' ? { problem: 'protocol' as const, message: cause } : describeProblem(cause);
    this.retry({ phase: 'failed', ...described });
  }

  private teardown(reason: string): void {
    const wasUp = this.haveBaseline;
    this.socket = undefined;
    this.haveBaseline = false;
    this.haveAttributes = false;
    this.lastStatus = undefined;
    clearInterval(this.pingTimer);
    clearTimeout(this.silenceTimer);
    clearTimeout(this.attributesTimer);
    this.pingTimer = this.silenceTimer = this.attributesTimer = undefined;
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(reason));
      this.pending.delete(id);
    }
    if (wasUp) this.core.tell((l) => l.down());
  }

  private readonly reopen = (): void => this.open();

  private retry(phase: LinkPhase): void {
    this.core.retry(phase, this.reopen);
  }
}
