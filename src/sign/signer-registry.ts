/**
 * The hand-over between signer and sender (docs/signing.md, "Re-signing"): a signer node registers an AttemptSigner under
 * its node id; the sender looks it up from msg.webhook.signer and re-signs every attempt, so secrets
 * never reach the msg or the outbox on disk.
 */
export interface AttemptInput {
  /** The webhook id: the same on every attempt (the event id). */
  id: string;
  /** Exactly the bytes that will be sent. */
  body: Buffer;
  /** Attempt time, whole seconds since the epoch. */
  timestamp: number;
}

export interface AttemptSigner {
  /** The headers this attempt needs (signature, timestamp, id, token …). */
  sign(input: AttemptInput): Record<string, string>;
  /** Lower-case names of every header sign() can set: the outbox strips them before writing to disk. */
  readonly headerNames: readonly string[];
}

const signers = new Map<string, AttemptSigner>();

export function registerSigner(nodeId: string, signer: AttemptSigner): () => void {
  signers.set(nodeId, signer);
  return () => {
    if (signers.get(nodeId) === signer) signers.delete(nodeId);
  };
}

export function getSigner(nodeId: string): AttemptSigner | undefined {
  return signers.get(nodeId);
}
