import { compact, type PrinterEvent } from '../../event';
import { RenderError } from '../errors';
import type { Preset } from './types';

/**
 * OctoEverywhere's webhook JSON (PascalCase keys, EventType as its integers). OctoEverywhere has no
 * cancel type, so a cancel is 3 (Print Failed) as it sends one; `PrintHooksType` keeps ours. Layer 2
 * (first layer done) is 10, layer 4 (third layer done) is 14, other layers are progress (6).
 * printer.online / printer.offline have no OctoEverywhere type and are refused with a clear error.
 */
function eventType(event: PrinterEvent): number {
  switch (event.type) {
    case 'print.started': return 1;
    case 'print.done': return 2;
    case 'print.failed':
    case 'print.cancelled': return 3;
    case 'print.paused': return 4;
    case 'print.resumed': return 5;
    case 'print.progress': return 6;
    case 'printer.error': return 9;
    case 'print.layer': return event.job?.layer === 2 ? 10 : event.job?.layer === 4 ? 14 : 6;
    case 'printer.attention': return /filament/i.test(event.reason ?? '') ? 11 : 12;
    case 'printer.bed_cooled': return 15;
    case 'test': return 16;
    default:
      throw new RenderError(`preset octoeverywhere: OctoEverywhere has no event type for ${event.type}; filter it out before this node`);
  }
}

export const octoeverywhere: Preset = {
  name: 'octoeverywhere',
  family: 'printer-cloud',
  fields: ['token'],
  render: ({ event, credentials }) => {
    const job = event.job;
    const body = compact({
      PrinterId: event.printer.id,
      SecretKey: credentials.token,
      PrintId: job?.id,
      EventType: eventType(event),
      PrinterName: event.printer.name,
      FileName: job?.file,
      DurationSec: job?.elapsed_s,
      Progress: typeof job?.progress === 'number' ? Math.floor(job.progress) : undefined,
      TimeRemainingSec: job?.remaining_s,
      CurrentLayer: job?.layer,
      TotalLayers: job?.layers,
      Error: event.error?.message ?? (event.type === 'print.cancelled' ? 'Print cancelled' : undefined),
      PlatformErrorCode: event.error?.code,
      PrintHooksType: event.type,
    });
    return { body, contentType: 'json' };
  },
};
