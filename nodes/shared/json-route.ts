import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { NodeAPI } from 'node-red';
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

/**
 * Errors raised before a route runs (Node-RED's body parser refusing malformed JSON or a body too
 * large) reach Express's HTML error page; this handler answers them as JSON for the admin paths
 * under `/<type>/`. Registered once per node type, after Node-RED's own middleware.
 */
export function answerAdminErrorsAsJson(RED: NodeAPI, type: string): void {
  const handler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    const status = (error as { status?: unknown }).status;
    res.status(typeof status === 'number' && status >= 400 && status < 600 ? status : 500).json({ error: `request refused: ${toError(error).message}` });
  };
  RED.httpAdmin.use(`/${type}/`, handler);
}
