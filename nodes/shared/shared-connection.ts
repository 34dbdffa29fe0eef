import type { Node } from 'node-red';

export interface StartStop {
  start(): void;
  stop(): Promise<void>;
}

export interface ShareHooks<U extends Node> {
  /** A user registered (e.g. show it the current status). */
  onRegister?: (user: U) => void;
  /** The config node closes, before its connection is stopped. */
  onClose?: () => void;
}

/**
 * A config node's connection shared by its users, as core MQTT's broker node does it: the first
 * user to register opens it, the last one to leave (or the config node's close) stops it.
 * Returns the registered users, for config nodes that fan events out to them.
 */
export function shareConnection<U extends Node = Node>(
  owner: Node & { register?: (user: U) => void; deregister?: (user: U, done: () => void) => void },
  connection: () => StartStop | undefined,
  hooks: ShareHooks<U> = {},
): ReadonlySet<U> {
  const users = new Set<U>();
  const stop = (done: () => void): void => {
    const current = connection();
    if (!current) return done();
    current.stop().then(done, done);
  };
  owner.register = (user: U) => {
    users.add(user);
    if (users.size === 1) connection()?.start();
    hooks.onRegister?.(user);
  };
  owner.deregister = (user: U, done: () => void) => {
    users.delete(user);
    if (users.size > 0) return done();
    stop(done);
  };
  owner.on('close', (_removed: boolean, done: () => void) => {
    users.clear();
    hooks.onClose?.();
    stop(done);
  });
  return users;
}
