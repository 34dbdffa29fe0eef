import type { NodeAPI } from 'node-red';

/** What the editor sends for a password field the user did not touch. */
const UNCHANGED_PASSWORD = '__PWRD__';

/**
 * The secret a "Test connection" request should use: the one typed in the editor, or, when the field
 * is empty or unchanged (the editor never sends a stored secret back), the one stored for the deployed
 * config node `body.id`, only if that node is of `type`. Empty string when there is none.
 */
export function typedOrStoredSecret(RED: NodeAPI, body: Record<string, unknown>, field: string, type: string): string {
  const typed = typeof body[field] === 'string' ? (body[field] as string).trim() : '';
  if (typed !== '' && typed !== UNCHANGED_PASSWORD) return typed;
  const id = body.id;
  if (typeof id !== 'string' || id === '' || RED.nodes.getNode(id)?.type !== type) return '';
  const nodes = RED.nodes as unknown as { getCredentials(id: string): Record<string, unknown> | undefined };
  const stored = nodes.getCredentials(id)?.[field];
  return typeof stored === 'string' ? stored.trim() : '';
}
