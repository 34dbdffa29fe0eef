/**
 * The one serialisation of a webhook body (docs/signing.md, "One serialisation"): objects become JSON once, strings and Buffers
 * are kept as they are. `payload` is what goes back into msg.payload; `bytes` is what is signed and sent.
 */
export interface SerialisedBody {
  payload: string | Buffer;
  bytes: Buffer;
}

export function serialiseBody(payload: unknown): SerialisedBody {
  if (Buffer.isBuffer(payload)) return { payload, bytes: payload };
  if (typeof payload === 'string') return { payload, bytes: Buffer.from(payload, 'utf8') };
  if (payload !== null && typeof payload === 'object') {
    let text: string | undefined;
    try {
      text = JSON.stringify(payload);
    } catch (err) {
      throw new TypeError(`msg.payload cannot be serialised as JSON: ${(err as Error).message}`);
    }
    if (typeof text !== 'string') throw new TypeError('msg.payload cannot be serialised as JSON (its toJSON returned nothing)');
    return { payload: text, bytes: Buffer.from(text, 'utf8') };
  }
  const kind = payload === null ? 'null' : typeof payload;
  throw new TypeError(`msg.payload must be a string, a Buffer or an object to sign (got ${kind})`);
}
