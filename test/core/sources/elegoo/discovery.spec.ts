import assert from 'node:assert/strict';
import { parseDiscoveryAnswer } from '../../../../src/sources/elegoo/discovery';

describe('elegoo discovery answers', () => {
  const answer = (body: unknown) => parseDiscoveryAnswer(Buffer.from(JSON.stringify(body)), '192.168.1.7');

  it('reads an SDCP answer (family from the machine name) and a CC2 answer (serial as mainboard id)', () => {
    const cc = answer({ Id: 'x', Data: { Name: 'Shop', MachineName: 'Centauri Carbon', MainboardID: 'mb1', FirmwareVersion: 'V1.1.29' } });
    assert.deepEqual(cc, { host: '192.168.1.7', model: 'cc', name: 'Shop', machine: 'Centauri Carbon', mainboardId: 'mb1', firmware: 'V1.1.29' });
    assert.equal(answer({ Data: { MachineName: 'ELEGOO Saturn 4 Ultra' } })?.model, 'resin');
    const cc2 = answer({ id: 0, result: { host_name: 'CC2', machine_model: 'Centauri Carbon 2', sn: 'SN9', token_status: 1, lan_status: 1 } });
    assert.deepEqual(cc2, { host: '192.168.1.7', model: 'cc2', name: 'CC2', machine: 'Centauri Carbon 2', mainboardId: 'SN9' });
  });

  it('ignores anything else', () => {
    assert.equal(parseDiscoveryAnswer(Buffer.from('M99999'), 'h'), undefined);
    assert.equal(answer({ id: 0, result: { host_name: 'no serial' } }), undefined);
    assert.equal(answer([1, 2]), undefined);
    assert.equal(parseDiscoveryAnswer(Buffer.alloc(20_000, 0x7b), 'h'), undefined);
  });
});
