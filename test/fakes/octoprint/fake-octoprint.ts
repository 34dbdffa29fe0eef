import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

/**
 * A scriptable OctoPrint on 127.0.0.1 with real HTTP and a real raw websocket, following
 * docs/octoprint.md ("Connection"): `connected` on open, `subscribe` then `auth` = name:session from a passive
 * POST /api/login, then `history`, then whatever the test pushes. Data shapes follow OctoPrint 1.11.
 */
export interface FakeOptions {
  /** Reverse-proxy path prefix such as "/octoprint" (default none). */
  prefix?: string;
  apiKey?: string;
  /** A key that logs in as the global-key pseudo-user "_api". */
  globalKey?: string;
  user?: string;
  version?: string;
  /** Serve https with the self-signed test certificate in ./tls (CN and SAN 127.0.0.1). */
  tls?: boolean;
}

export interface FakeState {
  text: string;
  flags: Record<string, boolean>;
  error: string;
  file?: { name: string; path: string; origin: string };
  completion: number | null;
  printTime: number | null;
  printTimeLeft: number | null;
  markings: Array<{ type: string; label?: string; time: number }>;
}

/** A file's print statistics as GET /api/files/{origin}/{path} shows them (`prints`). */
export interface FilePrints {
  success: number;
  failure: number;
  last?: { date: number; success: boolean; printTime: number };
}

const IDLE_FLAGS = { operational: true, printing: false, cancelling: false, pausing: false, resuming: false, finishing: false, closedOrError: false, error: false, paused: false, ready: true, sdReady: false };

export class FakeOctoPrint {
  readonly prefix: string;
  readonly apiKey: string;
  readonly user: string;
  readonly version: string;
  state: FakeState = { text: 'Operational', flags: { ...IDLE_FLAGS }, error: '', completion: null, printTime: null, printTimeLeft: null, markings: [] };
  /** What each accepted socket sent, in order (parsed JSON). */
  readonly received: unknown[][] = [];
  readonly requests: string[] = [];
  logins = 0;
  socketsAccepted = 0;
  /** Answer websocket upgrades with 503 (OctoPrint down). */
  refuseSockets = false;
  /** Bytes for /downloads/camera/current; undefined = 404 (OctoPrint before 1.10). */
  camera: Buffer | undefined;
  /** Bytes for /webcam/?action=snapshot (a classic mjpg-streamer URL). */
  webcam: Buffer | undefined;
  /** /api/server `safemode`: null, or why OctoPrint started in safe mode. */
  safemode: string | null = null;
  /** `job.filament.tool0.length` (mm), OctoPrint's analysis of the selected file; null = not analysed. */
  filamentLength: number | null = 100;
  /** Whether OctoPrint is connected to the printer (409 from /api/printer otherwise). */
  printerConnected = true;
  /** Spoolman's spools as the Spoolman plugin lists them (GET /plugin/Spoolman/spoolman/spools); undefined = plugin not installed (404). */
  spoolmanSpools: Array<Record<string, unknown>> | undefined;
  /** Print statistics per `origin/path`, kept like OctoPrint's file manager does at each job end. */
  readonly prints = new Map<string, FilePrints>();
  private server: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly sessions = new Set<string>();
  private readonly authed = new Set<WebSocket>();
  private readonly sockets = new Set<WebSocket>();
  private readonly socketLogs = new WeakMap<WebSocket, unknown[]>();

  constructor(private readonly options: FakeOptions = {}) {
    this.prefix = (options.prefix ?? '').replace(/\/+$/, '');
    this.apiKey = options.apiKey ?? 'good-key';
    this.user = options.user ?? 'alice';
    this.version = options.version ?? '1.11.8';
  }

  get port(): number {
    return (this.server?.address() as AddressInfo).port;
  }

  /** The URL a user would type: http://127.0.0.1:<port><prefix> */
  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}${this.prefix}`;
  }

  get openSockets(): number {
    return [...this.sockets].filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  get authedSockets(): number {
    return [...this.authed].filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  async start(port = 0): Promise<this> {
    this.wss = new WebSocketServer({ noServer: true });
    const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => this.onRequest(req, res);
    this.server = this.options.tls
      ? https.createServer({ key: fs.readFileSync(path.join(__dirname, 'tls', 'key.pem')), cert: fs.readFileSync(path.join(__dirname, 'tls', 'cert.pem')) }, handler)
      : http.createServer(handler);
    this.server.on('upgrade', (req, socket, head) => {
      if (req.url !== `${this.prefix}/sockjs/websocket`) {
        socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (this.refuseSockets) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      this.wss?.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Bytes queued on the sockets and not yet sent (the fuzz driver waits while this is large). */
  get backlogBytes(): number {
    let bytes = 0;
    for (const ws of this.sockets) bytes += ws.bufferedAmount;
    return bytes;
  }

  /** Cuts every socket without a close frame (network drop). */
  dropSockets(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  // ---- scripting -------------------------------------------------------------------------

  setIdle(): void {
    this.state.text = 'Operational';
    this.state.flags = { ...IDLE_FLAGS };
  }

  setPrinting(file: string, completion = 0): void {
    this.state.text = 'Printing';
    this.state.flags = { ...IDLE_FLAGS, printing: true, ready: false };
    this.state.file = { name: file, path: file, origin: 'local' };
    this.state.completion = completion;
    this.state.printTime = Math.round(completion * 10);
    this.state.printTimeLeft = Math.round((100 - completion) * 10);
  }

  /** Starts a job the way OctoPrint does: the chart marking, the state, then PrintStarted. */
  startJob(file: string): void {
    this.state.markings.push({ type: 'print', label: 'Start', time: this.serverTime() });
    this.setPrinting(file, 0);
    this.event('PrintStarted', this.filePayload({ owner: this.user, user: this.user }));
  }

  /** Ends the job as done; with `silently` only the state changes (the socket is down). */
  finishJob(silently = false): void {
    const time = this.state.printTime ?? 0;
    this.state.markings.push({ type: 'done', label: 'Done', time: this.serverTime() });
    this.state.completion = 100;
    this.state.printTimeLeft = 0;
    this.setIdle();
    this.recordPrint(true);
    if (!silently) this.event('PrintDone', this.filePayload({ owner: this.user, time }));
  }

  /** A user cancel: the marking, idle, a failure in the file's statistics, then PrintCancelled + PrintFailed. */
  cancelJob(silently = false): void {
    const time = this.state.printTime ?? 0;
    this.state.markings.push({ type: 'cancel', label: 'Cancel', time: this.serverTime() });
    this.setIdle();
    this.recordPrint(false);
    if (silently) return;
    this.event('PrintCancelled', this.filePayload({ owner: this.user, time, user: this.user }));
    this.event('PrintFailed', this.filePayload({ owner: this.user, time, reason: 'cancelled' }));
  }

  /** The printer link fails mid-job: "Offline after error", a failure in the statistics, PrintFailed. */
  failJob(error: string, silently = false): void {
    const time = this.state.printTime ?? 0;
    this.state.text = 'Offline after error';
    this.state.flags = { ...IDLE_FLAGS, operational: false, ready: false, closedOrError: true, error: true };
    this.state.error = error;
    this.recordPrint(false);
    if (!silently) this.event('PrintFailed', this.filePayload({ owner: this.user, time, reason: 'error', error }));
  }

  private recordPrint(success: boolean): void {
    const f = this.state.file;
    if (!f) return;
    const key = `${f.origin}/${f.path}`;
    const stats = this.prints.get(key) ?? { success: 0, failure: 0 };
    if (success) stats.success += 1;
    else stats.failure += 1;
    stats.last = { date: this.serverTime(), success, printTime: this.state.printTime ?? 0 };
    this.prints.set(key, stats);
  }

  progress(completion: number): void {
    this.state.completion = completion;
    this.state.printTime = Math.round(completion * 10);
    this.state.printTimeLeft = Math.round((100 - completion) * 10);
    this.push({ current: this.stateMessage() });
  }

  event(type: string, payload: unknown = null): void {
    this.push({ event: { type, payload } });
  }

  plugin(plugin: string, data: unknown): void {
    this.push({ plugin: { plugin, data } });
  }

  /**
   * Terminal lines as OctoPrint pushes them: in the `logs` of a `current` message, to each socket only
   * the lines its `subscribe` state.logs filter lets through (a regex string searched in each line,
   * `true` all, `false` or none given: nothing) — e.g. `Send: N12 M117 Layer 2*34`.
   */
  terminal(lines: string[]): void {
    for (const ws of this.authed) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      const logs = lines.filter((line) => this.logFilterOf(ws)(line));
      ws.send(JSON.stringify({ current: { ...this.stateMessage(), logs } }));
    }
  }

  /** `M117 <text>` sent by OctoPrint while it streams a job: line number and checksum, as the terminal shows it. */
  m117(text: string, lineNumber = 42): void {
    this.terminal([`Recv: ok`, `Send: N${lineNumber} M117 ${text}*${(text.length * 7) % 256}`]);
  }

  /** The Spoolman plugin: a spool chosen for a tool fires its custom event (spoolId as a string, null = cleared). */
  selectSpool(toolIdx: number, spoolId: number | null): void {
    this.event('plugin_Spoolman_spool_selected', { toolIdx, spoolId: spoolId === null ? null : String(spoolId) });
  }

  /** `//action:notification <text>` from the firmware, as the bundled action_command_notification plugin pushes it. */
  notification(text: string): void {
    this.plugin('action_command_notification', { message: text });
  }

  filePayload(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const f = this.state.file ?? { name: 'none.gcode', path: 'none.gcode', origin: 'local' };
    return { name: f.name, path: f.path, origin: f.origin, size: 123456, ...extra };
  }

  /** Sends a message to every authenticated socket. */
  push(message: unknown): void {
    this.pushRaw(JSON.stringify(message));
  }

  /** Sends a raw text frame to every authenticated socket; bytes go out as a text frame as they are (even if not UTF-8). */
  pushRaw(text: string | Buffer): void {
    for (const ws of this.authed) if (ws.readyState === WebSocket.OPEN) ws.send(text, { binary: false });
  }

  /** Invalidates the sessions and tells the sockets to re-authenticate. */
  reauth(reason: string): void {
    this.sessions.clear();
    this.push({ reauthRequired: { reason } });
  }

  stateMessage(): Record<string, unknown> {
    const s = this.state;
    return {
      state: { text: s.text, flags: { ...s.flags }, error: s.error },
      job: {
        file: s.file ? { ...s.file, display: s.file.name, size: 123456, date: 1732380112 } : { name: null, path: null, display: null, origin: null, size: null, date: null },
        estimatedPrintTime: 1000,
        averagePrintTime: null,
        lastPrintTime: null,
        filament: this.filamentLength === null ? null : { tool0: { length: this.filamentLength, volume: 1 } },
        user: this.user,
      },
      currentZ: null,
      progress: { completion: s.completion, filepos: 0, printTime: s.printTime, printTimeLeft: s.printTimeLeft, printTimeLeftOrigin: 'linear' },
      offsets: {},
      resends: { count: 0, transmitted: 0, ratio: 0 },
      serverTime: this.serverTime(),
      temps: [],
      logs: [],
      messages: [],
      busyFiles: [],
      markings: s.markings.map((m) => ({ ...m })),
    };
  }

  private logFilterOf(ws: WebSocket): (line: string) => boolean {
    const log = this.socketLogs.get(ws) ?? [];
    const subscribe = log.find((m) => typeof m === 'object' && m !== null && 'subscribe' in m) as { subscribe?: { state?: { logs?: unknown } } } | undefined;
    const filter = subscribe?.subscribe?.state?.logs;
    if (filter === true) return () => true;
    if (typeof filter === 'string') {
      const regex = new RegExp(filter);
      return (line) => regex.test(line);
    }
    return () => false;
  }

  private serverTime(): number {
    return Date.now() / 1000;
  }

  // ---- protocol --------------------------------------------------------------------------

  private onSocket(ws: WebSocket): void {
    this.socketsAccepted += 1;
    this.sockets.add(ws);
    const log: unknown[] = [];
    this.received.push(log);
    this.socketLogs.set(ws, log);
    ws.on('close', () => {
      this.sockets.delete(ws);
      this.authed.delete(ws);
    });
    ws.on('message', (data) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        return;
      }
      log.push(message);
      if (typeof message.auth === 'string') {
        const parts = message.auth.split(':');
        if (parts.length === 2 && parts[0] === this.user && this.sessions.has(parts[1])) {
          const fresh = !this.authed.has(ws);
          this.authed.add(ws);
          if (fresh) ws.send(JSON.stringify({ history: this.stateMessage() }));
        } else {
          ws.send(JSON.stringify({ reauthRequired: { reason: 'stale' } }));
        }
      }
    });
    ws.send(JSON.stringify({ connected: { version: this.version, display_version: this.version, branch: null, python_version: '3.11.2', plugin_hash: 'abc', config_hash: 'def', debug: false, safe_mode: null, online: true, permissions: [] } }));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? '';
    this.requests.push(`${req.method} ${url}`);
    const path = url.startsWith(this.prefix) ? url.slice(this.prefix.length) : '';
    const key = req.headers['x-api-key'];
    const validKey = key === this.apiKey || (this.options.globalKey !== undefined && key === this.options.globalKey);
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (url.startsWith('/webcam/')) {
        if (!this.webcam) return json(404, {});
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        return res.end(this.webcam);
      }
      if (!validKey) return json(403, { error: 'You don\'t have the permission to access the requested resource.' });
      if (req.method === 'POST' && path === '/api/login') {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown>;
        } catch {
          return json(400, {});
        }
        if (body.passive !== true) return json(403, {});
        this.logins += 1;
        const session = `sess${this.logins}x${Math.random().toString(36).slice(2, 8)}`;
        this.sessions.add(session);
        const name = key === this.options.globalKey ? '_api' : this.user;
        return json(200, { name, active: true, admin: false, permissions: [], groups: ['users'], session, _is_external_client: false, _login_mechanism: 'apikey' });
      }
      if (req.method === 'GET' && path === '/api/version') return json(200, { api: '0.1', server: this.version, text: `OctoPrint ${this.version}` });
      if (req.method === 'GET' && path === '/api/server') return json(200, { version: this.version, safemode: this.safemode });
      if (req.method === 'GET' && path === '/api/job') {
        const m = this.stateMessage() as { job: unknown; progress: unknown };
        return json(200, { job: m.job, progress: m.progress, state: this.state.text });
      }
      if (req.method === 'GET' && path.startsWith('/api/files/')) {
        const [origin, ...rest] = path.slice('/api/files/'.length).split('/').map(decodeURIComponent);
        const file = rest.join('/');
        const prints = this.prints.get(`${origin}/${file}`);
        if (!prints) return json(404, { error: 'File not found' });
        return json(200, { name: file.split('/').pop(), path: file, origin, type: 'machinecode', prints });
      }
      if (req.method === 'GET' && path.startsWith('/api/printer')) {
        if (!this.printerConnected) return json(409, { error: 'Printer is not operational' });
        return json(200, { state: { text: this.state.text, flags: this.state.flags } });
      }
      if (req.method === 'GET' && path === '/plugin/Spoolman/spoolman/spools') {
        if (!this.spoolmanSpools) return json(404, {});
        return json(200, { data: { spools: this.spoolmanSpools } });
      }
      if (req.method === 'GET' && path === '/downloads/camera/current') {
        if (!this.camera) return json(404, {});
        res.writeHead(200, { 'content-type': 'image/jpeg' });
        return res.end(this.camera);
      }
      return json(404, {});
    });
  }
}

/** A tiny valid-looking JPEG (SOI … EOI) for snapshot tests. */
export function fakeJpeg(size = 64): Buffer {
  const buf = Buffer.alloc(Math.max(size, 4), 0x20);
  buf[0] = 0xff;
  buf[1] = 0xd8;
  buf[buf.length - 2] = 0xff;
  buf[buf.length - 1] = 0xd9;
  return buf;
}
