/**
 * host:port of a Node.js socket error (`address`/`port`, or `hostname` for a failed lookup), when it says:
 * the "where" a source's unreachable status names after the cause ("connection refused: 127.0.0.1:3030").
 */
export function errorTarget(error: unknown): string | undefined {
  const e = (error ?? {}) as { address?: unknown; hostname?: unknown; port?: unknown };
  const host = typeof e.address === 'string' && e.address !== '' ? e.address : typeof e.hostname === 'string' && e.hostname !== '' ? e.hostname : undefined;
  if (host === undefined || host.length > 255 || /[\s()]/.test(host)) return undefined;
  const shown = host.includes(':') ? `[${host}]` : host;
  return typeof e.port === 'number' && Number.isInteger(e.port) ? `${shown}:${e.port}` : shown;
}

/** "unreachable (ECONNREFUSED 127.0.0.1:3030)", or "unreachable (ECONNREFUSED)" when the error does not say where. */
export function unreachableText(code: string, error: unknown): string {
  const target = errorTarget(error);
  return `unreachable (${code}${target ? ` ${target}` : ''})`;
}
