export { parseTemplateConfig, METHODS, MODES, type RawTemplateConfig, type TemplateConfig } from './config';
export { renderTemplate, pickEvent, type RenderDeps, type Rendered } from './render';
export { TemplateConfigError, RenderError } from './errors';
export { PRESET_NAMES, PRESETS, getPreset } from './presets';
export { CONTENT_TYPES, type ContentType } from './encode';
export { sampleEvent } from './sample-events';
export { unthinnedWarning } from './unthinned';
