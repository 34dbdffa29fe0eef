/** Printer objects every source needs, subscribed with all fields (docs/moonraker.md, "Connection"). */
export const CORE_OBJECTS = [
  'print_stats',
  'virtual_sdcard',
  'display_status',
  'webhooks',
  'pause_resume',
  'idle_timeout',
  'extruder',
  'heater_bed',
] as const;

export const TIMELAPSE_MACRO = 'gcode_macro TIMELAPSE_TAKE_FRAME';

export function isFilamentSensor(name: string): boolean {
  return name.startsWith('filament_switch_sensor ') || name.startsWith('filament_motion_sensor ');
}

/**
 * The subscribe request for the objects Klippy has loaded: the core set (only those present, when the
 * list is known), filament sensors, and the timelapse macro whose is_paused marks its own pauses.
 */
export function subscriptionFor(loaded: readonly string[] | undefined): Record<string, null> {
  const objects: Record<string, null> = {};
  const present = loaded ? new Set(loaded) : undefined;
  for (const name of CORE_OBJECTS) {
    if (!present || present.has(name)) objects[name] = null;
  }
  for (const name of loaded ?? []) {
    if (isFilamentSensor(name) || name === TIMELAPSE_MACRO) objects[name] = null;
  }
  return objects;
}
