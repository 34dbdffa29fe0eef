import { getPath } from '../path';
import type { FieldRule } from './config';

/** Whether a value equals a rule's value; a rule typed as text also matches the value's text (42 = "42"). */
function same(actual: unknown, expected: unknown): boolean {
  if (actual === expected) return true;
  if (actual === undefined || actual === null || typeof actual === 'object') return false;
  if (typeof expected === 'string' && typeof actual !== 'string') return String(actual) === expected;
  return false;
}

/** A rule on a missing field never matches (for neq and nin too) and never throws. */
export function ruleMatches(rule: FieldRule, event: unknown): boolean {
  const actual = getPath(event, rule.path);
  if (actual === undefined) return false;
  switch (rule.op) {
    case 'eq':
      return same(actual, rule.value);
    case 'neq':
      return !same(actual, rule.value);
    case 'in':
      return Array.isArray(rule.value) && rule.value.some((v) => same(actual, v));
    case 'nin':
      return Array.isArray(rule.value) && !rule.value.some((v) => same(actual, v));
    default:
      return false;
  }
}

export function allRulesMatch(rules: readonly FieldRule[], event: unknown): boolean {
  return rules.every((rule) => ruleMatches(rule, event));
}
