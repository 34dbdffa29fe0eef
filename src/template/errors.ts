/** A template, URL, header set or preset option that cannot work: reported at deploy. */
export class TemplateConfigError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'TemplateConfigError';
  }
}

/** A msg that cannot be rendered (missing value in strict mode, bad URL, unmapped event type). */
export class RenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RenderError';
  }
}
