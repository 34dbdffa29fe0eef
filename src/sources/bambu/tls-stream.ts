import { Duplex } from 'node:stream';
import { connect, type ConnectionOptions, type PeerCertificate, type TLSSocket } from 'node:tls';
import { normalizeFingerprint } from './fingerprint';

export type TlsMode = 'pin' | 'ca' | 'insecure';

export interface PrinterTls {
  mode: TlsMode;
  /** The CA PEM for `ca`. */
  ca?: string;
  /** The fingerprint a `pin` connection must present; undefined = accept and report the one seen. */
  expected?: () => string | undefined;
}

export class TlsProblem extends Error {
  constructor(
    readonly code: 'ERR_BAMBU_PIN_MISMATCH' | 'ERR_BAMBU_TLS',
    message: string,
    readonly seen?: string,
  ) {
    super(message);
    this.name = 'TlsProblem';
  }
}

/** Node's TLS options for a printer: its certificate's CN is the serial, so `ca` checks against servername = serial. */
export function tlsOptions(host: string, port: number, serial: string, tls: PrinterTls): ConnectionOptions {
  const base: ConnectionOptions = { host, port, minVersion: 'TLSv1.2' };
  if (tls.mode === 'ca') return { ...base, ca: tls.ca, servername: serial, rejectUnauthorized: true };
  return { ...base, rejectUnauthorized: false };
}

/** Checks the certificate a printer presented against a pin; returns the fingerprint seen. */
export function checkPin(cert: PeerCertificate | undefined, tls: PrinterTls): string {
  const seen = normalizeFingerprint(cert?.fingerprint256);
  if (!seen) throw new TlsProblem('ERR_BAMBU_TLS', 'the printer presented no certificate');
  if (tls.mode !== 'pin') return seen;
  const expected = tls.expected?.();
  if (expected && expected !== seen) {
    throw new TlsProblem('ERR_BAMBU_PIN_MISMATCH', `certificate changed (pinned ${expected.slice(0, 11)}…, got ${seen.slice(0, 11)}…)`, seen);
  }
  return seen;
}

/**
 * A TLS connection that holds back everything written to it until the printer's certificate passed the
 * check, so the access code inside MQTT CONNECT never reaches a printer whose pin does not match.
 */
export class CheckedTlsStream extends Duplex {
  readonly socket: TLSSocket;
  fingerprint: string | undefined;
  private verified = false;
  private pending: Array<{ chunk: Buffer; callback: (err?: Error | null) => void }> = [];

  constructor(options: ConnectionOptions, tls: PrinterTls, onFingerprint?: (fingerprint: string) => void) {
    super();
    this.socket = connect(options);
    this.socket.once('secureConnect', () => {
      try {
        this.fingerprint = checkPin(this.socket.getPeerCertificate(), tls);
        onFingerprint?.(this.fingerprint);
      } catch (err) {
        this.destroy(err as Error);
        return;
      }
      this.verified = true;
      const queued = this.pending;
      this.pending = [];
      for (const { chunk, callback } of queued) this.socket.write(chunk, callback);
    });
    this.socket.on('data', (data: Buffer) => {
      if (!this.push(data)) this.socket.pause();
    });
    this.socket.on('end', () => this.push(null));
    this.socket.on('error', (err) => this.destroy(err));
    this.socket.on('close', () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    if (this.verified) this.socket.write(chunk, callback);
    else this.pending.push({ chunk, callback });
  }

  override _final(callback: (err?: Error | null) => void): void {
    this.socket.end(() => callback());
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    for (const { callback: cb } of this.pending) cb(err ?? new Error('connection closed'));
    this.pending = [];
    this.socket.destroy();
    callback(err);
  }
}
