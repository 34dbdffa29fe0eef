import type { Preset } from './presets';

/**
 * The status a chat or push preset shows for a progress or layer event that no filter thinned (issue 15,
 * docs/template.md "Progress into a chat"): every percent or layer would be one message. A printhooks-filter
 * that thinned the event (milestones, time step, remaining below) marks the msg with `thinned: true`.
 */
export function unthinnedWarning(preset: Preset | undefined, msg: Record<string, unknown>, eventType: unknown): string | undefined {
  if (!preset || (preset.family !== 'chat' && preset.family !== 'push')) return undefined;
  if (msg.thinned === true) return undefined;
  if (eventType === 'print.progress') return 'progress unthinned: set milestones on the filter';
  if (eventType === 'print.layer') return 'layers unthinned: set a time step on the filter';
  return undefined;
}
