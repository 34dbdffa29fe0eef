import { randomUUID } from 'node:crypto';
import { MqttClient } from 'mqtt';
import { probeFailure, type ProbeProblem, type ProbeResult } from '../probe-result';
import { networkWords, reachable, tlsFailure } from '../probe-wording';
import type { BambuState } from './merge';
import { modelFromVersion, type PrinterModel } from './model';
import { describeProblem, type LinkProblem } from './problems';
import { CheckedTlsStream, tlsOptions, type PrinterTls } from './tls-stream';

export interface ProbeOptions {
  host: string;
  port?: number;
  serial: string;
  accessCode: string;
  tls: PrinterTls;
  timeoutMs?: number;
}

/** A certificate that does not match the pin is a TLS problem to the editor. */
function probeProblem(problem: LinkProblem): ProbeProblem {
  return problem === 'pin' ? 'tls' : problem;
}

/**
 * A failure in words that lead with the cause: TLS in words (never OpenSSL's text), the pin mismatch with
 * the two fingerprints it names, a network code in words.
 */
function failureWords(problem: LinkProblem, message: string, error: unknown): string {
  if (problem === 'pin') return `${tlsFailure(error)} (${message.replace(/^certificate changed \(|\)$/g, '')})`;
  if (problem === 'tls') return tlsFailure(error);
  if (problem === 'unreachable') return networkWords(message);
  return message;
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
      resolve(probeFailure('config', `cannot connect: ${(err as Error).message}`));
      return;
    }
    const finish = (result: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.removeAllListeners('error');
      client.on('error', () => undefined);
      client.end(true);
      resolve(fingerprint === undefined ? result : { ...result, fingerprint });
    };
    const summary = (): ProbeResult => {
      const gcodeState = typeof state?.gcode_state === 'string' ? state.gcode_state : undefined;
      const platform = printer.model ? `Bambu Lab ${printer.model}` : 'Bambu Lab printer (model not reported)';
      // the broker accepted the access code (CONNACK) before any report arrived
      return reachable({ platform, version: printer.firmware, firmware: true, state: gcodeState, model: printer.model, auth: 'ok' });
    };
    const timer = setTimeout(() => {
      if (state) finish(summary());
      else finish(probeFailure('timeout', 'no report from the printer after connecting: check the serial number'));
    }, options.timeoutMs ?? 8000);
    client.on('error', (err) => {
      const { problem, message } = describeProblem(err);
      finish(probeFailure(probeProblem(problem), failureWords(problem, message, err)));
    });
    client.on('close', () => finish(probeFailure('protocol', 'the printer closed the connection')));
    client.on('connect', () => {
      client.subscribe(`device/${options.serial}/report`, { qos: 0 }, (err) => {
        if (err) return finish(probeFailure('protocol', `subscribe refused: ${err.message}`));
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
