// Endpoint transport benchmark (docs/delivery.md, "Reaching guarded targets"). One run prints requests/s,
// at concurrency 4 against a receiver in its own process, for:
//  - a bare axios keep-alive loop (the baseline: what the transport used before);
//  - HttpTransport to the endpoint's own url (target >= 1.0 of the baseline);
//  - HttpTransport for a msg url under the destination policy, by name (a lookup per new socket and
//    the connect check; target >= 0.9 of the direct transport);
//  - EndpointClient with OAuth2 and a cached token (target >= 0.9 of the direct transport; one token
//    request for the whole run).
import { spawn } from 'child_process';
import * as http from 'http';
import axios from 'axios';
import { EndpointClient } from '../src/delivery/endpoint-client';
import { parseEndpointConfig } from '../src/delivery/endpoint-config';
import { HttpTransport, type OutgoingRequest } from '../src/delivery/http-transport';

const N = Number(process.env.BENCH_N ?? 5000);
const CONCURRENCY = 4;
const BODY = Buffer.from(JSON.stringify({ type: 'print.progress', pad: 'x'.repeat(900) }));

/** Receiver and token endpoint in their own process: 204 to every request, a token at POST /token. */
async function startServer(): Promise<{ port: number; stop: () => void }> {
  const code = `const http=require('http');let tokens=0;const s=http.createServer((q,r)=>{q.resume();q.on('end',()=>{if(q.url==='/token'){tokens++;r.writeHead(200,{'content-type':'application/json'});r.end(JSON.stringify({access_token:'bench-token-'+tokens,token_type:'Bearer',expires_in:3600}));return;}if(q.url==='/tokens'){r.end(String(tokens));return;}r.writeHead(204);r.end();});});s.keepAliveTimeout=30000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  return { port, stop: () => child.kill() };
}

async function run(send: () => Promise<unknown>, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < count) {
      next += 1;
      await send();
    }
  }));
  return count / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const server = await startServer();
  const base = `http://127.0.0.1:${server.port}`;
  const named = `http://localhost:${server.port}`;
  const req = (url: string, checkDestination = false): OutgoingRequest => ({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: BODY, checkDestination });
  const client = axios.create({ httpAgent: new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY }), maxRedirects: 0, validateStatus: () => true, proxy: false });
  const direct = new HttpTransport({ timeoutMs: 15000, maxSockets: CONCURRENCY });
  const checked = new HttpTransport({ timeoutMs: 15000, maxSockets: CONCURRENCY, destinations: 'default' });
  const parsed = parseEndpointConfig({ url: `${base}/hook`, auth: 'oauth2', tokenUrl: `${base}/token`, proxyMode: 'none' }, { clientId: 'bench', clientSecret: 'bench-secret' });
  if (!parsed.config) throw new Error(parsed.errors.join('; '));
  const oauth = new EndpointClient({ ...parsed.config }, { clientId: 'bench', clientSecret: 'bench-secret' }, { owner: 'bench', maxSockets: CONCURRENCY });
  const variants: Array<[string, () => Promise<unknown>]> = [
    ['bare axios loop', () => client.post(`${base}/hook`, BODY, { headers: { 'content-type': 'application/json' } })],
    ['transport, endpoint url', () => direct.send(req(`${base}/hook`))],
    ['transport, msg url by name under the policy', () => checked.send(req(`${named}/hook`, true))],
    ['endpoint client, OAuth2 cached token', () => oauth.send(req(`${base}/hook`))],
  ];
  const rates = new Map<string, number>();
  try {
    for (const [, send] of variants) await run(send, 300); // warm-up, sockets open
    // two rounds, best of each, so a noisy neighbour on the VM weighs less
    for (let round = 0; round < 2; round++) {
      for (const [name, send] of variants) rates.set(name, Math.max(rates.get(name) ?? 0, await run(send, N)));
    }
    const baseline = rates.get('bare axios loop')!;
    const transport = rates.get('transport, endpoint url')!;
    for (const [name] of variants) {
      const rate = rates.get(name)!;
      console.log(`${name.padEnd(46)} ${rate.toFixed(0).padStart(6)} req/s  ${(rate / baseline).toFixed(2)}× axios  ${(rate / transport).toFixed(2)}× transport`);
    }
    const tokens = await (await fetch(`${base}/tokens`)).text();
    console.log(`token requests for ${2 * N + 300} OAuth2 attempts: ${tokens}`);
    console.log(`targets: transport >= 1.0× axios ${transport / baseline >= 1 ? 'met' : 'NOT met'}; policy >= 0.9× transport ${rates.get('transport, msg url by name under the policy')! / transport >= 0.9 ? 'met' : 'NOT met'}; OAuth2 >= 0.9× transport ${rates.get('endpoint client, OAuth2 cached token')! / transport >= 0.9 ? 'met' : 'NOT met'}`);
  } finally {
    direct.close();
    checked.close();
    oauth.close();
    server.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
