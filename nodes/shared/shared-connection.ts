import type { Node } from 'node-red';

export interface StartStop {
  start(): void;
  stop(): Promise<void>;
}

/**
 * A config node's connection shared by its users, as core MQTT's broker node does it: the first
 * user to register opens it, the last one to leave (or the config node's close) stops it.
 */
export function shareConnection(
  owner: Node & { register?: (user: Node) => void; deregister?: (user: Node, done: () => void) => void },
  connection: () => StartStop | undefined,
  onClose: () => void = () => undefined,
): void {
  const users = new Set<Node>();
  const stop = (done: () => void): void => {
    const current = connection();
    if (!current) return done();
    current.stop().then(done, done);
  };
  owner.register = (user: Node) => {
    users.add(user);
    if (users.size === 1) connection()?.start();
  };
  owner.deregister = (user: Node, done: () => void) => {
    users.delete(user);
    if (users.size > 0) return done();
    stop(done);
  };
  owner.on('close', (_removed: boolean, done: () => void) => {
    users.clear();
    onClose();
    stop(done);
  });
}
