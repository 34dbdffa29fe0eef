import { buildEvent, type EventParts, type PrinterEvent } from '../../../src/event';
import { parseTemplateConfig, renderTemplate, type RawTemplateConfig, type RenderDeps, type Rendered } from '../../../src/template';
import type { PresetCredentials } from '../../../src/template/presets';

export const TIME = '2026-11-23T18:00:00.000Z';

export function event(parts: Partial<EventParts> = {}): PrinterEvent {
  return buildEvent({
    type: 'print.done',
    time: TIME,
    printer: { id: 'p1', name: 'Ender 3', kind: 'octoprint' },
    job: { id: 'j1', file: 'benchy.gcode', progress: 100, elapsed_s: 7980, remaining_s: 0, layer: 140, layers: 140, started_at: '2026-11-23T15:47:00.000Z' },
    ...parts,
  });
}

export async function render(
  raw: RawTemplateConfig,
  msg: Record<string, unknown>,
  credentials: PresetCredentials = {},
  deps: Partial<RenderDeps> = {},
): Promise<Rendered> {
  return renderTemplate(parseTemplateConfig(raw, credentials), msg, { credentials, secretOwner: OWNER, ...deps });
}

/** The node id the template tests render as: credentials become secret references issued for it. */
export const OWNER = 'tpl-1';

/** Renders a custom JSON body against an event and returns the body. */
export async function body(template: unknown, ev: unknown, extra: RawTemplateConfig = {}): Promise<unknown> {
  const out = await render({ preset: 'custom', body: typeof template === 'string' ? template : JSON.stringify(template), ...extra }, { payload: ev });
  return out.payload;
}
