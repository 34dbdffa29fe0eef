// A scriptable Moonraker for tests: JSON-RPC 2.0 over a real websocket plus the few HTTP routes we
// use, on 127.0.0.1 with an ephemeral port. It follows docs/moonraker.md: X-Api-Key on the upgrade or
// in identify, no notifications before identify, server.info klippy_state, objects.list/subscribe
// with per-client filtered diffs, subscriptions dropped when Klippy disconnects, history entries
// added after the print_stats edge and finished after the terminal state.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, WebSocket } from 'ws';

type Obj = Record<string, unknown>;
type Objects = Record<string, Obj>;

export interface FakeOptions {
  apiKey?: string;
  /** Add history entries (added/finished notifications) as print_stats changes, like Moonraker (default true). */
  autoHistory?: boolean;
  /** Leave the history component out of server.info. */
  noHistory?: boolean;
  /** Make server.connection.identify answer with an error. */
  identifyError?: boolean;
  /** Behave like a Moonraker from before identify existed: method not found, notifications for all. */
  noIdentify?: boolean;
  /** Load the spoolman component: server.spoolman.get_spool_id / proxy and notify_active_spool_set. */
  spoolman?: boolean;
}

interface Client {
  socket: WebSocket;
  authed: boolean;
  identified: boolean;
  subscription: Set<string> | undefined;
}

export interface RequestLog {
  method: string;
  params: unknown;
}

export function defaultObjects(): Objects {
  return {
    webhooks: { state: 'ready', state_message: 'Printer is ready' },
    print_stats: { filename: '', total_duration: 0, print_duration: 0, filament_used: 0, state: 'standby', message: '', info: { total_layer: null, current_layer: null } },
    virtual_sdcard: { file_path: null, progress: 0, is_active: false, file_position: 0, file_size: 0 },
    display_status: { message: '', progress: 0 },
    idle_timeout: { state: 'Idle', printing_time: 0 },
    pause_resume: { is_paused: false },
    extruder: { temperature: 22, target: 0, power: 0 },
    heater_bed: { temperature: 21, target: 0, power: 0 },
    toolhead: { position: [0, 0, 0, 0], homed_axes: '' },
  };
}

function merge(target: Obj, diff: Obj): void {
  for (const [k, v] of Object.entries(diff)) {
    const cur = target[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) merge(cur as Obj, v as Obj);
    else target[k] = v && typeof v === 'object' && !Array.isArray(v) ? JSON.parse(JSON.stringify(v)) : v;
  }
}

export class FakeMoonraker {
  readonly requests: RequestLog[] = [];
  objects: Objects = defaultObjects();
  extraObjectNames: string[] = ['gcode_move', 'fan', 'configfile'];
  klippyState = 'ready';
  stateMessage = 'Printer is ready';
  version = 'v0.9.3-12-gfake';
  history: Obj[] = [];
  metadata: Record<string, Obj> = {};
  webcams: Obj[] = [];
  /** Spoolman's spools by id, as GET /v1/spool/{id} answers them (through server.spoolman.proxy). */
  spools: Record<number, Obj> = {};
  /** Moonraker's active spool (persisted by Moonraker across restarts; null = none). */
  activeSpool: number | null = null;
  snapshotBytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
  upgrades = 0;
  private readonly clients = new Set<Client>();
  private readonly server: http.Server;
  private readonly wss: WebSocketServer;
  private nextJob = 0x2a;
  private currentJob: Obj | undefined;
  private eventtime = 1000;
  private waiters: Array<() => void> = [];

  constructor(readonly options: FakeOptions = {}) {
    this.server = http.createServer((req, res) => this.onHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on('upgrade', (req, socket, head) => {
      this.upgrades += 1;
      if (!req.url?.startsWith('/websocket')) {
        socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
        return;
      }
      const key = req.headers['x-api-key'];
      if (this.options.apiKey && key !== undefined && key !== this.options.apiKey) {
        socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, !this.options.apiKey || key === this.options.apiKey));
    });
  }

  get objectNames(): string[] {
    return [...Object.keys(this.objects), ...this.extraObjectNames];
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get clientCount(): number {
    return [...this.clients].filter((c) => c.socket.readyState === WebSocket.OPEN).length;
  }

  /** The objects the (last) identified client subscribed to. */
  subscribedObjects(): string[] | undefined {
    const client = [...this.clients].reverse().find((c) => c.subscription);
    return client?.subscription ? [...client.subscription] : undefined;
  }

  count(method: string): number {
    return this.requests.filter((r) => r.method === method).length;
  }

  /** Resolves once `predicate` holds (checked after every request and state change). */
  async until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error('fake moonraker: condition not reached in time');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 10);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Klipper changed: merge the diff and send each subscribed client the part it subscribed to. */
  update(diff: Objects): void {
    const prevState = this.objects.print_stats?.state as string | undefined;
    const ps = diff.print_stats;
    if (ps?.state === 'printing' && ps.filament_used === undefined && ['standby', 'complete', 'cancelled', 'error'].includes(prevState ?? '') && this.objects.print_stats?.filament_used) {
      // Klipper's print_stats.reset(): a new print counts its filament from 0
      diff = { ...diff, print_stats: { ...ps, filament_used: 0 } };
    }
    for (const [name, fields] of Object.entries(diff)) {
      if (!this.objects[name]) this.objects[name] = {};
      merge(this.objects[name], fields);
    }
    this.eventtime += 1.5;
    for (const client of this.clients) {
      if (!client.identified || !client.subscription) continue;
      const part: Objects = {};
      for (const [name, fields] of Object.entries(diff)) if (client.subscription.has(name)) part[name] = fields;
      if (Object.keys(part).length) this.send(client, { jsonrpc: '2.0', method: 'notify_status_update', params: [part, this.eventtime] });
    }
    const state = this.objects.print_stats?.state as string | undefined;
    if (this.options.autoHistory !== false && state !== prevState) this.historyFollows(prevState, state);
  }

  /** Like Moonraker's history component: an entry per job, added after the start edge, finished after the end. */
  private historyFollows(prev: string | undefined, next: string | undefined): void {
    const idle = (s: string | undefined) => s === undefined || ['standby', 'complete', 'cancelled', 'error'].includes(s);
    if (idle(prev) && next === 'printing') {
      const job: Obj = {
        job_id: (this.nextJob++).toString(16).toUpperCase().padStart(6, '0'),
        filename: this.objects.print_stats.filename,
        status: 'in_progress',
        start_time: 1732380000 + this.nextJob,
        end_time: null,
        total_duration: 0,
        filament_used: 0,
        exists: true,
      };
      this.currentJob = job;
      this.history.push(job);
      this.broadcast({ jsonrpc: '2.0', method: 'notify_history_changed', params: [{ action: 'added', job }] });
    } else if (this.currentJob && (next === 'complete' || next === 'cancelled' || next === 'error' || next === 'standby')) {
      this.finishJob(next === 'complete' ? 'completed' : next === 'standby' ? 'cancelled' : next);
    }
  }

  finishJob(status: string): void {
    const job = this.currentJob;
    if (!job) return;
    this.currentJob = undefined;
    job.status = status;
    job.end_time = 1732390000;
    job.total_duration = this.objects.print_stats.total_duration;
    job.filament_used = this.objects.print_stats.filament_used;
    this.broadcast({ jsonrpc: '2.0', method: 'notify_history_changed', params: [{ action: 'finished', job }] });
  }

  gcode(line: string): void {
    this.broadcast({ jsonrpc: '2.0', method: 'notify_gcode_response', params: [line] });
  }

  /** Klipper's RESPOND: `<prefix> <msg>`, the prefix `echo:` unless PREFIX= or TYPE= says otherwise. */
  respond(msg: string, options: { prefix?: string; type?: 'echo' | 'command' | 'error' } = {}): void {
    const byType = { echo: 'echo:', command: '//', error: '!!' };
    this.gcode(`${options.prefix ?? byType[options.type ?? 'echo']} ${msg}`);
  }

  /** M117: Klipper keeps the text in display_status.message (and prints nothing to the console). */
  m117(text: string): void {
    this.update({ display_status: { message: text } });
  }

  /** POST /server/spoolman/spool_id: Moonraker stores it and notifies every client. */
  setActiveSpool(id: number | null): void {
    this.activeSpool = id;
    this.broadcast({ jsonrpc: '2.0', method: 'notify_active_spool_set', params: [{ spool_id: id }] });
  }

  /** Klippy halts (heater fault…): state shutdown, webhooks says why. */
  shutdown(message: string): void {
    this.klippyState = 'shutdown';
    this.stateMessage = message;
    this.objects.webhooks = { state: 'shutdown', state_message: message };
    this.broadcast({ jsonrpc: '2.0', method: 'notify_klippy_shutdown' });
  }

  /** Moonraker loses Klippy: it clears every subscription (klippy_connection.py). */
  disconnectKlippy(): void {
    this.klippyState = 'disconnected';
    this.stateMessage = 'Klippy disconnected';
    for (const c of this.clients) c.subscription = undefined;
    this.broadcast({ jsonrpc: '2.0', method: 'notify_klippy_disconnected' });
  }

  klippyReady(): void {
    this.klippyState = 'ready';
    this.stateMessage = 'Printer is ready';
    this.objects.webhooks = { state: 'ready', state_message: 'Printer is ready' };
    this.broadcast({ jsonrpc: '2.0', method: 'notify_klippy_ready' });
  }

  /** Sends a raw text frame to every client; bytes go out as a text frame as they are (even if not UTF-8). */
  sendRaw(text: string | Buffer): void {
    for (const c of this.clients) if (c.socket.readyState === WebSocket.OPEN) c.socket.send(text, { binary: false });
  }

  /** Bytes queued on the clients' sockets and not yet sent (the fuzz driver waits while this is large). */
  get backlogBytes(): number {
    let bytes = 0;
    for (const c of this.clients) bytes += c.socket.bufferedAmount;
    return bytes;
  }

  /** The network drops: every socket goes away without a close frame. */
  dropClients(): void {
    for (const c of this.clients) c.socket.terminate();
    this.clients.clear();
  }

  async close(): Promise<void> {
    this.dropClients();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onSocket(socket: WebSocket, authed: boolean): void {
    const client: Client = { socket, authed, identified: false, subscription: undefined };
    this.clients.add(client);
    socket.on('close', () => this.clients.delete(client));
    socket.on('message', (data) => {
      let req: Obj;
      try {
        req = JSON.parse(data.toString()) as Obj;
      } catch {
        return;
      }
      this.requests.push({ method: String(req.method), params: req.params });
      this.answer(client, req);
      this.wake();
    });
  }

  private answer(client: Client, req: Obj): void {
    const id = req.id as number;
    const params = (req.params ?? {}) as Obj;
    const ok = (result: unknown) => this.send(client, { jsonrpc: '2.0', result, id });
    const fail = (code: number, message: string) => this.send(client, { jsonrpc: '2.0', error: { code, message }, id });
    if (this.options.noIdentify && !client.identified) {
      client.identified = true;
      client.authed = true;
    }
    if (req.method === 'server.connection.identify') {
      if (this.options.noIdentify) return fail(-32601, 'Method not found');
      if (this.options.identifyError) return fail(-32602, 'Invalid params');
      if (client.identified) return fail(-32600, 'Connection already identified');
      if (!client.authed && params.api_key !== this.options.apiKey) return fail(401, 'Unauthorized');
      client.authed = true;
      client.identified = true;
      return ok({ connection_id: 1730367696 });
    }
    if (!client.authed) return fail(401, 'Unauthorized');
    switch (req.method) {
      case 'server.info':
        return ok({
          klippy_connected: this.klippyState !== 'disconnected',
          klippy_state: this.klippyState,
          components: [...(this.options.noHistory ? ['database', 'file_manager'] : ['database', 'file_manager', 'history', 'webcam']), ...(this.options.spoolman ? ['spoolman'] : [])],
          failed_components: [],
          warnings: [],
          websocket_count: this.clients.size,
          moonraker_version: this.version,
          api_version: [1, 5, 0],
          api_version_string: '1.5.0',
        });
      case 'printer.info':
        if (this.klippyState === 'disconnected') return fail(503, 'Klippy Disconnected');
        return ok({ state: this.klippyState, state_message: this.stateMessage, hostname: 'fake', software_version: 'v0.12.0-fake' });
      case 'printer.objects.list':
        if (this.klippyState !== 'ready') return fail(503, 'Klippy Host not connected');
        return ok({ objects: this.objectNames });
      case 'printer.objects.subscribe': {
        if (this.klippyState === 'disconnected') return fail(503, 'Klippy Host not connected');
        const wanted = Object.keys((params.objects ?? {}) as Obj);
        client.subscription = new Set(wanted);
        const status: Objects = {};
        for (const name of wanted) if (this.objects[name]) status[name] = JSON.parse(JSON.stringify(this.objects[name]));
        return ok({ eventtime: this.eventtime, status });
      }
      case 'server.history.list': {
        if (this.options.noHistory) return fail(-32601, 'Method not found');
        const limit = typeof params.limit === 'number' ? params.limit : 50;
        const jobs = [...this.history].reverse().slice(0, limit);
        return ok({ count: jobs.length, jobs });
      }
      case 'server.files.metadata': {
        const meta = this.metadata[String(params.filename)];
        return meta ? ok({ filename: params.filename, ...meta }) : fail(404, `Metadata not available for <${String(params.filename)}>`);
      }
      case 'server.spoolman.get_spool_id':
        if (!this.options.spoolman) return fail(-32601, 'Method not found');
        return ok({ spool_id: this.activeSpool });
      case 'server.spoolman.proxy': {
        if (!this.options.spoolman) return fail(-32601, 'Method not found');
        const match = /^\/v1\/spool\/(\d+)$/.exec(String(params.path));
        const spool = match && params.request_method === 'GET' ? this.spools[Number(match[1])] : undefined;
        return spool ? ok(spool) : fail(404, 'No spool with that id');
      }
      default:
        return fail(-32601, 'Method not found');
    }
  }

  private onHttp(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (this.options.apiKey && req.url?.startsWith('/server/') && req.headers['x-api-key'] !== this.options.apiKey) {
      res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"code":401,"message":"Unauthorized"}}');
      return;
    }
    if (req.url === '/server/webcams/list') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: { webcams: this.webcams } }));
      return;
    }
    if (req.url?.startsWith('/webcam/')) {
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(this.snapshotBytes);
      return;
    }
    res.writeHead(404).end();
  }

  private broadcast(message: Obj): void {
    for (const c of this.clients) if (c.identified) this.send(c, message);
  }

  private send(client: Client, message: Obj): void {
    if (client.socket.readyState === WebSocket.OPEN) client.socket.send(JSON.stringify(message));
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
