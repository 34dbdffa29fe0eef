import type { EventType } from '../event';

/**
 * How the filter's dialog groups the event types (docs/filter.md, "Event groups"); generated into the
 * editor lists. Every type is in exactly one group (test/core/filter/time-thinning.spec.ts).
 */
export interface EventGroup {
  /** The catalog key of the group's label (`printhooks-filter.event.<key>`). */
  key: string;
  /** The label when the catalog has none. */
  label: string;
  types: readonly EventType[];
}

export const EVENT_GROUPS: readonly EventGroup[] = [
  { key: 'groupLifecycle', label: 'Print lifecycle', types: ['print.started', 'print.paused', 'print.resumed', 'print.done', 'print.failed', 'print.cancelled'] },
  { key: 'groupProgress', label: 'Print progress', types: ['print.progress', 'print.layer'] },
  { key: 'groupState', label: 'Printer state', types: ['printer.error', 'printer.attention', 'printer.online', 'printer.offline', 'printer.bed_cooled'] },
  { key: 'groupInformation', label: 'Printer information', types: ['printer.message', 'printer.material_changed', 'printer.nozzle_changed', 'printer.maintenance_due'] },
  { key: 'groupTest', label: 'Test', types: ['test'] },
];

/**
 * The types a NEW filter lets through (issue 15, "defaults that fit a chat"): the job's lifecycle, errors,
 * attention and the test button; progress, layers and the rest only when ticked. Saved filters keep their
 * own list (an empty list still passes every type).
 */
export const CHAT_DEFAULT_EVENTS: readonly EventType[] = [...groupTypes('groupLifecycle'), 'printer.error', 'printer.attention', 'test'];

function groupTypes(key: string): readonly EventType[] {
  return EVENT_GROUPS.find((group) => group.key === key)?.types ?? [];
}
