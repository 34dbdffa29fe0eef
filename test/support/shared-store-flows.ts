import type { TestDatabase } from './postgres';

export interface SharedStoreFlowOptions {
  db: TestDatabase;
  receiverUrl: string;
  schema: string;
  concurrency?: number;
  /** The embedded outbox instead (the bench's baseline): the sender's store left empty. */
  embedded?: boolean;
}

/**
 * One flow that every Node-RED instance of a multi-instance test or bench deploys (the same ids everywhere,
 * as a real farm would): a sender on the PostgreSQL store, `POST /gen {prefix, from, count}` to emit msgs
 * `{id: prefix+i}` into it, `GET /stats` for how many this instance accepted (done()) and had refused.
 */
export function sharedStoreFlow(options: SharedStoreFlowOptions): object[] {
  const { db } = options;
  return [
    { id: 'tab1', type: 'tab', label: 'shared store' },
    { id: 'ep', type: 'printhooks-endpoint', name: 'receiver', url: `${options.receiverUrl}/hook`, method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false, version: 1 },
    { id: 'pg1', type: 'printhooks-postgres', host: db.host, port: db.port, database: db.database, ssl: false, schema: options.schema, version: 1 },
    { id: 's1', type: 'printhooks-sender', z: 'tab1', endpoint: 'ep', store: options.embedded ? '' : 'pg1', concurrency: options.concurrency ?? 8, ordered: false, retrySchedule: '1,1,1,1,1,1,1,1,1,1', jitter: 0, overloadDelay: 1, version: 2, wires: [[], []] },
    { id: 'genIn', type: 'http in', z: 'tab1', url: '/gen', method: 'post', upload: false, wires: [['gen', 'genOk']] },
    { id: 'genOk', type: 'http response', z: 'tab1', statusCode: '200', headers: {}, wires: [] },
    {
      id: 'gen', type: 'function', z: 'tab1', outputs: 1, libs: [],
      func: 'const p = msg.payload; const out = [];\nfor (let i = p.from; i < p.from + p.count; i++) out.push({ topic: "print.progress", payload: { id: p.prefix + i, type: "print.progress", n: i } });\nreturn [out];',
      wires: [['s1']],
    },
    { id: 'cmp', type: 'complete', z: 'tab1', scope: ['s1'], uncaught: false, wires: [['count']] },
    { id: 'cat', type: 'catch', z: 'tab1', scope: ['s1'], uncaught: false, wires: [['countErr']] },
    { id: 'count', type: 'function', z: 'tab1', outputs: 1, libs: [], func: 'flow.set("accepted", (flow.get("accepted") || 0) + 1); return null;', wires: [] },
    { id: 'countErr', type: 'function', z: 'tab1', outputs: 1, libs: [], func: 'flow.set("refused", (flow.get("refused") || 0) + 1); return null;', wires: [] },
    { id: 'statsIn', type: 'http in', z: 'tab1', url: '/stats', method: 'get', upload: false, wires: [['stats']] },
    { id: 'stats', type: 'function', z: 'tab1', outputs: 1, libs: [], func: 'msg.payload = { accepted: flow.get("accepted") || 0, refused: flow.get("refused") || 0 }; return msg;', wires: [['statsOut']] },
    { id: 'statsOut', type: 'http response', z: 'tab1', statusCode: '200', headers: {}, wires: [] },
  ];
}

/** The credentials file content of that flow (credentialSecret: false keeps it plain JSON). */
export function sharedStoreCredentials(db: TestDatabase): Record<string, unknown> {
  return { pg1: { user: db.user, password: db.password } };
}
