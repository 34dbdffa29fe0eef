import { compact } from '../../event';
import { summary } from '../describe';
import type { Preset } from './types';

/**
 * A flat JSON body for a Home Assistant webhook trigger, so automations read `trigger.json.file`,
 * `trigger.json.event` … directly (JSON content type gives `trigger.json`).
 */
export const homeAssistant: Preset = {
  name: 'home-assistant',
  family: 'home-automation',
  fields: [],
  render: ({ event }) => {
    const job = event.job;
    return {
      body: compact({
        event: event.type,
        id: event.id,
        time: event.time,
        printer: event.printer.name,
        printer_id: event.printer.id,
        printer_kind: event.printer.kind,
        file: job?.file,
        progress: job?.progress,
        layer: job?.layer,
        layers: job?.layers,
        elapsed_s: job?.elapsed_s,
        remaining_s: job?.remaining_s,
        error: event.error?.message,
        error_code: event.error?.code,
        reason: event.reason,
        printer_message: event.message?.text,
        material_type: event.material?.type,
        material_color: event.material?.color,
        material_tray: event.material?.tray,
        material_name: event.material?.name,
        nozzle_diameter: event.nozzle?.diameter,
        nozzle_type: event.nozzle?.type,
        maintenance_task: event.maintenance?.task,
        maintenance_counter: event.maintenance?.counter,
        maintenance_every: event.maintenance?.every,
        maintenance_value: event.maintenance?.value,
        message: summary(event),
      }),
      contentType: 'json',
    };
  },
};
