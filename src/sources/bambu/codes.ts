import type { ErrorSeverity, EventError } from '../../event';
import { HMS_TEXTS, PRINT_ERROR_TEXTS } from './error-texts';

/** One entry of a report's `hms` list; newer firmware adds fields such as ts_boot / ts_unix. */
export interface HmsEntry {
  attr: number;
  code: number;
}

/** Bambu's own HMS severity names (code >> 16). */
export type HmsSeverity = 'fatal' | 'serious' | 'common' | 'info' | 'unknown';

/** print_error / fail_reason values that mean "the user cancelled", not a fault. */
export const CANCEL_CODES: ReadonlySet<string> = new Set(['0300_400C', '0500_400E']);

const HMS_SEVERITIES: Record<number, HmsSeverity> = { 1: 'fatal', 2: 'serious', 3: 'common', 4: 'info' };
const MODULES: Record<number, string> = { 0x03: 'mc', 0x05: 'mainboard', 0x07: 'ams', 0x08: 'toolhead', 0x0c: 'xcam' };
const EVENT_SEVERITY: Record<HmsSeverity, ErrorSeverity> = {
  fatal: 'fatal',
  serious: 'error',
  common: 'warning',
  info: 'info',
  unknown: 'warning',
};

function hex(value: number, digits: number): string {
  return (value >>> 0).toString(16).toUpperCase().padStart(digits, '0');
}

function toInt(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff ? n : undefined;
}

/** 50348044 → "0300_400C" (zero-padded to 8 digits); 0 or garbage → undefined. */
export function printErrorCode(value: unknown): string | undefined {
  const n = toInt(value);
  if (n === undefined || n === 0) return undefined;
  const digits = hex(n, 8);
  return `${digits.slice(0, 4)}_${digits.slice(4)}`;
}

/** Codes whose low half is below 0x4000 are phase/status indicators, not errors. */
export function isFaultValue(value: unknown): boolean {
  const n = toInt(value);
  return n !== undefined && (n & 0xffff) >= 0x4000;
}

export function isCancelCode(code: string | undefined): boolean {
  return code !== undefined && CANCEL_CODES.has(code);
}

/** Filament runout: 0300_8004 / 0300_8015, and xx_8011 on AMS (07), AMS Lite (12) and AMS HT (18) slots. */
export function isRunoutCode(code: string | undefined): boolean {
  if (code === undefined) return false;
  if (code === '0300_8004' || code === '0300_8015') return true;
  return /^(07|12|18)[0-9A-F]{2}_8011$/.test(code);
}

/** {attr, code} → "HMS_AAAA_AAAA_CCCC_CCCC". */
export function hmsCode(entry: HmsEntry): string {
  return `HMS_${hex(entry.attr >>> 16, 4)}_${hex(entry.attr & 0xffff, 4)}_${hex(entry.code >>> 16, 4)}_${hex(entry.code & 0xffff, 4)}`;
}

export function hmsSeverity(code: number): HmsSeverity {
  return HMS_SEVERITIES[code >>> 16] ?? 'unknown';
}

export function hmsModule(attr: number): string {
  return MODULES[(attr >>> 24) & 0xff] ?? 'unknown';
}

/** Wiki section per model family: H2*, P2S and X2D have their own pages, everything else lives under x1. */
export function wikiFamily(model: string | undefined): string {
  const m = (model ?? '').toUpperCase().replace(/^BAMBU LAB\s+/, '');
  if (m.startsWith('H2')) return 'h2';
  if (m === 'P2S') return 'p2s';
  if (m === 'X2D') return 'x2d';
  return 'x1';
}

/** AMS units B..D share unit A's wiki page. */
function wikiCode(bare: string): string {
  return /^070[1-3]_/.test(bare) ? `0700${bare.slice(4)}` : bare;
}

export function wikiUrl(code: string, model?: string): string {
  const bare = code.replace(/^HMS_/, '');
  return `https://wiki.bambulab.com/en/${wikiFamily(model)}/troubleshooting/hmscode/${wikiCode(bare)}`;
}

/** The text for an HMS code: known text, '' for codes published without one, undefined when unknown. */
export function hmsText(code: string): string | undefined {
  const bare = code.replace(/^HMS_/, '');
  const ams = /^070([0-3])_/.exec(bare);
  if (ams) {
    const text = HMS_TEXTS[`0700${bare.slice(4)}`];
    if (text === undefined || text === '') return text;
    return `AMS ${'ABCD'[Number(ams[1])]} ${text}`;
  }
  return HMS_TEXTS[bare];
}

export function printErrorText(code: string): string | undefined {
  return PRINT_ERROR_TEXTS[code];
}

export interface DecodedHms extends EventError {
  code: string;
  bambuSeverity: HmsSeverity;
  module: string;
}

/** Decodes an HMS entry; undefined for malformed entries and for codes Bambu publishes without text. */
export function decodeHms(entry: unknown, model?: string): DecodedHms | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const attr = toInt((entry as Record<string, unknown>).attr);
  const value = toInt((entry as Record<string, unknown>).code);
  if (attr === undefined || value === undefined) return undefined;
  const code = hmsCode({ attr, code: value });
  const text = hmsText(code);
  if (text === '') return undefined;
  const bambuSeverity = hmsSeverity(value);
  return {
    code,
    message: text ?? `HMS ${code.slice(4)} (see the Bambu Lab wiki)`,
    severity: EVENT_SEVERITY[bambuSeverity],
    url: wikiUrl(code, model),
    bambuSeverity,
    module: hmsModule(attr),
  };
}

/** Decodes a print_error / fail_reason value; undefined for 0 and garbage. */
export function decodePrintError(value: unknown, model?: string): EventError | undefined {
  const code = printErrorCode(value);
  if (!code) return undefined;
  return {
    code,
    message: printErrorText(code) ?? `Printer error ${code} (see the Bambu Lab wiki)`,
    severity: isCancelCode(code) ? 'info' : 'error',
    url: wikiUrl(code, model),
  };
}

/** The currently reported faults: the print_error (unless a cancel echo, a runout or a status value) and every HMS entry. */
export function currentErrors(printError: unknown, hms: unknown, model?: string): EventError[] {
  const errors: EventError[] = [];
  const code = printErrorCode(printError);
  if (code && isFaultValue(printError) && !isCancelCode(code) && !isRunoutCode(code)) {
    const decoded = decodePrintError(printError, model);
    if (decoded) errors.push(decoded);
  }
  if (Array.isArray(hms)) {
    for (const entry of hms) {
      const decoded = decodeHms(entry, model);
      if (decoded) errors.push({ code: decoded.code, message: decoded.message, severity: decoded.severity, url: decoded.url });
    }
  }
  return errors;
}
