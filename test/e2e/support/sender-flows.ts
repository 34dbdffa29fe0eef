/** Flows for the sender e2e tests: a generator that emits `count` msgs at once into the sender. */
export function burstFlow(receiverUrl: string, count: number, withGenerator = true): object[] {
  const flows: object[] = [
    { id: 'tab1', type: 'tab', label: 'e2e' },
    { id: 'ep', type: 'printhooks-endpoint', name: 'receiver', url: `${receiverUrl}/hook`, method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false, version: 1 },
    { id: 's1', type: 'printhooks-sender', z: 'tab1', endpoint: 'ep', concurrency: 4, ordered: false, retrySchedule: '1,1,1,1,1,1,1,1,1,1', jitter: 0, overloadDelay: 1, version: 1, wires: [[], []] },
  ];
  if (!withGenerator) return flows;
  flows.push(
    { id: 'inj', type: 'inject', z: 'tab1', once: true, onceDelay: 0.5, repeat: '', topic: '', payload: '', payloadType: 'date', props: [{ p: 'payload' }], wires: [['gen']] },
    {
      id: 'gen', type: 'function', z: 'tab1', outputs: 1, libs: [],
      func: `const out = [];\nfor (let i = 0; i < ${count}; i++) out.push({ topic: 'print.progress', payload: { id: 'evt_' + i, type: 'print.progress', n: i } });\nreturn [out];`,
      wires: [['s1']],
    },
    { id: 'cmp', type: 'complete', z: 'tab1', scope: ['s1'], uncaught: false, wires: [['acc']] },
    {
      id: 'acc', type: 'function', z: 'tab1', outputs: 1, libs: [],
      func: `const c = (context.get('c') || 0) + 1;\ncontext.set('c', c);\nif (c === ${count}) return { payload: { accepted: c } };\nreturn null;`,
      wires: [['tell']],
    },
    { id: 'tell', type: 'http request', z: 'tab1', method: 'POST', ret: 'txt', url: `${receiverUrl}/accepted`, tls: '', persist: false, wires: [[]] },
  );
  return flows;
}
