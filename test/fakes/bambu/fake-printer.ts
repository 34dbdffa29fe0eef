import { Aedes, type Client } from 'aedes';
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from 'node:tls';
import type { AddressInfo, Socket } from 'node:net';
import { testPki, type TestPki } from './certs';
import { fullReport, versionReport, type Report } from './reports';

export interface FakePrinterOptions {
  serial?: string;
  accessCode?: string;
  productName?: string;
  /** The full state answered to pushall. */
  state?: Report;
  /** Serve the second certificate (same CN, other key). */
  otherCert?: boolean;
}

/** A JPEG-shaped frame: FF D8 … FF D9. */
export const FAKE_JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('printhooks fake frame'), Buffer.from([0xff, 0xd9])]);

/**
 * A fake Bambu Lab printer: a real MQTT broker (aedes) behind node:tls on 127.0.0.1 with a test CA whose
 * printer certificate CN is the serial, plus the P1/A1 camera port. Answers get_version and pushall,
 * publishes scripted deltas, and can go silent or send garbage.
 */
export class FakePrinter {
  readonly serial: string;
  readonly accessCode: string;
  readonly pki: TestPki;
  port = 0;
  cameraPort = 0;
  /** The frame the camera sends; a test changes it to tell images taken at different moments apart. */
  cameraFrame: Buffer = FAKE_JPEG;
  state: Report;
  productName: string;
  /** When true, requests are ignored and nothing is published (a stuck broker that keeps TCP open). */
  silent = false;
  readonly requests: Array<{ command: string; at: number }> = [];
  connections = 0;
  authFailures = 0;
  cameraLogins: string[] = [];
  private broker: Aedes | undefined;
  private server: TlsServer | undefined;
  private camera: TlsServer | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly options: FakePrinterOptions;

  constructor(options: FakePrinterOptions = {}) {
    this.options = options;
    this.serial = options.serial ?? '01P00A000000001';
    this.accessCode = options.accessCode ?? '12345678';
    this.productName = options.productName ?? 'Bambu Lab P1S';
    this.state = options.state ?? fullReport();
    this.pki = testPki(this.serial);
  }

  get pushalls(): number {
    return this.requests.filter((r) => r.command === 'pushall').length;
  }

  async start(port = 0): Promise<this> {
    const broker = await Aedes.createBroker();
    this.broker = broker;
    broker.authenticate = (_client, username, password, done) => {
      if (username === 'bblp' && password?.toString() === this.accessCode) return done(null, true);
      this.authFailures += 1;
      const err = Object.assign(new Error('not authorized'), { returnCode: 5 });
      done(err as never, false);
    };
    broker.on('client', () => (this.connections += 1));
    broker.on('publish', (packet, client: Client | null) => {
      if (!client || packet.topic !== `device/${this.serial}/request`) return;
      this.onRequest(packet.payload.toString());
    });
    const pki = this.pki;
    const cert = this.options.otherCert ? pki.otherCert : pki.cert;
    const key = this.options.otherCert ? pki.otherKey : pki.key;
    this.server = createTlsServer({ cert, key }, (socket: TLSSocket) => {
      this.track(socket);
      broker.handle(socket);
    });
    this.server.on('connection', (socket: Socket) => this.track(socket));
    this.port = await listen(this.server, port);
    this.camera = createTlsServer({ cert, key }, (socket) => this.serveCamera(socket));
    this.camera.on('connection', (socket: Socket) => this.track(socket));
    this.cameraPort = await listen(this.camera, 0);
    return this;
  }

  /** Publishes a report on device/<serial>/report (merged into the pushall state too). */
  publish(print: Report): void {
    // The printer keeps its whole state: a delta's nested objects (ams.tray_now) change only what they name.
    deepAssign(this.state, JSON.parse(JSON.stringify(print)) as Report);
    this.state.command = 'push_status';
    this.send({ print });
  }

  /** Sends a raw payload (e.g. malformed JSON, or bytes that are not UTF-8) on the report topic. */
  sendRaw(payload: string | Buffer): void {
    this.broker?.publish({ cmd: 'publish', topic: `device/${this.serial}/report`, payload: Buffer.from(payload), qos: 0, retain: false, dup: false }, () => undefined);
  }

  /** Bytes written to the clients' sockets and not yet sent (the fuzz driver waits while this is large). */
  get backlogBytes(): number {
    let bytes = 0;
    for (const socket of this.sockets) bytes += socket.writableLength;
    return bytes;
  }

  /** Drops every client connection (the printer rebooted or Wi-Fi dropped). */
  dropClients(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async stop(): Promise<void> {
    this.dropClients();
    await Promise.all([close(this.server), close(this.camera)]);
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()));
  }

  private send(message: unknown): void {
    this.sendRaw(JSON.stringify(message));
  }

  private onRequest(text: string): void {
    let message: Record<string, Record<string, unknown>>;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    const command = String(message.pushing?.command ?? message.info?.command ?? message.print?.command ?? 'unknown');
    this.requests.push({ command, at: Date.now() });
    if (this.silent) return;
    if (command === 'pushall') this.send({ print: { ...this.state, command: 'push_status', msg: 0 } });
    if (command === 'get_version') this.send({ info: versionReport(this.productName, this.serial) });
  }

  private serveCamera(socket: TLSSocket): void {
    let login = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      login = Buffer.concat([login, chunk]);
      if (login.length < 80) return;
      const code = login.subarray(48, 80).toString('ascii').replace(/\0+$/, '');
      this.cameraLogins.push(code);
      if (login.readUInt32LE(0) !== 0x40 || login.subarray(16, 20).toString() !== 'bblp' || code !== this.accessCode) {
        socket.end();
        return;
      }
      const header = Buffer.alloc(16);
      const frame = this.cameraFrame;
      header.writeUInt32LE(frame.length, 0);
      header.writeUInt32LE(1, 8);
      // Split like the printer does, to exercise reassembly.
      socket.write(Buffer.concat([header, frame.subarray(0, 5)]));
      setTimeout(() => socket.write(frame.subarray(5)), 5);
    });
    socket.on('error', () => undefined);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
  }
}

function listen(server: TlsServer, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: TlsServer | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

function deepAssign(target: Report, patch: Report): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    const plain = (v: unknown): v is Report => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (plain(value) && plain(current)) deepAssign(current, value);
    else target[key] = value;
  }
}
