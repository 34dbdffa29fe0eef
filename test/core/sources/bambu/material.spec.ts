import { strict as assert } from 'node:assert';
import type { PrinterEvent } from '../../../../src/event';
import { loadedMaterial, reportedNozzle, trayColor } from '../../../../src/sources/bambu/material';
import { FakePrinter } from '../../../fakes/bambu/fake-printer';
import { delta, fullReport, trayNow } from '../../../fakes/bambu/reports';
import { rig, sleep, waitFor, type Rig } from './harness';

const ams = (units: unknown[], now: string) => ({ ams: { ams: units, tray_now: now } });
const unit = (id: string, trays: Array<Record<string, unknown>>) => ({ id, tray: trays });

describe('bambu material and nozzle', function () {
  this.timeout(8000);

  it('tray_now names the loaded tray: AMS unit n/4 tray n%4, AMS HT by its id, 254 the external spool, 255 nothing', () => {
    const units = [
      unit('0', [{ id: '0', tray_type: 'PLA', tray_color: 'F2754EFF', tray_sub_brands: 'PLA Basic' }]),
      unit('1', [{ id: '2', tray_type: 'ABS', tray_color: '489FDFFF' }]),
      unit('128', [{ id: '0', tray_type: 'PA-CF', tray_color: '000000FF', tray_sub_brands: 'PAHT-CF' }]),
    ];
    assert.deepEqual(loadedMaterial(ams(units, '0'))?.value, { type: 'PLA', color: '#F2754E', tray: 'ams0/tray0', name: 'PLA Basic' });
    assert.deepEqual(loadedMaterial(ams(units, '6'))?.value, { type: 'ABS', color: '#489FDF', tray: 'ams1/tray2', name: undefined });
    assert.deepEqual(loadedMaterial(ams(units, '128'))?.value, { type: 'PA-CF', color: '#000000', tray: 'ams128/tray0', name: 'PAHT-CF' });
    assert.deepEqual(loadedMaterial({ ...ams(units, '254'), vt_tray: { tray_type: 'TPU', tray_color: '9B9EA0FF' } })?.value, { type: 'TPU', color: '#9B9EA0', tray: 'external', name: undefined });
    assert.equal(loadedMaterial(ams(units, '255')), undefined);
    assert.equal(loadedMaterial({}), undefined);
    assert.deepEqual(loadedMaterial(ams(units, '3'))?.value, { type: undefined, color: undefined, tray: 'ams0/tray3', name: undefined }, 'a tray the report does not describe');
    assert.equal(trayColor('00000000'), undefined, 'an empty slot has no colour');
    assert.equal(trayColor('#zz'), undefined);
  });

  it('hostile reports: odd tray_now values, trays that are not objects and huge names give no material, or a bounded one', () => {
    for (const now of ['-1', '256', '1e3', 'x', null, {}, [], 3.5, '99999']) assert.equal(loadedMaterial({ ams: { ams: [], tray_now: now } })?.value.type, undefined, String(now));
    assert.equal(loadedMaterial({ ams: 'x' }), undefined);
    assert.deepEqual(loadedMaterial({ ams: { ams: [null, 5, { id: '0', tray: 'no' }], tray_now: '0' } })?.value, { type: undefined, color: undefined, tray: 'ams0/tray0', name: undefined });
    const huge = loadedMaterial(ams([unit('0', [{ id: '0', tray_type: 'P'.repeat(10_000), tray_sub_brands: 'N'.repeat(10_000) }])], '0'))?.value;
    assert.equal(huge?.type?.length, 64);
    assert.equal(huge?.name?.length, 64);
  });

  it('the nozzle: diameter from the string Bambu sends, type as reported; neither = nothing', () => {
    assert.deepEqual(reportedNozzle({ nozzle_diameter: '0.4', nozzle_type: 'hardened_steel' })?.value, { diameter: 0.4, type: 'hardened_steel' });
    assert.deepEqual(reportedNozzle({ nozzle_diameter: 0.6 })?.value, { diameter: 0.6, type: undefined });
    assert.equal(reportedNozzle({ nozzle_diameter: 'wide', nozzle_type: '' }), undefined);
    assert.equal(reportedNozzle({ nozzle_diameter: '-1' }), undefined);
  });

  describe('over MQTT with the fake printer', () => {
    let printer: FakePrinter;
    let r: Rig;
    beforeEach(async () => {
      printer = await new FakePrinter({ state: fullReport(ams([unit('0', [{ id: '0', tray_type: 'PLA', tray_color: 'F2754EFF' }, { id: '1', tray_type: 'PETG', tray_color: '000000FF', tray_sub_brands: 'PETG HF' }])], '0')), productName: 'Bambu Lab X1-Carbon' }).start();
      r = rig(printer);
      await waitFor(() => r.types().includes('printer.online'), 'the baseline');
    });
    afterEach(async () => {
      await r.stop();
      await printer.stop();
    });

    const of = (type: string): PrinterEvent[] => r.events.filter((e) => e.type === type);

    it('the loaded tray and nozzle at connect are a baseline; a tray change and a nozzle swap fire once each', async () => {
      await sleep(50);
      assert.deepEqual(of('printer.material_changed'), []);
      assert.deepEqual(of('printer.nozzle_changed'), []);
      printer.publish(trayNow(255));
      printer.publish(trayNow(1));
      printer.publish(delta({ mc_percent: 3 }));
      await waitFor(() => of('printer.material_changed').length === 1, 'material_changed');
      assert.deepEqual(of('printer.material_changed')[0].material, { type: 'PETG', color: '#000000', tray: 'ams0/tray1', name: 'PETG HF' });
      printer.publish(delta({ nozzle_diameter: '0.6', nozzle_type: 'hardened_steel' }));
      await waitFor(() => of('printer.nozzle_changed').length === 1, 'nozzle_changed');
      assert.deepEqual(of('printer.nozzle_changed')[0].nozzle, { diameter: 0.6, type: 'hardened_steel' });
      printer.publish(delta({ nozzle_diameter: '0.6' }));
      await sleep(80);
      assert.equal(of('printer.nozzle_changed').length, 1, 'the same nozzle again is no change');
    });

    it('a reconnect re-reads the same material and nozzle without firing; the external spool fires with its vt_tray filament', async () => {
      printer.dropClients();
      await waitFor(() => printer.pushalls >= 2 && r.connection.phase.phase === 'ready', 'the reconnect and its full report');
      await sleep(100);
      assert.equal(of('printer.material_changed').length, 0);
      printer.publish(trayNow(254));
      await waitFor(() => of('printer.material_changed').length === 1, 'external spool');
      assert.deepEqual(of('printer.material_changed')[0].material, { type: 'TPU', color: '#FFFFFF', tray: 'external' });
    });
  });
});
