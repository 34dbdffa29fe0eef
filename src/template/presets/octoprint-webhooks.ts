import { compact, type EventType, type PrinterEvent } from '../../event';
import { epochSeconds, summary } from '../describe';
import type { Preset } from './types';

/**
 * A drop-in body for receivers written for the OctoPrint-Webhooks plugin: its default data keys
 * (deviceIdentifier, apiSecret, topic, message, extra, state, job, progress, currentTime,
 * percentCompleteMilestone) with OctoPrint-shaped state/job/progress objects. Types the plugin has no
 * topic for keep ours in `extra.event`; a cancel is "Print Cancelled", never "Print Failed".
 */
const TOPICS: Partial<Record<EventType, string>> = {
  'print.started': 'Print Started',
  'print.done': 'Print Done',
  'print.failed': 'Print Failed',
  'print.cancelled': 'Print Cancelled',
  'print.paused': 'Print Paused',
  'print.resumed': 'Print Resumed',
  'print.progress': 'Print Progress',
  'printer.attention': 'User Action Needed',
  'printer.error': 'Error',
};

const STATE_TEXT: Partial<Record<EventType, string>> = {
  'print.started': 'Printing',
  'print.progress': 'Printing',
  'print.layer': 'Printing',
  'print.resumed': 'Printing',
  'print.paused': 'Paused',
  'printer.attention': 'Paused',
  'print.done': 'Operational',
  'print.cancelled': 'Operational',
  'print.failed': 'Error',
  'printer.error': 'Error',
  'printer.offline': 'Offline',
};

function state(event: PrinterEvent): Record<string, unknown> {
  const text = STATE_TEXT[event.type] ?? 'Operational';
  return {
    text,
    flags: {
      operational: text !== 'Offline' && text !== 'Error',
      printing: text === 'Printing',
      paused: text === 'Paused',
      error: text === 'Error',
      closedOrError: text === 'Offline' || text === 'Error',
      ready: text === 'Operational',
    },
  };
}

export const octoprintWebhooks: Preset = {
  name: 'octoprint-webhooks',
  family: 'printer-cloud',
  fields: ['identifier', 'token'],
  render: ({ event, options, credentials }) => {
    const job = event.job;
    const extra: Record<string, unknown> = compact({ event: event.type, id: event.id, reason: event.reason, printer: event.printer.name });
    if (event.error) extra.error = event.error.message;
    // the printer-information events have no plugin topic: they are "Custom Event" with their facts in extra
    if (event.message) extra.printerMessage = event.message.text;
    if (event.material) extra.material = { ...event.material };
    if (event.nozzle) extra.nozzle = { ...event.nozzle };
    if (event.maintenance) extra.maintenance = { ...event.maintenance };
    const body: Record<string, unknown> = {
      deviceIdentifier: options.identifier || event.printer.name,
      apiSecret: credentials.token ?? '',
      topic: TOPICS[event.type] ?? 'Custom Event',
      message: summary(event),
      extra,
      state: state(event),
      job: job ? compact({ file: compact({ name: job.file, path: job.file, origin: 'local' }), estimatedPrintTime: estimate(event) }) : { file: {} },
      progress: job ? compact({ completion: job.progress, printTime: job.elapsed_s, printTimeLeft: job.remaining_s }) : {},
      currentTime: epochSeconds(event.time),
    };
    if (event.type === 'print.progress' && typeof job?.progress === 'number') body.percentCompleteMilestone = Math.floor(job.progress);
    return { body, contentType: 'json' };
  },
};

function estimate(event: PrinterEvent): number | undefined {
  const job = event.job;
  if (typeof job?.elapsed_s === 'number' && typeof job.remaining_s === 'number') return job.elapsed_s + job.remaining_s;
  return undefined;
}
