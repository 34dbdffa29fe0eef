// A scriptable Creality K-series printer for tests: the stock firmware's port-9999 websocket as
// docs/creality.md describes it, on 127.0.0.1 with an ephemeral port. On connect it sends one full
// status, then only the fields that changed; it answers `get` (a full status for ReqPrinterPara, the
// object list for reqPrintObjects) and `set` (pause, stop, cleanErr, repoPlrStatus) with the text `ok`,
// can send {"ModeCode":"heart_beat"}, can fall silent with the socket open, and serves a JPEG on a
// camera port like the K1's streamer.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

type Status = Record<string, unknown>;

export interface FakeCrealityOptions {
  /** Send every number as a string (some firmware does it for temperatures; default: temperatures only). */
  allStrings?: boolean;
  /** Send no status on connect until asked with a `get` (default false: a full status at once). */
  quietOnConnect?: boolean;
}

/** An idle K1C that finished `cube.gcode` earlier: state 2 and progress 100 persist (docs/creality.md, "Jobs"). */
export function finishedIdleStatus(): Status {
  return {
    model: 'K1C',
    hostname: 'K1C-1867',
    modelVersion: '1.3.3.46',
    state: 2,
    deviceState: 0,
    printFileName: '/usr/data/printer_data/gcodes/cube.gcode',
    printId: '',
    printProgress: 100,
    dProgress: 100,
    printJobTime: 1800,
    printLeftTime: 0,
    printStartTime: 1_781_600_000,
    layer: 50,
    TotalLayer: 50,
    withSelfTest: 100,
    err: { errcode: 0, key: 0, value: '' },
    materialDetector1: 0,
    materialStatus: 0,
    repoPlrStatus: 0,
    nozzleTemp: '24.50',
    targetNozzleTemp: 0,
    bedTemp0: '23.10',
    targetBedTemp0: 0,
    current_object: 0,
    excluded_objects: '[ ]',
    objects: '[ ]',
  };
}

/** Temperatures arrive as text on real firmware (docs/creality.md, "Frames"). */
const TEXT_FIELDS = new Set(['nozzleTemp', 'bedTemp0', 'boxTemp']);

export class FakeCreality {
  readonly status: Status = finishedIdleStatus();
  readonly requests: Array<{ method: string; params: Record<string, unknown> }> = [];
  /** The camera frame; a test changes it to tell images taken at different moments apart. */
  jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);
  /** Texts `ok` received (answers to our heart_beat). */
  okReceived = 0;
  upgrades = 0;
  /** While true nothing is pushed or answered; the sockets stay open. */
  silent = false;
  private readonly options: FakeCrealityOptions;
  /** Port 9999's HTTP side: only the websocket upgrade is served. */
  private readonly http = http.createServer((_req, res) => {
    res.writeHead(426);
    res.end();
  });
  private readonly cameraServer = http.createServer((req, res) => this.camera(req, res));
  private wss: WebSocketServer | undefined;
  private clock = 1_781_700_000;

  constructor(options: FakeCrealityOptions = {}) {
    this.options = options;
  }

  get port(): number {
    return (this.http.address() as AddressInfo).port;
  }

  get cameraPort(): number {
    return (this.cameraServer.address() as AddressInfo).port;
  }

  get clientCount(): number {
    return this.wss ? [...this.wss.clients].filter((c) => c.readyState === WebSocket.OPEN).length : 0;
  }

  count(key: string): number {
    return this.requests.filter((r) => key in r.params).length;
  }

  async listen(port = 0): Promise<void> {
    this.wss = new WebSocketServer({ server: this.http });
    this.wss.on('connection', (socket) => this.accept(socket));
    await new Promise<void>((resolve) => this.http.listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => this.cameraServer.listen(0, '127.0.0.1', resolve));
  }

  async close(): Promise<void> {
    for (const client of this.wss?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
    await Promise.all([this.http, this.cameraServer].map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
    this.http.closeAllConnections?.();
  }

  /** Cuts every connection at once, as a Wi-Fi drop or a printer reboot does. */
  dropClients(): void {
    for (const client of this.wss?.clients ?? []) client.terminate();
  }

  /** Changes fields and pushes only them, as the printer does. */
  update(fields: Status): void {
    Object.assign(this.status, fields);
    this.broadcast(fields);
  }

  /** Changes fields without telling anyone (what happens while a client is away). */
  change(fields: Status): void {
    Object.assign(this.status, fields);
  }

  sendRaw(text: string): void {
    for (const client of this.wss?.clients ?? []) if (client.readyState === WebSocket.OPEN) client.send(text);
  }

  heartBeat(): void {
    this.sendRaw(JSON.stringify({ ModeCode: 'heart_beat' }));
  }

  // The scripted print (docs/creality.md, "Lifecycle"): one frame per step, fields as the printer sends them.
  startPrint(file: string, options: { push?: boolean } = {}): void {
    this.clock += 600;
    const fields = { state: 1, deviceState: 1, printFileName: `/usr/data/printer_data/gcodes/${file}`, printStartTime: this.clock, printProgress: 0, dProgress: 0, printJobTime: 0, printLeftTime: 3600, layer: 0, TotalLayer: 100, withSelfTest: 100, err: { errcode: 0, key: 0, value: '' }, targetBedTemp0: 60, bedTemp0: '60.00' };
    if (options.push === false) this.change(fields);
    else this.update(fields);
  }

  progress(percent: number, layer: number): void {
    this.update({ printProgress: percent, printJobTime: percent * 36, printLeftTime: (100 - percent) * 36, layer });
  }

  pause(): void {
    this.update({ state: 6 });
    this.update({ state: 5 });
  }

  resume(): void {
    this.update({ state: 1 });
  }

  finish(): void {
    this.update({ state: 2, printProgress: 100, printLeftTime: 0, targetBedTemp0: 0 });
    this.update({ deviceState: 0 });
  }

  cancel(): void {
    this.update({ state: 7 });
    this.update({ state: 4, deviceState: 0 });
  }

  fail(key: number): void {
    this.update({ err: { errcode: key, key, value: '' } });
    this.update({ state: 3, deviceState: 0 });
  }

  runout(): void {
    this.update({ materialDetector1: 1 });
    this.update({ state: 6 });
    this.update({ state: 5 });
  }

  private accept(socket: WebSocket): void {
    this.upgrades += 1;
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === 'ok') {
        this.okReceived += 1;
        return;
      }
      let request: { method?: unknown; params?: unknown };
      try {
        request = JSON.parse(text) as typeof request;
      } catch {
        return;
      }
      const params = request.params && typeof request.params === 'object' ? (request.params as Record<string, unknown>) : {};
      this.requests.push({ method: String(request.method), params });
      if (this.silent) return;
      if (request.method === 'get') this.answerGet(socket, params);
      else if (request.method === 'set') this.answerSet(socket, params);
    });
    if (!this.options.quietOnConnect && !this.silent) this.sendTo(socket, this.status);
  }

  private answerGet(socket: WebSocket, params: Record<string, unknown>): void {
    if ('ReqPrinterPara' in params) this.sendTo(socket, this.status);
    if ('reqPrintObjects' in params) this.sendTo(socket, { current_object: this.status.current_object, excluded_objects: this.status.excluded_objects, objects: this.status.objects });
  }

  private answerSet(socket: WebSocket, params: Record<string, unknown>): void {
    if (socket.readyState === WebSocket.OPEN) socket.send('ok');
    if (params.pause === 1) this.pause();
    else if (params.pause === 0) this.resume();
    else if (params.stop === 1) this.cancel();
    else if ('cleanErr' in params) this.update({ err: { errcode: 0, key: 0, value: '' } });
    else if ('repoPlrStatus' in params) this.update({ repoPlrStatus: 0 });
  }

  private broadcast(fields: Status): void {
    if (this.silent) return;
    for (const client of this.wss?.clients ?? []) this.sendTo(client, fields);
  }

  private sendTo(socket: WebSocket, fields: Status): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    const out: Status = {};
    for (const [key, value] of Object.entries(fields)) {
      out[key] = typeof value === 'number' && (this.options.allStrings || TEXT_FIELDS.has(key)) ? String(value) : value;
    }
    socket.send(JSON.stringify(out));
  }

  private camera(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.url === '/?action=snapshot') {
      res.writeHead(200, { 'content-type': 'image/jpeg' });
      res.end(this.jpeg);
      return;
    }
    res.writeHead(404);
    res.end();
  }
}
