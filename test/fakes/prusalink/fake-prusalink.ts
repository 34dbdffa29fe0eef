import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DigestServer } from './digest-check';

// A PrusaLink over real HTTP on 127.0.0.1, shaped after docs/prusalink.md: the firmware ("buddy") and the
// Raspberry Pi flavour, both auth styles, scripted states with the flavours' timing, 204 from /api/v1/job
// without a job, a 503 switch, a camera on the Pi, and counters that show whether a client ever overlaps.

export type Flavour = 'buddy' | 'pi';

export interface FakeOptions {
  flavour?: Flavour;
  /** Digest user (the firmware's is always "maker"). */
  username?: string;
  /** The PrusaLink password; on the firmware also the X-Api-Key. */
  password?: string;
  /** Raspberry Pi: the separate API key. */
  apiKey?: string;
  nonceTtlMs?: number;
  /** Raspberry Pi: how long FINISHED/STOPPED stay before IDLE (the daemon: about 11 s). */
  terminalMs?: number;
  /** Delay before each answer, to make overlapping requests visible. */
  latencyMs?: number;
  camera?: boolean;
}

interface FakeJob {
  id: number;
  progress: number;
  time_printing: number;
  time_remaining?: number;
  file: string;
}

export const FAKE_JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);

export class FakePrusaLink {
  readonly flavour: Flavour;
  readonly username: string;
  readonly password: string;
  readonly apiKey: string;
  state = 'IDLE';
  /** The Pi camera's frame; a test changes it to tell images taken at different moments apart. */
  cameraFrame: Buffer = FAKE_JPEG;
  job: FakeJob | undefined;
  bedTemp = 22;
  nextJobId = 40;
  /** Raspberry Pi: answer 503 (daemon up, printer not attached). */
  notReady = false;
  printerMessage: string | undefined;
  /** Drop the next request that comes over a kept-alive socket, unanswered (the printer closed it just then). */
  dropNextReused = false;
  private readonly served = new WeakMap<Socket, number>();
  /** When set, /api/v1/status answers these bytes as they are (hostile-printer tests). */
  statusOverride: Buffer | string | undefined;
  /** Paths of the requests that passed auth, in order. */
  requests: string[] = [];
  /** Every request, 401/403 answers included. */
  attempts = 0;
  authFailures = 0;
  maxInFlight = 0;
  private inFlight = 0;
  private readonly options: FakeOptions;
  private readonly digest: DigestServer;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private endTimer: NodeJS.Timeout | undefined;
  port = 0;

  constructor(options: FakeOptions = {}) {
    this.options = options;
    this.flavour = options.flavour ?? 'buddy';
    this.username = this.flavour === 'buddy' ? 'maker' : options.username ?? 'octo';
    this.password = options.password ?? 'Pa55word-xyz';
    this.apiKey = this.flavour === 'buddy' ? this.password : options.apiKey ?? 'pi-api-key-123';
    this.digest = new DigestServer({ flavour: this.flavour, username: this.username, password: this.password, nonceTtlMs: options.nonceTtlMs ?? 300_000, now: () => Date.now() });
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Connection refused until start(port) again (a printer switched off, a red screen). */
  async stop(): Promise<void> {
    if (this.endTimer) clearTimeout(this.endTimer);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
  }

  // --- the script -------------------------------------------------------------------------------------

  startJob(file = 'benchy_0.2mm_PLA_MK4_45m.bgcode'): number {
    this.clearEnd();
    this.nextJobId += 1;
    this.job = { id: this.nextJobId, progress: 0, time_printing: 0, time_remaining: 2700, file };
    this.state = 'PRINTING';
    this.bedTemp = 60;
    return this.nextJobId;
  }

  /** A print preview question (wrong filament…): ATTENTION with a job that has not printed. */
  preview(file = 'preview.bgcode'): void {
    this.nextJobId += 1;
    this.job = { id: this.nextJobId, progress: 0, time_printing: 0, file };
    this.state = 'ATTENTION';
  }

  progress(percent: number): void {
    if (!this.job) throw new Error('no job');
    this.job.progress = percent;
    this.job.time_printing = Math.round(percent * 27);
    this.job.time_remaining = Math.round((100 - percent) * 27);
  }

  pause(): void {
    this.state = 'PAUSED';
  }

  attention(): void {
    this.state = 'ATTENTION';
  }

  resume(): void {
    this.state = 'PRINTING';
  }

  finish(): void {
    this.end('FINISHED');
  }

  /** A user cancel: STOPPED. */
  cancel(): void {
    this.end('STOPPED');
  }

  /** Raspberry Pi: ERROR (the firmware lost, a kill), the job destroyed. */
  fail(message = 'Printer reported an error: thermal runaway'): void {
    this.clearEnd();
    this.job = undefined;
    this.state = 'ERROR';
    this.printerMessage = message;
  }

  /** The user leaves the end screen (firmware), or the Pi's timer ran out. */
  idle(): void {
    this.clearEnd();
    this.job = undefined;
    this.state = 'IDLE';
    this.printerMessage = undefined;
  }

  /** Both flavours drop the job at FINISHED/STOPPED; the Pi goes back to IDLE after terminalMs. */
  private end(state: 'FINISHED' | 'STOPPED'): void {
    this.job = undefined;
    this.state = state;
    this.bedTemp = 50;
    if (this.flavour === 'pi') {
      this.clearEnd();
      this.endTimer = setTimeout(() => this.idle(), this.options.terminalMs ?? 11_000);
    }
  }

  private clearEnd(): void {
    if (this.endTimer) clearTimeout(this.endTimer);
    this.endTimer = undefined;
  }

  // --- HTTP -------------------------------------------------------------------------------------------

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const used = this.served.get(req.socket) ?? 0;
    this.served.set(req.socket, used + 1);
    if (used > 0 && this.dropNextReused) {
      this.dropNextReused = false;
      req.socket.destroy();
      return;
    }
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => (this.inFlight -= 1));
    const answer = () => {
      const path = (req.url ?? '/').split('?')[0];
      this.attempts += 1;
      if (!this.authorised(req, res)) return;
      this.requests.push(path);
      this.route(path, res);
    };
    if (this.options.latencyMs) setTimeout(answer, this.options.latencyMs);
    else answer();
  }

  private authorised(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    const ua = req.headers['user-agent'] ?? '';
    const key = req.headers['x-api-key'];
    if (typeof key === 'string') {
      if (key === this.apiKey) return true;
      this.authFailures += 1;
      if (this.flavour === 'pi') {
        res.writeHead(403, { 'Content-Type': 'text/plain' }).end('Bad X-Api-Key.');
      } else {
        res.writeHead(401, { 'WWW-Authenticate': 'ApiKey realm="Printer API"' }).end();
      }
      return false;
    }
    const verdict = this.digest.verify(req.method ?? 'GET', req.headers.authorization, ua);
    if (verdict === 'ok') return true;
    if (verdict === 'wrong') this.authFailures += 1;
    res.writeHead(401, { 'WWW-Authenticate': this.digest.challenge(ua, verdict === 'stale') }).end();
    return false;
  }

  private route(path: string, res: http.ServerResponse): void {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    if (this.notReady && path.startsWith('/api/v1/')) return void json(503, { title: 'Printer not ready', text: 'The printer is not attached' });
    switch (path) {
      case '/api/version':
        return void json(200, this.flavour === 'buddy'
          ? { api: '2.0.0', server: '2.1.2', text: 'PrusaLink', hostname: 'fake-mk4', firmware: '6.2.0+1234' }
          : { api: '2.0.0', server: '0.8.1', text: 'OctoPrint 1.1.0', original: 'PrusaLink I3MK3S', hostname: 'prusa-pi' });
      case '/api/v1/info':
        return void json(200, this.flavour === 'buddy'
          ? { nozzle_diameter: 0.4, mmu: false, serial: 'FAKE0001', hostname: 'fake-mk4', min_extrusion_temp: 170 }
          : { nozzle_diameter: 0.4, mmu: false, serial: 'FAKE0002', hostname: 'prusa-pi', name: 'Garage MK3S', location: 'garage', farm_mode: false, port: '/dev/ttyAMA0' });
      case '/api/v1/status':
        if (this.statusOverride !== undefined) return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(this.statusOverride);
        return void json(200, this.status());
      case '/api/v1/job':
        if (!this.job) return void res.writeHead(204).end();
        return void json(200, this.jobBody(this.job));
      case '/api/v1/cameras/snap':
        if (this.flavour !== 'pi' || this.options.camera === false) return void json(404, { title: 'Not found', text: 'No camera' });
        return void res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(this.cameraFrame);
      default:
        return void json(404, { code: '404', title: 'Not found', text: `no route ${path}` });
    }
  }

  private status(): Record<string, unknown> {
    const printer: Record<string, unknown> = { state: this.state, temp_bed: this.bedTemp, target_bed: this.job ? 60 : 0, temp_nozzle: 24, target_nozzle: 0, axis_z: 2.4, flow: 100, speed: 100 };
    const body: Record<string, unknown> = { printer };
    if (this.flavour === 'buddy') {
      body.storage = { path: '/usb/', name: 'usb', read_only: false };
    } else {
      body.storage = [{ path: '/local', name: 'PrusaLink gcodes', read_only: false }];
      printer.status_printer = this.printerMessage ? { ok: false, message: this.printerMessage } : { ok: true, message: 'OK' };
      printer.status_connect = { ok: true, message: 'OK' };
      if (this.options.camera !== false) body.camera = { id: 'cam-1' };
    }
    if (this.job) {
      const job: Record<string, unknown> = { id: this.job.id, progress: this.job.progress, time_printing: this.job.time_printing };
      if (this.job.time_remaining !== undefined) job.time_remaining = this.job.time_remaining;
      body.job = job;
    }
    return body;
  }

  private jobBody(job: FakeJob): Record<string, unknown> {
    const state = this.state === 'ATTENTION' && this.flavour === 'buddy' ? 'PAUSED' : this.state;
    const short = `${job.file.slice(0, 6).toUpperCase()}~1.BGC`;
    const file = this.flavour === 'buddy'
      ? { name: short, display_name: job.file, path: '/usb', size: 2393142, refs: { thumbnail: `/thumb/l/usb/${short}` } }
      : { name: job.file, display_name: job.file, path: '/local', display_path: '/PrusaLink gcodes', size: 2393142 };
    return { id: job.id, state, progress: job.progress, time_printing: job.time_printing, time_remaining: job.time_remaining, file };
  }
}
