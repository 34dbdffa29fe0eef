import { EVENT_TYPES, isEventType, type EventType } from '../event';
import { splitPath } from '../path';
import { isValidTimeZone, parseClock } from './quiet-hours';

export const RULE_OPS = ['eq', 'neq', 'in', 'nin'] as const;
export type RuleOp = (typeof RULE_OPS)[number];

export interface FieldRule {
  path: string;
  op: RuleOp;
  /** For eq/neq a scalar; for in/nin a list. */
  value: unknown;
}

export interface QuietHours {
  start: number; // minutes after local midnight
  end: number;
  timezone: string;
  mode: 'drop' | 'hold';
}

export interface FilterConfig {
  events: EventType[];
  rules: FieldRule[];
  progressStep: number;
  /** Pass a progress (and a layer) event at most every this many ms per printer and job; 0 = off. */
  progressEveryMs: number;
  /** Pass one progress event per job once the time remaining is at or below this many seconds; 0 = off. */
  remainingBelowS: number;
  cooldownMs: number;
  quiet?: QuietHours;
}

/** The fields as the editor saves them (docs/filter.md). Anything may be malformed. */
export interface RawFilterConfig {
  events?: unknown;
  rules?: unknown;
  progressStep?: unknown;
  progressEvery?: unknown;
  remainingBelow?: unknown;
  cooldown?: unknown;
  quietStart?: unknown;
  quietEnd?: unknown;
  timezone?: unknown;
  quietMode?: unknown;
}

export type Parsed = { ok: true; config: FilterConfig } | { ok: false; errors: string[] };

/** Validates the editor fields; every problem names the field and how to fix it. */
export function parseFilterConfig(raw: RawFilterConfig, defaultTimeZone: string): Parsed {
  const errors: string[] = [];
  const events = parseEvents(raw.events, errors);
  const rules = parseRules(raw.rules, errors);
  const progressStep = parseNumber(raw.progressStep, 'progressStep', 0, 100, errors);
  const progressEvery = parseNumber(raw.progressEvery, 'progressEvery', 0, 24 * 60, errors);
  const remainingBelow = parseNumber(raw.remainingBelow, 'remainingBelow', 0, 7 * 24 * 60, errors);
  const cooldown = parseNumber(raw.cooldown, 'cooldown', 0, 7 * 24 * 3600, errors);
  const quiet = parseQuiet(raw, defaultTimeZone, errors);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    config: {
      events,
      rules,
      progressStep,
      progressEveryMs: Math.round(progressEvery * 60_000),
      remainingBelowS: Math.round(remainingBelow * 60),
      cooldownMs: cooldown * 1000,
      quiet,
    },
  };
}

function parseEvents(value: unknown, errors: string[]): EventType[] {
  if (value === undefined || value === null || value === '') return [];
  const list = typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value;
  if (!Array.isArray(list)) {
    errors.push('events: expected a list of event types');
    return [];
  }
  const out: EventType[] = [];
  for (const item of list) {
    if (isEventType(item)) out.push(item);
    else errors.push(`events: unknown event type ${JSON.stringify(item)}; use one of ${EVENT_TYPES.join(', ')}`);
  }
  return out;
}

function parseRules(value: unknown, errors: string[]): FieldRule[] {
  if (value === undefined || value === null || value === '') return [];
  if (!Array.isArray(value)) {
    errors.push('rules: expected a list of {path, op, value}');
    return [];
  }
  const out: FieldRule[] = [];
  value.forEach((rule: unknown, i: number) => {
    const where = `rules[${i}]`;
    if (rule === null || typeof rule !== 'object') {
      errors.push(`${where}: expected {path, op, value}`);
      return;
    }
    const { path, op, value: ruleValue } = rule as Record<string, unknown>;
    if (typeof path !== 'string' || !splitPath(path)) {
      errors.push(`${where}.path: give a dot path into the event such as job.file (no __proto__, prototype or constructor)`);
      return;
    }
    if (typeof op !== 'string' || !(RULE_OPS as readonly string[]).includes(op)) {
      errors.push(`${where}.op: unknown operator ${JSON.stringify(op)}; use eq, neq, in or nin`);
      return;
    }
    if (op === 'in' || op === 'nin') {
      const list = parseList(ruleValue);
      if (!list) {
        errors.push(`${where}.value: "${op}" needs a JSON array such as ["a.gcode","b.gcode"]`);
        return;
      }
      out.push({ path, op, value: list });
      return;
    }
    out.push({ path, op: op as RuleOp, value: ruleValue });
  });
  return out;
}

function parseList(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function parseNumber(value: unknown, field: string, min: number, max: number, errors: string[]): number {
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < min || n > max) {
    errors.push(`${field}: expected a number from ${min} to ${max}, got ${JSON.stringify(value)}`);
    return 0;
  }
  return n;
}

function parseQuiet(raw: RawFilterConfig, defaultTimeZone: string, errors: string[]): QuietHours | undefined {
  // A zone that is set is checked even while quiet hours are off, so a typo shows before it matters.
  const tzText = parseTimeZone(raw.timezone, defaultTimeZone, errors);
  const startText = typeof raw.quietStart === 'string' ? raw.quietStart.trim() : '';
  const endText = typeof raw.quietEnd === 'string' ? raw.quietEnd.trim() : '';
  if (startText === '' && endText === '') return undefined;
  const start = parseClock(startText);
  const end = parseClock(endText);
  if (start === undefined) errors.push(`quietStart: expected HH:MM (24 h), got ${JSON.stringify(raw.quietStart ?? '')}`);
  if (end === undefined) errors.push(`quietEnd: expected HH:MM (24 h), got ${JSON.stringify(raw.quietEnd ?? '')}`);
  if (tzText === undefined) return undefined;
  const mode = raw.quietMode === undefined || raw.quietMode === '' ? 'drop' : raw.quietMode;
  if (mode !== 'drop' && mode !== 'hold') errors.push(`quietMode: expected "drop" or "hold", got ${JSON.stringify(raw.quietMode)}`);
  if (start === undefined || end === undefined || (mode !== 'drop' && mode !== 'hold')) return undefined;
  if (start === end) return undefined;
  return { start, end, timezone: tzText, mode };
}

/** The zone to use, or undefined (with an error naming `timezone`) when one is set but unknown. */
function parseTimeZone(value: unknown, defaultTimeZone: string, errors: string[]): string | undefined {
  if (value === undefined || value === null) return defaultTimeZone;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return defaultTimeZone;
    if (isValidTimeZone(text)) return text;
  }
  errors.push(`timezone: unknown IANA time zone ${JSON.stringify(value)}; use a name such as Europe/Berlin, or leave it empty for the server's zone`);
  return undefined;
}
