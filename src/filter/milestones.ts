/**
 * Progress milestones (docs/filter.md): with step 25, progress 30 is at milestone 25 and 80 at 75.
 * 0 and 100 are never milestones (print.started and print.done say those).
 */
export function milestoneOf(progress: number, step: number): number | undefined {
  if (!(step > 0) || !Number.isFinite(progress)) return undefined;
  const milestone = Math.floor(progress / step) * step;
  return milestone > 0 && milestone < 100 ? milestone : undefined;
}
