import { DeliveryQueue, DeliveryQueueOptions, EndpointTarget } from '../../../src/delivery/delivery-queue';
import { EndpointHealth } from '../../../src/delivery/endpoint-health';
import { HttpTransport } from '../../../src/delivery/http-transport';
import { Outbox } from '../../../src/delivery/outbox';
import type { RateLimiter } from '../../../src/delivery/rate-limiter';
import { RetryPolicy } from '../../../src/delivery/retry-policy';
import { getSigner } from '../../../src/sign/signer-registry';
import { FakeReceiver } from '../../fakes/receiver/receiver';
import { tempDir } from './tmp-dir';

export interface Harness {
  queue: DeliveryQueue;
  outbox: Outbox;
  health: EndpointHealth;
  transport: HttpTransport;
  delivered: Array<Record<string, unknown>>;
  dead: Array<Record<string, unknown>>;
  maxInFlight: number;
  target: EndpointTarget;
  stop(): Promise<void>;
}

export interface HarnessOptions extends Partial<Omit<DeliveryQueueOptions, 'outbox' | 'policy' | 'target'>> {
  dir: string;
  url: string;
  schedule?: number[];
  overloadDelay?: number;
  timeoutMs?: number;
  health?: EndpointHealth;
  authHeaders?: Record<string, string>;
  limiter?: RateLimiter;
  /** Accept the receiver's self-signed certificate (an HTTPS FakeReceiver). */
  tlsInsecure?: boolean;
  /** Leave the queue unstarted (fill it first). */
  noStart?: boolean;
}

/** A real queue over a real outbox and a real HTTP transport, with short delays for tests. */
export function makeQueue(o: HarnessOptions): Harness {
  const outbox = new Outbox(o.dir, { commitGapMs: 1 });
  const health = o.health ?? new EndpointHealth();
  const transport = new HttpTransport({ timeoutMs: o.timeoutMs ?? 2000, tlsInsecure: o.tlsInsecure });
  let inflight = 0;
  const h = { delivered: [], dead: [], maxInFlight: 0 } as unknown as Harness;
  const target: EndpointTarget = {
    url: o.url,
    method: 'POST',
    authHeaders: o.authHeaders ?? {},
    health,
    limiter: o.limiter,
    send: async (req) => {
      inflight += 1;
      h.maxInFlight = Math.max(h.maxInFlight, inflight);
      try {
        return await transport.send(req);
      } finally {
        inflight -= 1;
      }
    },
  };
  const queue = new DeliveryQueue({
    getSigner,
    signerWaitMs: 50,
    ...o,
    outbox,
    target: () => target,
    policy: new RetryPolicy({ schedule: o.schedule ?? [0.05, 0.05], jitter: 0, overloadDelay: o.overloadDelay ?? 0.05 }),
    onDelivered: (build) => h.delivered.push(build()),
    onDead: (msg) => h.dead.push(msg),
  });
  Object.assign(h, {
    queue, outbox, health, transport, target,
    stop: async () => {
      await queue.stop(100);
      transport.close();
    },
  });
  if (!o.noStart) queue.start();
  return h;
}

export async function until(check: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** What a queue spec has per test: a fresh outbox folder, a real receiver, and the queue it made (stopped after). */
export interface QueueRig {
  dir: string;
  rx: FakeReceiver;
  h?: Harness;
}

/** Mocha hooks giving every test of the describe a fresh QueueRig. */
export function useQueueRig(): QueueRig {
  const rig = {} as QueueRig;
  let cleanup = () => undefined as void;
  beforeEach(async () => {
    const t = tempDir();
    rig.dir = t.dir;
    cleanup = t.cleanup;
    rig.rx = await new FakeReceiver().start();
  });
  afterEach(async () => {
    await rig.h?.stop();
    rig.h = undefined;
    await rig.rx.stop();
    cleanup();
  });
  return rig;
}
