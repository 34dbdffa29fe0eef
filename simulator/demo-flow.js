// The demo flow `npm start` deploys (docs/demo.md): the three simulated printers through the real
// PrintHooks nodes (source → filter → template → signer → sender) to a receiver in the same Node-RED
// (http in → printhooks-verify → a list of the last deliveries) and the page that shows that list.
// Secrets are not in here: demoCredentials() gives them to the deploy call, and Node-RED keeps them in its
// encrypted credentials file (docs/secrets.md).
'use strict';
const fs = require('fs');
const path = require('path');

const TAB = 'phdemo.tab';
const KEEP = 100;

/** The function node that files each received webhook (verified or rejected) for the page. */
const REMEMBER = `
// Runs for both verify outputs: msg.verification says which. Only a verified body is read (a rejected one is
// not trusted, and verify has put its 401 answer in msg.payload); everything shown is cut short, as text.
const v = msg.verification || {};
const body = v.valid === true && msg.payload && typeof msg.payload === 'object' && !Buffer.isBuffer(msg.payload) ? msg.payload : null;
const data = body && typeof body === 'object' && body.data && typeof body.data === 'object' ? body.data : {};
const printer = data.printer && typeof data.printer === 'object' ? data.printer : {};
const job = data.job && typeof data.job === 'object' ? data.job : {};
const text = (x, n) => (x === undefined || x === null ? undefined : String(x).slice(0, n));
const num = (x) => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const headers = (msg.req && msg.req.headers) || {};
const entry = {
  received: new Date().toISOString(),
  id: text(headers['webhook-id'] || v.id, 80),
  verified: v.valid === true,
  rejection: v.valid === true ? undefined : text(v.reason || 'rejected', 60),
  type: text(body && body.type, 40),
  printer: text(printer.name, 60),
  kind: text(printer.kind, 20),
  file: text(job.file, 80),
  progress: num(job.progress),
  layer: num(job.layer),
  layers: num(job.layers),
  reason: text(data.reason, 40),
  error: text(data.error && data.error.message, 120),
};
const list = flow.get('deliveries') || [];
list.unshift(entry);
if (list.length > ${KEEP}) list.length = ${KEEP};
flow.set('deliveries', list);
flow.set('deliveryCount', (flow.get('deliveryCount') || 0) + 1);
return msg;
`.trim();

const LIST = `
msg.payload = { count: flow.get('deliveryCount') || 0, deliveries: flow.get('deliveries') || [] };
msg.headers = { 'cache-control': 'no-store' };
return msg;
`.trim();

const EVENTS = ['print.started', 'print.progress', 'print.paused', 'print.resumed', 'print.done', 'print.failed', 'print.cancelled', 'printer.error', 'printer.attention'];

function node(id, type, x, y, fields, wires) {
  return { id: `phdemo.${id}`, type, z: TAB, x, y, ...fields, wires: (wires || []).map((out) => out.map((to) => `phdemo.${to}`)) };
}

/**
 * The flow for printers at `sim` (the simulator's answer, simulator/protocol.ts) and this Node-RED at
 * `nodeRedUrl` (where the sender delivers).
 */
function demoFlow(sim, nodeRedUrl) {
  const page = fs.readFileSync(path.join(__dirname, 'receiver-page.html'), 'utf8');
  return [
    { id: TAB, type: 'tab', label: 'PrintHooks demo', info: 'Deployed by `npm start` (docs/demo.md): simulated printers → PrintHooks → the receiver page at /printhooks-demo.' },
    node('about', 'comment', 420, 40, {
      name: 'Three simulated printers → filter → template → signer → sender → verify → /printhooks-demo',
      info: 'The simulator (simulator/ in the repo) runs an OctoPrint, a Moonraker and a Bambu Lab printer on 127.0.0.1, speaking their real protocols and looping jobs that finish, pause, run out of filament, get cancelled or fail.\n\nThe filter passes the lifecycle, errors, attention requests and progress every 25 %. The signer signs with Standard Webhooks; the sender delivers durably to this Node-RED, where printhooks-verify checks each signature before the page lists it.\n\nThe secrets (the printer keys and the signing secret) are credentials the start script sets at deploy: they are stored encrypted in flows_cred.json, never in the flow.',
    }),

    { id: 'phdemo.octoprint', type: 'printhooks-octoprint-server', name: 'Prusa MK4', url: sim.octoprint.url, printerId: '', snapshotUrl: '', allowSelfSigned: false, offlineDelay: 30, bedCooled: 35, version: 1 },
    { id: 'phdemo.moonraker', type: 'printhooks-moonraker-server', name: 'Voron 2.4', url: sim.moonraker.url, offlineDelay: 30, bedCooled: 35, version: 1 },
    { id: 'phdemo.bambu', type: 'printhooks-bambu-printer', name: 'Bambu Lab P1S', host: sim.bambu.host, port: sim.bambu.port, serial: sim.bambu.serial, tls: 'ca', ca: sim.bambu.ca, fingerprint: '', cameraPort: sim.bambu.cameraPort, bedCooled: 35, version: 1 },
    { id: 'phdemo.endpoint', type: 'printhooks-endpoint', name: 'demo receiver', url: `${nodeRedUrl}/printhooks-demo/receive`, method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false, version: 1 },

    node('src-octoprint', 'printhooks-octoprint', 150, 120, { name: '', server: 'phdemo.octoprint', includeRaw: false, version: 1 }, [['filter']]),
    node('src-moonraker', 'printhooks-moonraker', 150, 180, { name: '', server: 'phdemo.moonraker', includeRaw: false, version: 1 }, [['filter']]),
    node('src-bambu', 'printhooks-bambu', 150, 240, { name: '', printer: 'phdemo.bambu', includeRaw: false, version: 1 }, [['filter']]),
    node('filter', 'printhooks-filter', 430, 180, { name: 'lifecycle, errors, attention, 25 %', events: EVENTS, rules: [], progressStep: 25, cooldown: 0, quietStart: '', quietEnd: '', timezone: '', quietMode: 'drop', version: 1 }, [['template']]),
    node('template', 'printhooks-template', 770, 180, { name: '', mode: 'placeholders', preset: 'standard-webhooks', contentType: 'json', url: '', method: 'POST', headers: '', missing: 'drop', version: 1 }, [['signer']]),
    node('signer', 'printhooks-signer', 1080, 180, { name: '', scheme: 'standard-webhooks', header: '', encoding: 'base64', secretsInMsg: false, version: 1 }, [['sender']]),
    node('sender', 'printhooks-sender', 1310, 180, { name: '', endpoint: 'phdemo.endpoint', concurrency: 4, ordered: false, retrySchedule: '1, 5, 30', jitter: 0.2, overloadDelay: 60, version: 1 }, [[], ['dead']]),
    node('dead', 'debug', 1530, 240, { name: 'dead letters', active: true, tosidebar: true, console: false, tostatus: true, complete: 'payload', targetType: 'msg', statusVal: 'topic', statusType: 'msg' }),

    node('receiver', 'comment', 330, 320, {
      name: 'The receiver: verify each webhook, remember it, serve the page',
      info: 'The sender above delivers here, to this Node-RED. printhooks-verify holds the same secret as the signer: a valid webhook leaves on its first output and is answered 204, anything else on the second with the reason and is answered 401. Both are remembered (the last 100, in flow context) for the page at /printhooks-demo, which polls /printhooks-demo/deliveries.',
    }),
    node('receive', 'http in', 200, 380, { name: '', url: '/printhooks-demo/receive', method: 'post', upload: false, skipBodyParsing: true, swaggerDoc: '' }, [['verify']]),
    node('verify', 'printhooks-verify', 470, 380, { name: '', scheme: 'standard-webhooks', header: '', encoding: 'base64', tolerance: 300, respond401: true, parseJson: true, version: 1 }, [['remember'], ['remember']]),
    node('remember', 'function', 700, 380, { name: 'remember the last 100', func: REMEMBER, outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [] }, [['answer']]),
    node('answer', 'http response', 950, 380, { name: '204, or 401 when rejected', statusCode: '', headers: {} }),
    node('page-in', 'http in', 190, 460, { name: '', url: '/printhooks-demo', method: 'get', upload: false, swaggerDoc: '' }, [['page']]),
    node('page', 'template', 430, 460, { name: 'receiver page', field: 'payload', fieldType: 'msg', format: 'html', syntax: 'plain', template: page, output: 'str' }, [['page-out']]),
    node('page-out', 'http response', 640, 460, { name: '', statusCode: '200', headers: { 'content-type': 'text/html; charset=utf-8' } }),
    node('list-in', 'http in', 210, 520, { name: '', url: '/printhooks-demo/deliveries', method: 'get', upload: false, swaggerDoc: '' }, [['list']]),
    node('list', 'function', 460, 520, { name: 'deliveries as JSON', func: LIST, outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [] }, [['list-out']]),
    node('list-out', 'http response', 640, 520, { name: '', statusCode: '200', headers: {} }),
  ];
}

/** The flow with its credentials attached, as POST /flows takes them; Node-RED strips them from flows.json. */
function withCredentials(flow, keys) {
  const credentials = {
    'phdemo.octoprint': { apiKey: keys.octoprintApiKey },
    'phdemo.moonraker': { apiKey: keys.moonrakerApiKey },
    'phdemo.bambu': { accessCode: keys.bambuAccessCode },
    'phdemo.signer': { secrets: keys.signingSecret },
    'phdemo.verify': { secrets: keys.signingSecret },
  };
  return flow.map((n) => (credentials[n.id] ? { ...n, credentials: credentials[n.id] } : n));
}

module.exports = { demoFlow, withCredentials, EVENTS };
