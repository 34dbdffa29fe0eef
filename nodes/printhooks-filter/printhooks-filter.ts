import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { isEventType, type PrinterEvent } from '../../src/event';
import { parseFilterConfig, type RawFilterConfig } from '../../src/filter/config';
import { EventFilter } from '../../src/filter/event-filter';
import { failMsg, reportConfigError, toError } from '../shared/errors';
import { migrateConfig } from '../shared/migrate';
import { openFilterState } from './filter-state';
import { MIGRATIONS } from './migrations';
import { StatusCounter } from '../shared/status-counter';

interface FilterNodeDef extends NodeDef, RawFilterConfig {
  version?: number;
}

function isPrinterEvent(value: unknown): value is PrinterEvent {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Partial<PrinterEvent>;
  return isEventType(v.type) && typeof v.printer === 'object' && v.printer !== null;
}

/**
 * `msg.thinned = true` on a progress or layer msg this filter thinned (milestones, time step, remaining
 * below): the template's chat and push presets warn about progress that arrives without it (docs/filter.md).
 */
function markThinned(msg: NodeMessage, thinned: boolean): void {
  if (thinned) (msg as NodeMessage & { thinned?: boolean }).thinned = true;
}

export = function register(RED: NodeAPI): void {
  function PrintHooksFilterNode(this: Node, def: FilterNodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const config = migrateConfig<FilterNodeDef>(def, MIGRATIONS);
    const parsed = parseFilterConfig(config, Intl.DateTimeFormat().resolvedOptions().timeZone);
    const state = openFilterState(RED, node, parsed.ok ? parsed.config.cooldownMs : 0);
    const filter = parsed.ok ? new EventFilter<NodeMessage>(parsed.config, undefined, state.marks) : undefined;
    const counter = new StatusCounter<'passed' | 'blocked'>(node, (c) => {
      const held = filter?.heldCount ?? 0;
      return {
        fill: held > 0 ? 'yellow' : 'green',
        shape: 'dot',
        text: `passed ${c.passed ?? 0} · blocked ${c.blocked ?? 0}${held > 0 ? ` · held ${held}` : ''}`,
      };
    });
    let releaseTimer: NodeJS.Timeout | undefined;
    const configProblem = parsed.ok ? undefined : `printhooks-filter configuration: ${parsed.errors.join('; ')}`;
    if (configProblem) {
      reportConfigError(node, configProblem);
      counter.freeze();
    }

    function scheduleRelease(): void {
      if (!filter || releaseTimer) return;
      const wait = filter.msUntilRelease();
      if (wait === undefined) return;
      // Long timers are re-checked hourly so a clock change cannot strand held events.
      releaseTimer = setTimeout(() => {
        releaseTimer = undefined;
        const released = filter.releaseDue();
        for (const held of released) {
          held.item.payload = held.event;
          markThinned(held.item, held.thinned);
          node.send(held.item);
        }
        counter.add('passed', released.length);
        scheduleRelease();
      }, Math.min(wait, 3_600_000));
    }

    node.on('input', (msg: NodeMessageInFlow, send: (m: NodeMessage) => void, done: (err?: Error) => void) => {
      try {
        if (!filter) {
          counter.add('blocked');
          done(new Error(`${configProblem}. Nothing passes until the node is fixed and redeployed.`));
          return;
        }
        if (!isPrinterEvent(msg.payload)) {
          counter.add('blocked');
          failMsg(node, new Error('printhooks-filter: msg.payload is not a PrintHooks event (it needs a known "type" and a "printer" object); connect a PrintHooks source or build the event in that shape'), done);
          return;
        }
        const decision = filter.decide(msg.payload, msg);
        if (decision.action === 'pass') {
          msg.payload = decision.event;
          markThinned(msg, decision.thinned);
          counter.add('passed');
          send(msg);
        } else if (decision.action === 'hold') {
          counter.touch();
          scheduleRelease();
        } else {
          counter.add('blocked');
        }
        done();
      } catch (err) {
        failMsg(node, err, done);
      }
    });

    node.on('close', (removed: boolean, done: () => void) => {
      if (releaseTimer) clearTimeout(releaseTimer);
      counter.dispose();
      state.close(removed === true).then(done, (err: unknown) => {
        node.warn(`printhooks-filter: could not ${removed ? 'remove' : 'save'} ${state.file} (${toError(err).message})`);
        done();
      });
    });
  }

  RED.nodes.registerType('printhooks-filter', PrintHooksFilterNode);
};
