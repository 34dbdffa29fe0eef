import { collectPlaceholders, compileJsonBody, compileTextBody, type CompiledNode } from './body';
import { CONTENT_TYPES, type ContentType } from './encode';
import { TemplateConfigError } from './errors';
import { compileHeaders, type CompiledHeaders } from './headers';
import { getPreset, PRESET_NAMES, type Preset, type PresetCredentials, type PresetOptions } from './presets';
import type { MissingPolicy } from './scope';
import { placeholdersOf, type Placeholder } from './tokenizer';
import { compileUrl, type CompiledUrl } from './url';

export const METHODS = ['POST', 'PUT', 'PATCH', 'GET', 'DELETE'] as const;
export const MODES = ['placeholders', 'jsonata'] as const;

/** The editor fields as saved in the flow; anything may be malformed. */
export interface RawTemplateConfig {
  preset?: unknown;
  body?: unknown;
  contentType?: unknown;
  url?: unknown;
  method?: unknown;
  headers?: unknown;
  missing?: unknown;
  mode?: unknown;
  recipient?: unknown;
  link?: unknown;
  identifier?: unknown;
  snapshot?: unknown;
  secretsInMsg?: unknown;
}

export interface TemplateConfig {
  preset?: Preset;
  mode: (typeof MODES)[number];
  /** Compiled custom body (placeholders mode). */
  body?: CompiledNode;
  /** JSONata source (jsonata mode); prepared by the node with Node-RED's own JSONata. */
  expression?: string;
  contentType: ContentType;
  url?: CompiledUrl;
  method: string;
  headers: CompiledHeaders;
  missing: MissingPolicy;
  options: PresetOptions;
  usesSnapshot: boolean;
  /** Put the real credentials in the msg instead of secret references (for the core http request node). */
  secretsInMsg: boolean;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
}

/** Validates and compiles the editor fields; throws a TemplateConfigError naming the field. */
export function parseTemplateConfig(raw: RawTemplateConfig, credentials: PresetCredentials = {}): TemplateConfig {
  const presetName = text(raw.preset) || 'custom';
  if (!PRESET_NAMES.includes(presetName)) throw new TemplateConfigError('preset', `unknown preset "${presetName}" (known: ${PRESET_NAMES.join(', ')})`);
  const preset = getPreset(presetName);
  const mode = (text(raw.mode) || 'placeholders') as TemplateConfig['mode'];
  if (!MODES.includes(mode)) throw new TemplateConfigError('mode', `expected one of ${MODES.join(', ')}`);
  const contentType = (text(raw.contentType) || 'json') as ContentType;
  if (!CONTENT_TYPES.includes(contentType)) throw new TemplateConfigError('contentType', `expected one of ${CONTENT_TYPES.join(', ')}`);
  const method = (text(raw.method) || 'POST').toUpperCase();
  if (!(METHODS as readonly string[]).includes(method)) throw new TemplateConfigError('method', `expected one of ${METHODS.join(', ')}`);
  const missing = (text(raw.missing) || 'drop') as MissingPolicy;
  if (missing !== 'drop' && missing !== 'fail') throw new TemplateConfigError('missing', 'expected "drop" or "fail"');
  const options: PresetOptions = { recipient: text(raw.recipient).trim(), link: text(raw.link).trim(), identifier: text(raw.identifier).trim(), snapshot: raw.snapshot === true || raw.snapshot === 'true' };

  const config: TemplateConfig = {
    preset,
    mode,
    contentType,
    method,
    headers: compileHeaders(text(raw.headers)),
    missing,
    options,
    usesSnapshot: false,
    secretsInMsg: raw.secretsInMsg === true || raw.secretsInMsg === 'true',
  };
  const urlText = text(raw.url).trim() || preset?.defaultUrl || '';
  config.url = compileUrl(urlText);

  if (preset) {
    config.usesSnapshot = Boolean(options.snapshot && preset.snapshotLimit);
    const optionProblem = preset.checkOptions?.(options);
    if (optionProblem) throw new TemplateConfigError(optionProblem.field, optionProblem.problem);
    for (const need of preset.requires ?? []) {
      const present = need === 'token' || need === 'user' ? Boolean(credentials[need]) : Boolean(options[need]);
      if (!present) throw new TemplateConfigError(need, `preset ${preset.name} needs ${need === 'token' || need === 'user' ? `the ${need} credential` : `the ${need} option`}`);
    }
  } else if (mode === 'jsonata') {
    const expression = text(raw.body).trim();
    if (expression === '') throw new TemplateConfigError('body', 'the JSONata expression is empty');
    config.expression = expression;
  } else {
    config.body = compileCustomBody(text(raw.body), contentType);
    const specials = collectPlaceholders(config.body).filter((p) => p.root === 'special' && p.path[0] === '$snapshot');
    if (specials.length > 0) {
      if (contentType !== 'multipart') throw new TemplateConfigError('body', '{{$snapshot}} needs the multipart content type');
      const topLevel = config.body.kind === 'object' ? config.body.entries.filter(([, n]) => n.kind === 'value' && n.placeholder.path[0] === '$snapshot').length : 0;
      if (topLevel !== specials.length) throw new TemplateConfigError('body', '{{$snapshot}} must be the whole value of a top-level key, e.g. {"image": "{{$snapshot}}"}');
      config.usesSnapshot = true;
    }
  }
  checkCredentialsUsed(config, credentials);
  return config;
}

/**
 * A {{$token}} or {{$user}} in the URL, headers or custom body needs that credential: without it the
 * node goes red at deploy naming the credential (a Discord webhook URL ending in {{$token}} …), instead
 * of every delivery failing later.
 */
function checkCredentialsUsed(config: TemplateConfig, credentials: PresetCredentials): void {
  const places: Array<[string, Placeholder[]]> = [
    ['URL', config.url ? placeholdersOf(config.url.segments) : []],
    ['headers', config.headers.flatMap(([, segments]) => placeholdersOf(segments))],
    ['body', config.body ? collectPlaceholders(config.body) : []],
  ];
  for (const name of ['token', 'user'] as const) {
    if (credentials[name]) continue;
    const where = places.find(([, list]) => list.some((p) => p.root === 'special' && p.path[0] === `$${name}`));
    if (where) throw new TemplateConfigError(name, `the ${where[0]} ${where[0] === 'headers' ? 'use' : 'uses'} {{$${name}}}: enter the ${name === 'token' ? 'Token' : 'User key'} credential`);
  }
}

function compileCustomBody(body: string, contentType: ContentType): CompiledNode {
  if (contentType === 'text') return compileTextBody(body);
  if (body.trim() === '') throw new TemplateConfigError('body', 'the template is empty');
  return compileJsonBody(body);
}
