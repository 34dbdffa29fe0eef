/** The endpoint's credentials (DESIGN §3): kept by Node-RED, never in the flow file. */
export const CREDENTIAL_NAMES = ['token', 'username', 'password', 'clientId', 'clientSecret', 'ca', 'cert', 'key', 'proxyUsername', 'proxyPassword'] as const;

/** Their kinds for registerType: `password` ones never go back to the editor. */
export const CREDENTIALS = {
  token: { type: 'password' },
  username: { type: 'text' },
  password: { type: 'password' },
  clientId: { type: 'text' },
  clientSecret: { type: 'password' },
  ca: { type: 'text' },
  cert: { type: 'text' },
  key: { type: 'password' },
  proxyUsername: { type: 'text' },
  proxyPassword: { type: 'password' },
} as const;
