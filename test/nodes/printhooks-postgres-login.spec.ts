// A printhooks-postgres config node deployed without its login (an imported example: exports never carry
// credentials) names the fields to fill in, on itself and on the sender that uses it, instead of trying the
// database; the sender refuses msgs with done(err). No database is needed: nothing may be contacted.
import { strict as assert } from 'assert';
import { helper, nodeRedLine } from './helper';

const endpointNode = require('../../nodes/printhooks-endpoint/printhooks-endpoint');
const senderNode = require('../../nodes/printhooks-sender/printhooks-sender');
const postgresNode = require('../../nodes/printhooks-postgres/printhooks-postgres');
const nodes = [endpointNode, senderNode, postgresNode];

type Status = { fill?: string; text?: string };
type TestNode = { receive(msg: unknown): void };

/** The statuses a node showed since it was deployed (the helper spies on every node's status()). */
function statusesOf(node: unknown): Status[] {
  const spy = (helper as unknown as { _NodePrototype: { status: { getCalls(): { thisValue: unknown; args: [Status] }[] } } })._NodePrototype.status;
  return spy.getCalls().filter((c) => c.thisValue === node).map((c) => c.args[0]);
}

describe(`printhooks-postgres without user or password (Node-RED ${nodeRedLine})`, () => {
  beforeEach(() => helper.startServer());
  afterEach(async () => {
    await helper.unload();
    await helper.stopServer();
  });

  const flow = () => [
    { id: 'ep', type: 'printhooks-endpoint', url: 'http://127.0.0.1:9/hook', method: 'POST', timeout: 2, allowOverride: false, tlsInsecure: false, version: 1 },
    // the port is closed: a try of the database would say "connection refused"
    { id: 'pg1', type: 'printhooks-postgres', host: '127.0.0.1', port: 9, database: 'postgres', ssl: false, schema: 'printhooks', version: 1 },
    { id: 's1', type: 'printhooks-sender', endpoint: 'ep', store: 'pg1', concurrency: 1, ordered: false, retrySchedule: '1', jitter: 0, overloadDelay: 1, version: 3, wires: [[], [], []] },
  ];

  for (const [label, creds, words] of [
    ['no credentials', {}, 'set the database user and password'],
    ['a password without a user', { password: 'pw' }, 'set the database user'],
  ] as const) {
    it(`${label}: "${words}" on the store and the sender, msgs refused`, async () => {
      await helper.load(nodes, flow() as never, { pg1: creds } as never);
      const store = helper.getNode('pg1') as unknown as { configError?: string; store?: unknown };
      assert.equal(store.configError, `printhooks-postgres: ${words}`);
      assert.equal(store.store, undefined, 'no connection is tried');
      const sender = helper.getNode('s1') as unknown as TestNode & { _complete: (m: unknown, e?: Error) => void };
      for (const node of [store, sender]) assert.deepEqual(statusesOf(node).map((s) => [s.fill, s.text]), [['red', words]]);
      const refused = new Promise<Error | undefined>((resolve) => {
        const original = sender._complete;
        sender._complete = function (this: unknown, m: unknown, e?: Error) {
          resolve(e);
          return original.call(this, m, e);
        };
      });
      sender.receive({ payload: { id: 'evt_login', type: 'print.done' } });
      const err = await refused;
      assert.match(String(err?.message), new RegExp(`${words}; the msg was not accepted`));
    });
  }
});
