/** What get_version tells about the printer. */
export interface PrinterModel {
  /** e.g. "P1P", "X1-Carbon", "H2D"; undefined when the printer does not say. */
  model?: string;
  firmware?: string;
}

/** Project codes older firmware reports instead of a product name. */
const PROJECTS: Record<string, string> = {
  C11: 'P1P',
  C12: 'P1S',
  'BL-P001': 'X1-Carbon',
  'BL-P002': 'X1',
  C13: 'X1E',
  N1: 'A1 mini',
  N2S: 'A1',
};

/** Reads the model and firmware from an `info` (get_version) report. */
export function modelFromVersion(info: unknown): PrinterModel {
  const modules = info && typeof info === 'object' ? (info as Record<string, unknown>).module : undefined;
  if (!Array.isArray(modules)) return {};
  const ota = modules.find((m) => m && typeof m === 'object' && (m as Record<string, unknown>).name === 'ota') as Record<string, unknown> | undefined;
  const firmware = typeof ota?.sw_ver === 'string' ? ota.sw_ver : undefined;
  const product = typeof ota?.product_name === 'string' ? ota.product_name.replace(/^Bambu Lab\s+/i, '').trim() : '';
  if (product) return { model: product, firmware };
  const project = typeof ota?.project_name === 'string' ? PROJECTS[ota.project_name] : undefined;
  return { model: project, firmware };
}

/** P1 and A1 brokers: pushall at most every 5 minutes, deltas only, camera on TLS port 6000. */
export function isDeltaModel(model: string | undefined): boolean {
  return model !== undefined && /^(P1|A1)/i.test(model);
}

/** Models whose camera serves JPEG frames on port 6000; the others (X1, H2, P2S, X2D) stream RTSPS only. */
export function cameraKind(model: string | undefined): 'jpeg' | 'rtsps' | 'unknown' {
  if (model === undefined) return 'unknown';
  if (/^(P1|A1|A2)/i.test(model)) return 'jpeg';
  if (/^(X1|H2|P2|X2)/i.test(model)) return 'rtsps';
  return 'unknown';
}
