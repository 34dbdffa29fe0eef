import { ELEGOO_MODELS, type ElegooModel } from '../../src/sources/elegoo/codes';

/** The editor fields of a printhooks-elegoo-printer, checked. */
export interface PrinterSettings {
  host: string;
  port: number;
  model: ElegooModel;
  /** SDCP: the MainboardID when known; Centauri Carbon 2: its serial number, which names the MQTT topics. */
  mainboardId?: string;
  accessCode?: string;
}

export function defaultPort(model: ElegooModel): number {
  return model === 'cc2' ? 1883 : 3030;
}

/** Reads and validates the config; throws an Error naming the field that is wrong and how to fix it. */
export function readPrinterSettings(config: Record<string, unknown>, accessCode: string | undefined): PrinterSettings {
  const host = typeof config.host === 'string' ? config.host.trim() : '';
  if (!host || /[\s/:]/.test(host)) throw new Error('host: give the printer\'s IP address or host name (no scheme, no port)');
  const model = (config.model === undefined || config.model === '' ? 'cc' : config.model) as ElegooModel;
  if (!ELEGOO_MODELS.includes(model)) throw new Error('model: choose cc (Centauri Carbon), resin (SDCP resin printer) or cc2 (Centauri Carbon 2)');
  const rawPort = config.port === undefined || config.port === '' ? defaultPort(model) : Number(config.port);
  if (!Number.isInteger(rawPort) || rawPort < 1 || rawPort > 65535) throw new Error(`port: must be 1-65535 (the printer uses ${defaultPort(model)})`);
  const mainboardId = typeof config.mainboardId === 'string' && config.mainboardId.trim() !== '' ? config.mainboardId.trim() : undefined;
  if (mainboardId !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(mainboardId)) throw new Error('mainboardId: letters and digits only (leave it empty if unsure)');
  if (model === 'cc2' && mainboardId === undefined) throw new Error('mainboardId: a Centauri Carbon 2 needs its serial number here (Settings > About on the printer)');
  const code = (accessCode ?? '').trim();
  return { host, port: rawPort, model, mainboardId, accessCode: model === 'cc2' && code !== '' ? code : undefined };
}
