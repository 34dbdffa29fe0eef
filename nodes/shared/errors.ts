import type { Node } from 'node-red';
import { shortStatus as statusText } from '../../src/sources/status';

/** Turns anything thrown into an Error with a message. */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === 'string' ? value : JSON.stringify(value));
}

/** Short status text that leads with the cause (the node's name, syscall names and later sentences dropped). */
export { shortStatus as statusText } from '../../src/sources/status';

/**
 * The one path for a node's runtime error on a msg (docs/layout.md): red status, then done(err),
 * which logs it once and reaches Catch nodes.
 */
export function failMsg(node: Node, error: unknown, done: (err?: Error) => void): void {
  const err = toError(error);
  node.status({ fill: 'red', shape: 'dot', text: statusText(err.message) });
  done(err);
}

/** A configuration problem found at deploy: red ring status and one error log line; the node stays deployed. */
export function reportConfigError(node: Node, message: string): void {
  node.status({ fill: 'red', shape: 'ring', text: statusText(message) });
  node.error(message);
}
