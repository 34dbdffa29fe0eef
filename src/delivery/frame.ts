import { crc32 } from './crc32';

/**
 * One record of the outbox log: [u32 body length][u32 crc32 of type+body][u8 type][body].
 * A record whose length runs past the end of the file or whose checksum fails is torn (a crash or
 * power loss mid-write) and ends the log.
 */
export const FRAME_HEADER = 9;
/** A length above this is garbage, not a record. */
export const MAX_FRAME_BODY = 64 * 1024 * 1024;

/** Builds a frame whose body `fill` writes in place (no intermediate body buffer). */
export function buildFrame(type: number, bodyLength: number, fill: (out: Buffer, at: number) => void): Buffer {
  const out = Buffer.allocUnsafeSlow(FRAME_HEADER + bodyLength);
  out.writeUInt32LE(bodyLength, 0);
  out.writeUInt8(type, 8);
  fill(out, FRAME_HEADER);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

export function encodeFrame(type: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(FRAME_HEADER + body.length);
  out.writeUInt32LE(body.length, 0);
  out.writeUInt8(type, 8);
  body.copy(out, FRAME_HEADER);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

export type FrameRead =
  | { kind: 'frame'; type: number; body: Buffer; size: number }
  | { kind: 'short' }
  | { kind: 'corrupt' };

/** Reads the frame at `offset` of `buf`; 'short' means more bytes are needed (or, at end of file, a torn record). */
export function readFrame(buf: Buffer, offset: number): FrameRead {
  if (buf.length - offset < FRAME_HEADER) return { kind: 'short' };
  const length = buf.readUInt32LE(offset);
  if (length > MAX_FRAME_BODY) return { kind: 'corrupt' };
  const size = FRAME_HEADER + length;
  if (buf.length - offset < size) return { kind: 'short' };
  const crc = buf.readUInt32LE(offset + 4);
  if (crc32(buf.subarray(offset + 8, offset + size)) !== crc) return { kind: 'corrupt' };
  return { kind: 'frame', type: buf[offset + 8], body: buf.subarray(offset + FRAME_HEADER, offset + size), size };
}
