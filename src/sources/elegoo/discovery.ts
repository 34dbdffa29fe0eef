import dgram from 'node:dgram';
import { parseBoundedJson } from '../bounded-json';
import type { ElegooModel } from './codes';

/** A printer that answered the discovery broadcast. */
export interface FoundPrinter {
  host: string;
  model: ElegooModel;
  name?: string;
  machine?: string;
  /** SDCP MainboardID, or the CC2 serial number. */
  mainboardId?: string;
  firmware?: string;
}

export interface DiscoveryOptions {
  /** Where the probes go (default the local broadcast address). */
  address?: string;
  /** SDCP printers answer `M99999` on UDP 3000; a Centauri Carbon 2 answers method 7000 on UDP 52700. */
  sdcpPort?: number;
  cc2Port?: number;
  /** How long to listen for answers (default 3 s); the probes are sent three times within it. */
  timeoutMs?: number;
}

/** Most printers kept from one search: a flood of answers cannot grow the list without end. */
const MAX_FOUND = 64;
/** Elegoo resin printer families (inferred from their names; the SDCP answer carries no family field). */
const RESIN_NAMES = /saturn|mars|jupiter/i;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, 128) : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** One discovery answer (SDCP or CC2) from `host`, or undefined when it is neither. */
export function parseDiscoveryAnswer(payload: Buffer, host: string): FoundPrinter | undefined {
  const parsed = parseBoundedJson(payload, { maxBytes: 8192, maxDepth: 8 });
  if (!parsed.ok) return undefined;
  const answer = record(parsed.value);
  const sdcp = record(answer?.Data);
  if (sdcp) {
    const machine = text(sdcp.MachineName);
    return {
      host,
      model: machine && RESIN_NAMES.test(machine) ? 'resin' : 'cc',
      name: text(sdcp.Name),
      machine,
      mainboardId: text(sdcp.MainboardID),
      firmware: text(sdcp.FirmwareVersion),
    };
  }
  const cc2 = record(answer?.result);
  if (cc2 && text(cc2.sn)) {
    return { host, model: 'cc2', name: text(cc2.host_name), machine: text(cc2.machine_model), mainboardId: text(cc2.sn) };
  }
  return undefined;
}

/**
 * "Find printers": broadcasts the SDCP and CC2 discovery probes and collects the answers (one per
 * printer and family). Resolves after `timeoutMs`; never rejects (a socket error ends the search early).
 */
export function discoverElegoo(options: DiscoveryOptions = {}): Promise<FoundPrinter[]> {
  const address = options.address ?? '255.255.255.255';
  const timeoutMs = options.timeoutMs ?? 3000;
  const found = new Map<string, FoundPrinter>();
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const timers: NodeJS.Timeout[] = [];
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      for (const timer of timers) clearTimeout(timer);
      socket.close();
      resolve([...found.values()]);
    };
    const send = () => {
      socket.send('M99999', options.sdcpPort ?? 3000, address, () => undefined);
      socket.send(JSON.stringify({ id: 0, method: 7000 }), options.cc2Port ?? 52700, address, () => undefined);
    };
    socket.on('error', finish);
    socket.on('message', (payload, from) => {
      const printer = parseDiscoveryAnswer(payload, from.address);
      const key = printer && `${printer.host}|${printer.model}`;
      if (!printer || !key || (found.size >= MAX_FOUND && !found.has(key))) return;
      found.set(key, printer);
    });
    socket.bind(0, () => {
      try {
        socket.setBroadcast(true);
        send();
        timers.push(setTimeout(send, timeoutMs / 3), setTimeout(send, (2 * timeoutMs) / 3), setTimeout(finish, timeoutMs));
      } catch {
        finish();
      }
    });
  });
}
