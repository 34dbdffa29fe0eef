import { createHash } from 'node:crypto';
import { compact, type EventType, type PrinterEvent } from '../../event';
import { epochSeconds } from '../describe';
import { RenderError } from '../errors';
import type { Preset } from './types';

/**
 * SimplyPrint's webhook envelope `{webhook_id, event, timestamp (Unix s), data: {job}}`. SimplyPrint has
 * job and test events only; other types are refused with a clear error (filter them out first).
 * `webhook_id` is always an integer (SimplyPrint receivers expect one): the Identifier option when set,
 * else a stable number made from the printer id (docs/template.md, "simplyprint").
 */
const EVENTS: Partial<Record<EventType, string>> = {
  'print.started': 'job.started',
  'print.paused': 'job.paused',
  'print.resumed': 'job.resumed',
  'print.done': 'job.done',
  'print.failed': 'job.failed',
  'print.cancelled': 'job.cancelled',
  test: 'test',
};

const STATES: Partial<Record<EventType, string>> = {
  'print.started': 'printing',
  'print.resumed': 'printing',
  'print.paused': 'paused',
  'print.done': 'done',
  'print.failed': 'failed',
  'print.cancelled': 'cancelled',
};

function job(event: PrinterEvent): Record<string, unknown> | undefined {
  const j = event.job;
  if (!j) return undefined;
  const started = j.started_at ? epochSeconds(j.started_at) : undefined;
  const terminal = event.type === 'print.done' || event.type === 'print.failed' || event.type === 'print.cancelled';
  return compact({
    id: j.id,
    uid: j.id,
    state: STATES[event.type],
    file: j.file,
    percentage: typeof j.progress === 'number' ? Math.floor(j.progress) : undefined,
    time_left: j.remaining_s,
    current_layer: j.layer,
    analysis: typeof j.layers === 'number' ? { totalLayers: j.layers } : undefined,
    started,
    ended: terminal ? epochSeconds(event.time) : undefined,
    duration: j.elapsed_s,
    printer_id: event.printer.id,
    printer: { id: event.printer.id, name: event.printer.name },
  });
}

/** A positive 31-bit integer from the SHA-256 of the printer id: the same printer, the same id, every time. */
export function defaultWebhookId(printerId: string): number {
  const digest = createHash('sha256').update(`printhooks-simplyprint:${printerId}`).digest();
  return (digest.readUInt32BE(0) % 2_147_483_646) + 1;
}

/** The Identifier option as SimplyPrint's webhook_id: a positive integer, or empty. */
function identifierProblem(identifier: string | undefined): string | undefined {
  if (!identifier) return undefined;
  const id = Number(identifier);
  return /^\d+$/.test(identifier) && Number.isSafeInteger(id) && id > 0 ? undefined : `SimplyPrint's webhook_id is a positive integer such as 42, not ${JSON.stringify(identifier)}; leave it empty for a stable number made from the printer id`;
}

export const simplyprint: Preset = {
  name: 'simplyprint',
  family: 'printer-cloud',
  fields: ['identifier'],
  checkOptions: (options) => {
    const problem = identifierProblem(options.identifier);
    return problem ? { field: 'identifier', problem } : undefined;
  },
  render: ({ event, options }) => {
    const name = EVENTS[event.type];
    if (!name) throw new RenderError(`preset simplyprint: SimplyPrint has no event for ${event.type}; filter it out before this node`);
    const j = job(event);
    const body = compact({
      webhook_id: options.identifier && !identifierProblem(options.identifier) ? Number(options.identifier) : defaultWebhookId(String(event.printer.id)),
      event: name,
      timestamp: epochSeconds(event.time),
      data: j ? { job: j } : {},
    });
    return { body, contentType: 'json' };
  },
};
