import { connect } from 'node:tls';
import { cameraKind } from './model';
import { checkPin, tlsOptions, type PrinterTls } from './tls-stream';

export interface CameraOptions {
  host: string;
  serial: string;
  accessCode: string;
  tls: PrinterTls;
  model?: string;
  /** Default 6000. */
  port?: number;
  timeoutMs?: number;
}

const JPEG_START = Buffer.from([0xff, 0xd8]);
const JPEG_END = Buffer.from([0xff, 0xd9]);
const MAX_FRAME = 8 * 1024 * 1024;

/** The 80-byte login the P1/A1 camera port expects: 0x40, 0x3000, 0, 0, user and access code NUL-padded to 32 bytes. */
export function cameraAuthPacket(accessCode: string): Buffer {
  const packet = Buffer.alloc(80);
  packet.writeUInt32LE(0x40, 0);
  packet.writeUInt32LE(0x3000, 4);
  packet.write('bblp', 16, 32, 'ascii');
  packet.write(accessCode, 48, 32, 'ascii');
  return packet;
}

/**
 * One JPEG frame from a P1/A1/A2L camera (TLS port 6000: 16-byte header with the frame size, then the
 * JPEG). X1/H2/P2S/X2D cameras only stream RTSPS, which needs a video decoder: they give no snapshot.
 */
export function fetchBambuSnapshot(options: CameraOptions): Promise<Buffer> {
  if (cameraKind(options.model) === 'rtsps') {
    return Promise.reject(new Error(`the ${options.model} camera only streams RTSPS (no JPEG snapshot port); snapshots need a P1, A1 or A2L`));
  }
  return new Promise((resolve, reject) => {
    const socket = connect(tlsOptions(options.host, options.port ?? 6000, options.serial, options.tls));
    let buffered = Buffer.alloc(0);
    let settled = false;
    const finish = (err: Error | undefined, frame?: Buffer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(frame as Buffer);
    };
    const timer = setTimeout(() => finish(new Error('camera: no frame in time')), options.timeoutMs ?? 10_000);
    socket.once('secureConnect', () => {
      try {
        checkPin(socket.getPeerCertificate(), options.tls);
      } catch (err) {
        finish(err as Error);
        return;
      }
      socket.write(cameraAuthPacket(options.accessCode));
    });
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length < 16) return;
      const size = buffered.readUInt32LE(0);
      if (size === 0 || size > MAX_FRAME) return finish(new Error(`camera: bad frame size ${size}`));
      if (buffered.length < 16 + size) return;
      const frame = buffered.subarray(16, 16 + size);
      if (!frame.subarray(0, 2).equals(JPEG_START) || !frame.subarray(size - 2).equals(JPEG_END)) {
        return finish(new Error('camera: the frame is not a JPEG image'));
      }
      finish(undefined, Buffer.from(frame));
    });
    socket.on('end', () => finish(new Error(buffered.length === 0 ? 'camera: access code rejected (connection closed without a frame)' : 'camera: connection closed mid-frame')));
    socket.on('error', (err) => finish(new Error(`camera: ${err.message}`)));
  });
}
