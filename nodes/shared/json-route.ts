import type { Request, RequestHandler, Response } from 'express';
import { toError } from './errors';

/**
 * An admin route that always answers JSON (docs/delivery.md, "Editor / admin endpoints"): a throw or a
 * rejected promise becomes `500 {error: "<what> failed: <message>"}`, never Express's HTML error page
 * (which also shows the stack). The editor reads `error` and shows it.
 */
export function jsonRoute(what: string, handler: (req: Request, res: Response) => void | Promise<void>): RequestHandler {
  return (req, res) => {
    const fail = (error: unknown): void => {
      if (res.headersSent) return;
      res.status(500).json({ error: `${what} failed: ${toError(error).message}` });
    };
    try {
      const answer = handler(req, res);
      if (answer instanceof Promise) answer.catch(fail);
    } catch (error) {
      fail(error);
    }
  };
}

/** The string fields of a request body: anything else (an object with a hostile toString) is left out. */
export function textFieldsOf(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return out;
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') out[key] = value;
  return out;
}
