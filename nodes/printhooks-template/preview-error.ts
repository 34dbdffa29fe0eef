/** What JSONata throws: a plain object (not an Error) whose `stack` names files of the server. */
interface JsonataError {
  code: string;
  message: string;
  position?: number;
  token?: unknown;
}

function isJsonataError(err: unknown): err is JsonataError {
  return typeof err === 'object' && err !== null && typeof (err as JsonataError).code === 'string' && typeof (err as JsonataError).message === 'string';
}

/** A JSONata mistake in words with the character it is at ("Expected ")" … (at character 9)"), else undefined. */
export function jsonataProblem(err: unknown): string | undefined {
  if (!isJsonataError(err)) return undefined;
  const token = typeof err.token === 'string' && /^[\w$]+$/.test(err.token) && !err.message.includes(err.token) ? `: ${err.token}` : '';
  const where = typeof err.position === 'number' ? ` (at character ${err.position})` : '';
  return `${err.message}${token}${where}`;
}

/**
 * The one line the template dialog's preview shows for a failed render: a JSONata mistake with the
 * character it is at, anything else by the first line of its message (our own errors carry no paths).
 * Never a stack.
 */
export function previewError(err: unknown): string {
  const jsonata = jsonataProblem(err);
  if (jsonata) return `JSONata: ${jsonata}`;
  const message = err instanceof Error ? err.message : typeof err === 'string' ? err : typeof (err as { message?: unknown })?.message === 'string' ? (err as { message: string }).message : 'the template could not be rendered';
  return message.split('\n')[0].trim();
}
