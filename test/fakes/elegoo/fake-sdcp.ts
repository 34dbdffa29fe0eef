// A scriptable SDCP V3 printer for tests (Centauri Carbon or resin), after docs/elegoo.md: a websocket at
// /websocket on 127.0.0.1, text `ping` answered with `pong`, sockets closed after `idleMs` without a
// client message (websocket ping frames do not count), the (cap+1)th upgrade refused with HTTP 500
// "too many client", Cmd 0/1 acked and answered with full status/attributes pushes, Cmd 321 history.
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, WebSocket } from 'ws';

type Obj = Record<string, unknown>;

export interface FakeSdcpOptions {
  model?: 'cc' | 'resin';
  /** Most clients at once (default 4); the next upgrade is refused. */
  cap?: number;
  /** Close a socket after this long without a client message (default 60 s, like the printer). */
  idleMs?: number;
  mainboardId?: string;
  mac?: string;
}

export interface HistoryEntry {
  TaskId: string;
  TaskStatus: number;
  TaskName?: string;
}

export function idlePrintInfo(): Obj {
  return { Status: 0, CurrentLayer: 0, TotalLayer: 0, CurrentTicks: 0, TotalTicks: 0, Filename: '', TaskId: '', PrintSpeedPct: 100, Progress: 0 };
}

export class FakeSdcp {
  readonly model: 'cc' | 'resin';
  readonly cap: number;
  readonly idleMs: number;
  mainboardId: string;
  mac: string;
  port = 0;
  /** Upgrades accepted, refused for the client limit, and closed for idleness. */
  upgrades = 0;
  refused = 0;
  idleClosed = 0;
  pings = 0;
  readonly commands: number[] = [];
  history: HistoryEntry[] = [];
  /** When true, Cmd 321 gets no answer (a printer without history). */
  noHistory = false;
  printInfo: Obj = idlePrintInfo();
  temps: Obj = { TempOfHotbed: 60, TempTargetHotbed: 60, TempOfNozzle: 210 };
  /** The UDP port answering discovery (`M99999`), once listenDiscovery() ran. */
  discoveryPort = 0;
  private discovery: dgram.Socket | undefined;
  private readonly server = http.createServer((_req, res) => res.writeHead(404).end());
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Map<WebSocket, { lastMessage: number; timer: NodeJS.Timeout }>();

  constructor(options: FakeSdcpOptions = {}) {
    this.model = options.model ?? 'cc';
    this.cap = options.cap ?? 4;
    this.idleMs = options.idleMs ?? 60_000;
    this.mainboardId = options.mainboardId ?? '045c14910147017000002c0000000000';
    this.mac = options.mac ?? '00:11:22:33:44:55';
    this.server.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/websocket`;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Sets PrintInfo fields and pushes the full status to every client, as the printer does on each change. */
  print(info: Obj): void {
    Object.assign(this.printInfo, info);
    this.pushStatus();
  }

  pushStatus(): void {
    for (const socket of this.clients.keys()) this.sendStatus(socket);
  }

  /** Sends raw text to every client (hostile input). */
  sendRaw(text: string): void {
    for (const socket of this.clients.keys()) socket.send(text);
  }

  /** Pushes an sdcp/error frame. */
  pushError(code: string): void {
    const frame = { Id: '', Data: { Data: { ErrorCode: code }, MainboardID: this.mainboardId, TimeStamp: 0 }, Topic: `sdcp/error/${this.mainboardId}` };
    this.sendRaw(JSON.stringify(frame));
  }

  /** Drops every client (the printer rebooted or Wi-Fi dropped). */
  dropClients(): void {
    for (const socket of this.clients.keys()) socket.terminate();
  }

  /** Answers `M99999` on a UDP port of 127.0.0.1 as the printer does on port 3000. */
  async listenDiscovery(): Promise<void> {
    const socket = dgram.createSocket('udp4');
    this.discovery = socket;
    socket.on('message', (msg, from) => {
      if (msg.toString() !== 'M99999') return;
      const data = { Name: 'Fake CC', MachineName: this.model === 'resin' ? 'Saturn 4 Ultra' : 'Centauri Carbon', BrandName: 'ELEGOO', MainboardIP: '127.0.0.1', MainboardID: this.mainboardId, ProtocolVersion: 'V3.0.0', FirmwareVersion: 'V1.1.29' };
      socket.send(JSON.stringify({ Id: 'fake', Data: data }), from.port, from.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    this.discoveryPort = socket.address().port;
  }

  async close(): Promise<void> {
    this.discovery?.close();
    this.discovery = undefined;
    this.dropClients();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections?.();
  }

  async until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error('fake SDCP: condition not reached in time');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    if (req.url !== '/websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.clients.size >= this.cap) {
      this.refused += 1;
      const body = 'too many client';
      socket.end(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onClient(ws));
  }

  private onClient(socket: WebSocket): void {
    this.upgrades += 1;
    const entry = { lastMessage: Date.now(), timer: setInterval(() => this.checkIdle(socket), Math.max(5, Math.floor(this.idleMs / 10))) };
    this.clients.set(socket, entry);
    socket.on('message', (data, isBinary) => {
      entry.lastMessage = Date.now();
      if (!isBinary) this.onText(socket, data.toString());
    });
    socket.on('close', () => this.forget(socket));
    socket.on('error', () => this.forget(socket));
  }

  private checkIdle(socket: WebSocket): void {
    const entry = this.clients.get(socket);
    if (!entry || Date.now() - entry.lastMessage < this.idleMs) return;
    this.idleClosed += 1;
    this.forget(socket);
    socket.close(1000);
  }

  private forget(socket: WebSocket): void {
    const entry = this.clients.get(socket);
    if (entry) clearInterval(entry.timer);
    this.clients.delete(socket);
  }

  private onText(socket: WebSocket, text: string): void {
    if (text === 'ping') {
      this.pings += 1;
      socket.send('pong');
      return;
    }
    let frame: { Data?: { Cmd?: number; RequestID?: string; Data?: Obj } };
    try {
      frame = JSON.parse(text);
    } catch {
      return;
    }
    const cmd = Number(frame.Data?.Cmd);
    this.commands.push(cmd);
    const requestId = frame.Data?.RequestID ?? '';
    if (cmd === 321) {
      if (this.noHistory) return;
      const ids = Array.isArray(frame.Data?.Data?.Id) ? (frame.Data?.Data?.Id as string[]) : [];
      const list = this.history.filter((h) => ids.includes(h.TaskId));
      return this.respond(socket, cmd, requestId, { Ack: 0, HistoryDetailList: list });
    }
    this.respond(socket, cmd, requestId, { Ack: 0 });
    if (cmd === 0) this.sendStatus(socket);
    if (cmd === 1) this.sendAttributes(socket);
  }

  private respond(socket: WebSocket, cmd: number, requestId: string, data: Obj): void {
    const frame = { Id: '', Data: { Cmd: cmd, Data: data, RequestID: requestId, MainboardID: this.mainboardId, TimeStamp: 0 }, Topic: `sdcp/response/${this.mainboardId}` };
    socket.send(JSON.stringify(frame));
  }

  private sendStatus(socket: WebSocket): void {
    const machine = [0, 9, 8, 14].includes(Number(this.printInfo.Status)) ? [0] : [1];
    const status = { CurrentStatus: machine, ...this.temps, PrintInfo: { ...this.printInfo } };
    socket.send(JSON.stringify({ Status: status, MainboardID: this.mainboardId, TimeStamp: 0, Topic: `sdcp/status/${this.mainboardId}` }));
  }

  private sendAttributes(socket: WebSocket): void {
    const attributes = {
      Name: 'Fake CC',
      MachineName: this.model === 'resin' ? 'Saturn 4 Ultra' : 'Centauri Carbon',
      BrandName: 'ELEGOO',
      FirmwareVersion: 'V1.1.29',
      MainboardID: this.mainboardId,
      MainboardMAC: this.mac,
    };
    socket.send(JSON.stringify({ Attributes: attributes, MainboardID: this.mainboardId, TimeStamp: 0, Topic: `sdcp/attributes/${this.mainboardId}` }));
  }
}
