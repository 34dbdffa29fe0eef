import { strict as assert } from 'node:assert';
import {
  currentErrors,
  decodeHms,
  decodePrintError,
  hmsCode,
  hmsModule,
  hmsSeverity,
  isCancelCode,
  isFaultValue,
  isRunoutCode,
  printErrorCode,
  wikiUrl,
} from '../../../../src/sources/bambu/codes';

describe('bambu codes', () => {
  it('formats print_error as 8 zero-padded hex digits split 4_4', () => {
    assert.equal(printErrorCode(0x0300400c), '0300_400C');
    assert.equal(printErrorCode(0x12008011), '1200_8011');
    assert.equal(printErrorCode('50348044'), '0300_400C');
    assert.equal(printErrorCode(0), undefined);
    assert.equal(printErrorCode(-1), undefined);
    assert.equal(printErrorCode('abc'), undefined);
    assert.equal(printErrorCode(1.5), undefined);
  });

  it('treats a low half below 0x4000 as a status value, not a fault', () => {
    assert.equal(isFaultValue(0x05003fff), false);
    assert.equal(isFaultValue(0x05004000), true);
  });

  it('knows the cancel echoes and the runout codes', () => {
    assert.ok(isCancelCode('0300_400C'));
    assert.ok(isCancelCode('0500_400E'));
    assert.ok(!isCancelCode('0500_400C'));
    for (const code of ['0300_8004', '0300_8015', '0702_8011', '07FF_8011', '1201_8011', '1880_8011']) assert.ok(isRunoutCode(code), code);
    assert.ok(!isRunoutCode('0300_400C'));
    assert.ok(!isRunoutCode('0500_8011'));
  });

  it('builds HMS codes, severities and modules from attr/code', () => {
    // attr 0x03000200, code 0x00010001
    assert.equal(hmsCode({ attr: 0x03000200, code: 0x00010001 }), 'HMS_0300_0200_0001_0001');
    assert.equal(hmsCode({ attr: 0x0c000300, code: 0x00030007 }), 'HMS_0C00_0300_0003_0007');
    assert.equal(hmsSeverity(0x00010001), 'fatal');
    assert.equal(hmsSeverity(0x00020001), 'serious');
    assert.equal(hmsSeverity(0x00030001), 'common');
    assert.equal(hmsSeverity(0x00040001), 'info');
    assert.equal(hmsSeverity(0x00090001), 'unknown');
    assert.equal(hmsModule(0x07010000), 'ams');
    assert.equal(hmsModule(0x0c000000), 'xcam');
    assert.equal(hmsModule(0x42000000), 'unknown');
  });

  it('links every code to the wiki page of the model family, AMS units B-D to unit A', () => {
    assert.equal(wikiUrl('HMS_0300_0200_0001_0001', 'P1S'), 'https://wiki.bambulab.com/en/x1/troubleshooting/hmscode/0300_0200_0001_0001');
    assert.equal(wikiUrl('HMS_0300_0200_0001_0001', 'H2S'), 'https://wiki.bambulab.com/en/h2/troubleshooting/hmscode/0300_0200_0001_0001');
    assert.equal(wikiUrl('HMS_0703_0100_0002_0010', 'X2D'), 'https://wiki.bambulab.com/en/x2d/troubleshooting/hmscode/0700_0100_0002_0010');
    assert.equal(wikiUrl('0500_400C'), 'https://wiki.bambulab.com/en/x1/troubleshooting/hmscode/0500_400C');
  });

  it('decodes HMS entries with text, names the AMS unit, drops text-less codes, keeps unknown ones', () => {
    const ams = decodeHms({ attr: 0x07010100, code: 0x00020010 }, 'H2D');
    assert.equal(ams?.code, 'HMS_0701_0100_0002_0010');
    assert.match(ams?.message ?? '', /^AMS B /);
    assert.equal(ams?.severity, 'error');
    assert.equal(decodeHms({ attr: 0x0c000100, code: 0x0002000e }), undefined);
    const unknown = decodeHms({ attr: 0x12341234, code: 0x00041234 });
    assert.equal(unknown?.code, 'HMS_1234_1234_0004_1234');
    assert.equal(unknown?.severity, 'info');
    assert.match(unknown?.message ?? '', /wiki/);
    assert.equal(decodeHms({ attr: 'x', code: 1 }), undefined);
    assert.equal(decodeHms(null), undefined);
  });

  it('decodes print_error with text and link; unknown codes get a generic message', () => {
    const sd = decodePrintError(0x0500400c);
    assert.equal(sd?.code, '0500_400C');
    assert.match(sd?.message ?? '', /MicroSD/);
    assert.equal(sd?.url, 'https://wiki.bambulab.com/en/x1/troubleshooting/hmscode/0500_400C');
    assert.match(decodePrintError(0x0777_4444)?.message ?? '', /0777_4444/);
    assert.equal(decodePrintError(0), undefined);
  });

  it('lists current faults without cancel echoes, runouts or status values', () => {
    const hms = [{ attr: 0x03000100, code: 0x00010007, ts_boot: 1 }];
    assert.deepEqual(currentErrors(0x0300400c, hms).map((e) => e.code), ['HMS_0300_0100_0001_0007']);
    assert.deepEqual(currentErrors(0x03008004, []).map((e) => e.code), []);
    assert.deepEqual(currentErrors(0x05001000, []).map((e) => e.code), []);
    assert.deepEqual(currentErrors(0x0500400c, 'junk').map((e) => e.code), ['0500_400C']);
  });
});
