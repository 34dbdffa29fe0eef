import { canonical } from './canonical';
import { discord } from './discord';
import { gotify } from './gotify';
import { homeAssistant } from './home-assistant';
import { ifttt } from './ifttt';
import { ntfy } from './ntfy';
import { octoeverywhere } from './octoeverywhere';
import { octoprintWebhooks } from './octoprint-webhooks';
import { pushover } from './pushover';
import { simplyprint } from './simplyprint';
import { slack } from './slack';
import { standardWebhooks } from './standard-webhooks';
import { teams } from './teams';
import { telegram } from './telegram';
import type { Preset, PresetField } from './types';

export { PRESET_FIELDS } from './types';
export type { Preset, PresetCredentials, PresetField, PresetInput, PresetOptions, PresetOutput } from './types';

/** Every preset by name (docs/template.md); `custom` is the user's own template, handled by the renderer. */
export const PRESETS: ReadonlyMap<string, Preset> = new Map(
  [canonical, standardWebhooks, octoprintWebhooks, octoeverywhere, simplyprint, discord, slack, teams, ntfy, telegram, pushover, gotify, homeAssistant, ifttt].map((p) => [p.name, p]),
);

export const PRESET_NAMES: readonly string[] = [...PRESETS.keys(), 'custom'];

/** The custom template reaches its credentials through {{$token}} and {{$user}}. */
export const CUSTOM_FIELDS: readonly PresetField[] = ['token', 'user'];

export function getPreset(name: string): Preset | undefined {
  return PRESETS.get(name);
}
