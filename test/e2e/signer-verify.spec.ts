import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Webhook } from 'standardwebhooks';
import { NodeRedProcess, ensureBuilt, repoRoot } from './support/node-red-process';
import { until } from './support/until';

const WHSEC = `whsec_${Buffer.from('e2e-signer-verify-key-0123456789').toString('base64')}`;

function example(name: string): Record<string, unknown>[] {
  return JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples', name), 'utf8')) as Record<string, unknown>[];
}

/** Both shipped examples on one tab, the signer posting to this process, debug output on the console. */
function exampleFlows(port: number): Record<string, unknown>[] {
  const nodes = [...example('Signer - signed webhook out.json'), ...example('Verify - verified webhook in.json')];
  for (const n of nodes) {
    n.z = 'tab1';
    if (n.type === 'change') {
      for (const rule of n.rules as { p: string; to: string }[]) if (rule.p === 'url') rule.to = `http://127.0.0.1:${port}/printhooks/incoming`;
    }
    if (n.type === 'debug') Object.assign(n, { console: true, active: true });
    if (n.type === 'printhooks-signer' || n.type === 'printhooks-verify') n.credentials = { secrets: WHSEC };
  }
  return [{ id: 'tab1', type: 'tab', label: 'examples' }, ...nodes];
}

describe('e2e: signed webhook out → verified webhook in (the shipped examples, Node-RED 4.1 child process)', function () {
  this.timeout(60000);
  let userDir: string;
  let red: NodeRedProcess | undefined;

  before(() => ensureBuilt());
  beforeEach(() => {
    userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'printhooks-e2e-sign-'));
  });
  afterEach(async () => {
    await red?.stop();
    fs.rmSync(userDir, { recursive: true, force: true });
  });

  it('the example signer\'s request verifies; tampered and replayed requests get 401 with the reason', async () => {
    red = new NodeRedProcess({ userDir, flows: [{ id: 'tab1', type: 'tab', label: 'empty' }], label: 'signer/verify' });
    await red.start();
    const deploy = await fetch(`${red.url}/flows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'node-red-deployment-type': 'full' },
      body: JSON.stringify(exampleFlows(red.port)),
    });
    assert.equal(deploy.status, 204, await deploy.text());
    await until(() => (red!.output.match(/Started flows/g) ?? []).length >= 2, 10000, 'the redeploy');

    // 1. The signer example, triggered through its inject node, reaches the verify example as valid.
    const inject = await fetch(`${red.url}/inject/5196000000000010`, { method: 'POST' });
    assert.equal(inject.status, 200);
    await until(() => red!.output.includes('[debug:response]'), 10000, 'the http request response');
    assert.match(red.output, /\[debug:verified event\][\s\S]*evt_example_signed_done/);
    assert.match(red.output, /\[debug:response\][\s\S]*?204/);

    // 2. A request signed by the standardwebhooks package: valid once, then a replay.
    const body = '{"type":"print.failed","data":{"id":"evt_e2e_1"}}';
    const when = new Date();
    const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_e2e_1', 'webhook-timestamp': String(Math.floor(when.getTime() / 1000)), 'webhook-signature': new Webhook(WHSEC).sign('msg_e2e_1', when, body) };
    const post = (b: string, h: Record<string, string>) => fetch(`${red!.url}/printhooks/incoming`, { method: 'POST', headers: h, body: b });
    assert.equal((await post(body, headers)).status, 204);
    const replay = await post(body, headers);
    assert.equal(replay.status, 401);
    assert.deepEqual(await replay.json(), { error: 'invalid webhook', reason: 'replayed' });

    // 3. Tampered body (one character) and a stale timestamp.
    const tampered = await post(body.replace('failed', 'falled'), { ...headers, 'webhook-id': 'msg_e2e_2' });
    assert.equal(tampered.status, 401);
    assert.equal(((await tampered.json()) as { reason: string }).reason, 'bad-signature');
    const old = new Date(Date.now() - 600_000);
    const stale = await post(body, { ...headers, 'webhook-id': 'msg_e2e_3', 'webhook-timestamp': String(Math.floor(old.getTime() / 1000)), 'webhook-signature': new Webhook(WHSEC).sign('msg_e2e_3', old, body) });
    assert.equal(((await stale.json()) as { reason: string }).reason, 'timestamp-too-old');
    assert.ok(!red.output.includes(WHSEC.slice(6, 30)), 'the secret never appears in the log');
  });
});
