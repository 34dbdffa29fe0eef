import assert from 'node:assert/strict';
import { encodeRequest, parseSdcpFrame } from '../../../../src/sources/elegoo/sdcp';

describe('elegoo SDCP envelope', () => {
  it('encodes a request with the topic, RequestID and MainboardID', () => {
    const frame = JSON.parse(encodeRequest(0, {}, 'abc', 'mb1', 1_746_293_611_000));
    assert.equal(frame.Topic, 'sdcp/request/mb1');
    assert.deepEqual(frame.Data, { Cmd: 0, Data: {}, RequestID: 'abc', MainboardID: 'mb1', TimeStamp: 1_746_293_611, From: 1 });
  });

  it('classifies status, attributes, responses, errors and pongs', () => {
    assert.deepEqual(parseSdcpFrame('pong'), { kind: 'pong' });
    const status = parseSdcpFrame(JSON.stringify({ Status: { PrintInfo: { Status: 13 } }, MainboardID: 'mb', Topic: 'sdcp/status/mb' }));
    assert.equal(status.kind, 'status');
    const attributes = parseSdcpFrame(JSON.stringify({ Attributes: { MainboardMAC: 'aa' }, Topic: 'sdcp/attributes/mb' }));
    assert.equal(attributes.kind, 'attributes');
    const response = parseSdcpFrame(JSON.stringify({ Data: { Cmd: 321, Data: { Ack: 0 }, RequestID: 'r1' }, Topic: 'sdcp/response/mb' }));
    assert.deepEqual(response, { kind: 'response', requestId: 'r1', cmd: 321, data: { Ack: 0 } });
    assert.deepEqual(parseSdcpFrame(JSON.stringify({ Data: { Data: { ErrorCode: 1 } }, Topic: 'sdcp/error/mb' })), { kind: 'error', code: '1' });
  });

  it('refuses hostile frames with a reason instead of throwing', () => {
    assert.equal(parseSdcpFrame('{nope').kind, 'invalid');
    assert.equal(parseSdcpFrame('['.repeat(10_000)).kind, 'invalid');
    assert.equal(parseSdcpFrame(JSON.stringify({ Topic: 'sdcp/status/x' })).kind, 'invalid');
    assert.equal(parseSdcpFrame(JSON.stringify({ no: 'topic' })).kind, 'invalid');
    assert.equal(parseSdcpFrame('x'.repeat(300 * 1024)).kind, 'invalid');
    assert.equal(parseSdcpFrame(Buffer.from([0xff, 0xfe])).kind, 'invalid');
  });
});
