import type { MaintenanceInfo } from '../event';

export type Counter = MaintenanceInfo['counter'];

export const COUNTERS: readonly Counter[] = ['print_hours', 'jobs', 'filament_m'];

/** One line of a printer's maintenance field: `every 200 print_hours: lubricate rods`. */
export interface MaintenanceRule {
  every: number;
  counter: Counter;
  task: string;
  /** Identifies the rule in the odometer file: the same line keeps its state across edits of others. */
  key: string;
}

export class MaintenanceRuleError extends Error {}

const MAX_RULES = 50;
const MAX_TASK = 200;
const MAX_FIELD = 10_000;
const LINE = /^every\s+(\S+)\s+(\S+?)\s*:\s*(.*)$/i;

/**
 * Parses the maintenance field strictly (docs/maintenance.md): one rule per line, blank lines and
 * `#` comments ignored. An error names the line and says how to write it.
 */
export function parseMaintenanceRules(text: unknown): MaintenanceRule[] {
  if (text === undefined || text === null) return [];
  if (typeof text !== 'string') throw new MaintenanceRuleError('maintenance: must be text, one rule per line');
  if (text.length > MAX_FIELD) throw new MaintenanceRuleError(`maintenance: longer than ${MAX_FIELD} characters`);
  const rules: MaintenanceRule[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `maintenance line ${i + 1}`;
    const match = LINE.exec(line);
    if (!match) throw new MaintenanceRuleError(`${where}: write it as "every 200 print_hours: lubricate rods"`);
    const every = Number(match[1]);
    if (!/^\d+(\.\d+)?$/.test(match[1]) || !Number.isFinite(every) || every <= 0) {
      throw new MaintenanceRuleError(`${where}: "${match[1]}" is not a positive number (e.g. every 200 print_hours: …)`);
    }
    const counter = match[2].toLowerCase() as Counter;
    if (!COUNTERS.includes(counter)) {
      throw new MaintenanceRuleError(`${where}: "${match[2]}" is not a counter; use print_hours, jobs or filament_m`);
    }
    const task = match[3].trim();
    if (task === '') throw new MaintenanceRuleError(`${where}: say what to do after the colon (e.g. …: clean bed)`);
    if (task.length > MAX_TASK) throw new MaintenanceRuleError(`${where}: the task is longer than ${MAX_TASK} characters`);
    const key = `${every} ${counter}: ${task}`;
    if (rules.some((r) => r.key === key)) throw new MaintenanceRuleError(`${where}: the same rule is written twice; remove one`);
    rules.push({ every, counter, task, key });
    if (rules.length > MAX_RULES) throw new MaintenanceRuleError(`maintenance: more than ${MAX_RULES} rules`);
  }
  return rules;
}
