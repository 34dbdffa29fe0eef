import { randomUUID } from 'node:crypto';
import { MqttClient } from 'mqtt';
import type { BambuState } from './merge';
import { modelFromVersion, type PrinterModel } from './model';
import { describeProblem } from './problems';
import { CheckedTlsStream, tlsOptions, type PrinterTls } from './tls-stream';

export interface ProbeOptions {
  host: string;
  port?: number;
  serial: string;
  accessCode: string;
  tls: PrinterTls;
  timeoutMs?: number;
}

export interface ProbeResult {
  ok: boolean;
  message: string;
  model?: string;
  firmware?: string;
  state?: string;
  fingerprint?: string;
}

/** "Test connection": one short MQTT session that asks for get_version and pushall and says what it found. */
export function probeBambu(options: ProbeOptions): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let fingerprint: string | undefined;
    let printer: PrinterModel = {};
    let state: BambuState | undefined;
    let done = false;
    let client: MqttClient;
    try {
      client = new MqttClient(
        () => new CheckedTlsStream(tlsOptions(options.host, options.port ?? 8883, options.serial, options.tls), options.tls, (fp) => (fingerprint = fp)),
        { clientId: `printhooks-test-${randomUUID()}`, username: 'bblp', password: options.accessCode, protocolVersion: 4, keepalive: 30, reconnectPeriod: 0, connectTimeout: options.timeoutMs ?? 8000 },
      );
    } catch (err) {
      resolve({ ok: false, message: `cannot connect: ${(err as Error).message}` });
      return;
    }
    const finish = (result: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      client.end(true);
      resolve({ ...result, fingerprint });
    };
    const summary = (): ProbeResult => {
      const gcodeState = typeof state?.gcode_state === 'string' ? state.gcode_state : undefined;
      const parts = [printer.model ? `Bambu Lab ${printer.model}` : 'Bambu Lab printer (model not reported)'];
      if (printer.firmware) parts.push(`firmware ${printer.firmware}`);
      if (gcodeState) parts.push(`state ${gcodeState}`);
      return { ok: true, message: parts.join(', '), model: printer.model, firmware: printer.firmware, state: gcodeState };
    };
    const timer = setTimeout(() => {
      if (state) finish(summary());
      else finish({ ok: false, message: 'connected, but the printer sent no report (wrong serial?)' });
    }, options.timeoutMs ?? 8000);
    client.on('error', (err) => finish({ ok: false, message: describeProblem(err).message }));
    client.on('close', () => finish({ ok: false, message: 'the printer closed the connection' }));
    client.on('connect', () => {
      client.subscribe(`device/${options.serial}/report`, { qos: 0 }, (err) => {
        if (err) return finish({ ok: false, message: `subscribe refused: ${err.message}` });
        client.publish(`device/${options.serial}/request`, JSON.stringify({ info: { sequence_id: '0', command: 'get_version' } }));
        client.publish(`device/${options.serial}/request`, JSON.stringify({ pushing: { sequence_id: '0', command: 'pushall' } }));
      });
    });
    client.on('message', (_topic, payload) => {
      try {
        const message = JSON.parse(payload.toString('utf8')) as { print?: BambuState; info?: unknown };
        if (message.info) printer = { ...printer, ...modelFromVersion(message.info) };
        if (message.print && message.print.command === 'push_status') state = message.print;
      } catch {
        return;
      }
      if (state && printer.model) finish(summary());
    });
  });
}
