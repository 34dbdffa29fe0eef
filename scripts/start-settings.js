// Node-RED settings for `npm start` (local development only).
module.exports = {
  uiHost: process.env.HOST || '127.0.0.1',
  flowFile: 'flows.json',
  credentialSecret: process.env.PRINTHOOKS_CREDENTIAL_SECRET || 'printhooks-local-development-only',
  logging: { console: { level: process.env.LOG_LEVEL || 'info', metrics: false, audit: false } },
  editorTheme: { tours: false, projects: { enabled: false } },
  diagnostics: { enabled: false },
  externalModules: { autoInstall: false, palette: { allowInstall: false } },
  telemetry: { enabled: false },
};
