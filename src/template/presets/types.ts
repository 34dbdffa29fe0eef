import type { PrinterEvent } from '../../event';
import type { ContentType } from '../encode';

/** The node's preset options (editor fields) and credentials, as a preset sees them. */
export interface PresetOptions {
  /** Telegram chat_id, ntfy topic, Pushover device. */
  recipient?: string;
  /** A link shown with the notification (ntfy click, Pushover url, Discord/Slack title link). */
  link?: string;
  /** OctoPrint-Webhooks deviceIdentifier, SimplyPrint webhook_id. */
  identifier?: string;
  /** Attach the printer's snapshot (presets with `snapshotLimit` only). */
  snapshot?: boolean;
}

export interface PresetCredentials {
  token?: string;
  user?: string;
}

export interface PresetInput {
  event: PrinterEvent;
  options: PresetOptions;
  credentials: PresetCredentials;
  /** The printer's JPEG when the snapshot option is on and one could be had within the preset's limit. */
  snapshot?: Buffer;
}

export interface PresetOutput {
  body: unknown;
  contentType: ContentType;
  headers?: Record<string, string>;
}

/** The dialog rows a preset can use: its options and its credentials. */
export const PRESET_FIELDS = ['recipient', 'link', 'identifier', 'token', 'user', 'snapshot'] as const;
export type PresetField = (typeof PRESET_FIELDS)[number];

export type PresetFamily = 'canonical' | 'printer-cloud' | 'chat' | 'push' | 'home-automation';

export interface Preset {
  name: string;
  family: PresetFamily;
  /** Every option and credential the preset reads (the editor shows these rows); `requires` is a subset. */
  fields: readonly PresetField[];
  /** A URL template used when the node's `url` is empty (e.g. Telegram's bot URL). */
  defaultUrl?: string;
  /** Options and credentials without which the preset cannot work: checked at deploy. */
  requires?: ('recipient' | 'identifier' | 'token' | 'user')[];
  /** Largest snapshot in bytes the target accepts; set only by presets that can attach one. */
  snapshotLimit?: number;
  /** A problem with the options that shows at deploy (the field and what to do), or undefined. */
  checkOptions?(options: PresetOptions): { field: PresetField; problem: string } | undefined;
  render(input: PresetInput): PresetOutput;
}
