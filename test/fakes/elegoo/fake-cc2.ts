// A scriptable Centauri Carbon 2 for tests, after docs/elegoo.md: a real MQTT 3.1.1 broker (aedes) on
// 127.0.0.1 with the printer's user and password, registration on api_register with a client limit
// ("too many clients"), PING → PONG, method 1001/1002 answered on the client's api_response, and status
// deltas (method 6000) with running ids on api_status.
import { Aedes, type Client } from 'aedes';
import dgram from 'node:dgram';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';

type Obj = Record<string, unknown>;

export interface FakeCc2Options {
  serial?: string;
  /** The MQTT password (the access code, or the default 123456). */
  password?: string;
  /** Most registered clients (default 4). */
  cap?: number;
}

export function idleCc2State(): Obj {
  return {
    machine_status: { status: 1, sub_status: 0, exception_status: [], progress: 0 },
    print_status: { filename: '', uuid: '', current_layer: 0, total_layer: 0, print_duration: 0, total_duration: 0, remaining_time_sec: 0, progress: 0 },
    extruder: { temperature: 25, target: 0, filament_detect_enable: 1, filament_detected: 1 },
    heater_bed: { temperature: 60, target: 60 },
  };
}

function merge(target: Obj, delta: Obj): void {
  for (const [k, v] of Object.entries(delta)) {
    const cur = target[k];
    if (v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)) merge(cur as Obj, v as Obj);
    else target[k] = JSON.parse(JSON.stringify(v));
  }
}

export class FakeCc2 {
  readonly serial: string;
  readonly password: string;
  readonly cap: number;
  port = 0;
  state: Obj = idleCc2State();
  /** Registered client ids; registrations refused for the limit; PINGs seen; status requests seen. */
  readonly registered = new Set<string>();
  refused = 0;
  pings = 0;
  statusRequests = 0;
  authFailures = 0;
  /** When true, PINGs get no PONG. */
  mute = false;
  /** The UDP port answering discovery (method 7000), once listenDiscovery() ran. */
  discoveryPort = 0;
  private discovery: dgram.Socket | undefined;
  private eventId = 0;
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly mqttToRegistered = new Map<string, string>();

  constructor(options: FakeCc2Options = {}) {
    this.serial = options.serial ?? 'CC2FAKE0000000001';
    this.password = options.password ?? '123456';
    this.cap = options.cap ?? 4;
  }

  async listen(): Promise<void> {
    const broker = await Aedes.createBroker();
    this.broker = broker;
    broker.authenticate = (_client, username, password, done) => {
      if (username === 'elegoo' && password?.toString() === this.password) return done(null, true);
      this.authFailures += 1;
      done(Object.assign(new Error('not authorized'), { returnCode: 5 }) as never, false);
    };
    broker.on('publish', (packet, client: Client | null) => {
      if (client) this.onPublish(client, packet.topic, packet.payload.toString());
    });
    broker.on('clientDisconnect', (client: Client) => {
      const id = this.mqttToRegistered.get(client.id);
      if (id) this.registered.delete(id);
      this.mqttToRegistered.delete(client.id);
    });
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Merges a delta into the state and publishes it as a 6000 event (skip > 0 leaves ids out, as lost messages). */
  update(delta: Obj, skip = 0): void {
    merge(this.state, delta);
    this.eventId += 1 + skip;
    this.publish(`elegoo/${this.serial}/api_status`, { id: this.eventId, method: 6000, result: delta });
  }

  sendRaw(payload: string): void {
    this.broker?.publish({ cmd: 'publish', topic: `elegoo/${this.serial}/api_status`, payload: Buffer.from(payload), qos: 0, retain: false, dup: false }, () => undefined);
  }

  dropClients(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  /** Answers `{"id":0,"method":7000}` on a UDP port of 127.0.0.1 as the printer does on port 52700. */
  async listenDiscovery(): Promise<void> {
    const socket = dgram.createSocket('udp4');
    this.discovery = socket;
    socket.on('message', (msg, from) => {
      let body: Obj;
      try {
        body = JSON.parse(msg.toString()) as Obj;
      } catch {
        return;
      }
      if (body.method !== 7000) return;
      const result = { host_name: 'Fake CC2', machine_model: 'Centauri Carbon 2', sn: this.serial, token_status: 0, lan_status: 1 };
      socket.send(JSON.stringify({ id: 0, result }), from.port, from.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
    this.discoveryPort = socket.address().port;
  }

  async close(): Promise<void> {
    this.discovery?.close();
    this.discovery = undefined;
    this.dropClients();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()));
  }

  async until(predicate: () => boolean, timeoutMs = 3000): Promise<void> {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > timeoutMs) throw new Error('fake CC2: condition not reached in time');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  private publish(topic: string, body: unknown): void {
    this.broker?.publish({ cmd: 'publish', topic, payload: Buffer.from(JSON.stringify(body)), qos: 0, retain: false, dup: false }, () => undefined);
  }

  private onPublish(client: Client, topic: string, text: string): void {
    let body: Obj;
    try {
      body = JSON.parse(text) as Obj;
    } catch {
      return;
    }
    const base = `elegoo/${this.serial}`;
    if (topic === `${base}/api_register`) {
      const clientId = String(body.client_id);
      const requestId = String(body.request_id);
      const full = this.registered.size >= this.cap && !this.registered.has(clientId);
      if (full) this.refused += 1;
      else {
        this.registered.add(clientId);
        this.mqttToRegistered.set(client.id, clientId);
      }
      // Answer a moment later, after the client's subscription is surely in place.
      setTimeout(() => this.publish(`${base}/${requestId}/register_response`, { client_id: clientId, error: full ? 'too many clients' : 'ok' }), 5);
      return;
    }
    const match = /^elegoo\/[^/]+\/([^/]+)\/api_request$/.exec(topic);
    if (!match || !this.registered.has(match[1])) return;
    const reply = `${base}/${match[1]}/api_response`;
    if (body.type === 'PING') {
      this.pings += 1;
      if (!this.mute) this.publish(reply, { type: 'PONG' });
      return;
    }
    if (body.method === 1002) {
      this.statusRequests += 1;
      this.publish(reply, { id: body.id, method: 1002, result: { error_code: 0, ...this.state } });
    } else if (body.method === 1001) {
      this.publish(reply, { id: body.id, method: 1001, result: { error_code: 0, hostname: 'Fake CC2', machine_model: 'Centauri Carbon 2', sn: this.serial, firmware_version: '1.0.3' } });
    }
  }
}
