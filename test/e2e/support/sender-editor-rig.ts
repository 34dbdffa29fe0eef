import type { Browser } from 'playwright-core';
import { FakeReceiver, type Reply } from '../../fakes/receiver/receiver';
import { useEditorRig } from './editor-rig';
import type { NodeRedProcess } from './node-red-process';

export interface SenderEditorRig {
  readonly rx: FakeReceiver;
  readonly red: NodeRedProcess;
  readonly browser: Browser;
}

export interface SenderEditorOptions {
  /** Names the Node-RED process and its temporary user folder. */
  label: string;
  /** The receiver's answer to the first delivery. */
  firstReply: Reply;
  /** The id of the print.done event injected once on deploy. */
  eventId: string;
  /** Sender `s1`'s own fields (retry schedule, jitter …); it has two outputs, saved at version 1. */
  sender: Record<string, unknown>;
}

/**
 * Mocha before/after hooks for the sender dialog specs (on useEditorRig): a receiver, Node-RED 4.1 as a process
 * with the endpoint `ep` at it and an inject that sends one print.done into `s1` at deploy, and Chromium; ready
 * once that first delivery was answered.
 */
export function useSenderEditor(options: SenderEditorOptions): SenderEditorRig {
  let rx: FakeReceiver | undefined;
  const receiver = (): FakeReceiver => {
    if (!rx) throw new Error('the receiver is not started yet');
    return rx;
  };
  const editor = useEditorRig({
    label: options.label,
    async prepare() {
      rx = await new FakeReceiver().start();
      rx.reply(options.firstReply);
    },
    flows: () => [
      { id: 'tab1', type: 'tab', label: 'e2e' },
      { id: 'ep', type: 'printhooks-endpoint', name: 'receiver', url: `${receiver().url}/hook`, method: 'POST', timeout: 15, allowOverride: false, tlsInsecure: false, version: 1 },
      { id: 'inj', type: 'inject', z: 'tab1', once: true, onceDelay: 0.2, repeat: '', topic: 'print.done', payload: JSON.stringify({ id: options.eventId, type: 'print.done' }), payloadType: 'json', props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], x: 100, y: 80, wires: [['s1']] },
      { id: 's1', type: 'printhooks-sender', z: 'tab1', endpoint: 'ep', concurrency: 4, ordered: false, overloadDelay: 60, version: 1, x: 300, y: 80, wires: [[], []], ...options.sender },
    ],
  });
  before(async () => {
    await receiver().waitFor(1, 20000);
  });
  after(async () => {
    await rx?.stop();
  });
  return {
    get rx() {
      return receiver();
    },
    get red() {
      return editor.red;
    },
    get browser() {
      return editor.browser;
    },
  };
}
