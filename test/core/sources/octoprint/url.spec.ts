import assert from 'node:assert/strict';
import { endpoint, parseBaseUrl, printerIdFromUrl, rewriteSnapshotUrl, websocketUrl } from '../../../../src/sources/octoprint/url';

describe('octoprint url', () => {
  it('keeps a reverse-proxy prefix for REST and the raw websocket', () => {
    const base = parseBaseUrl('https://example.net/octoprint');
    assert.equal(endpoint(base, 'api/login'), 'https://example.net/octoprint/api/login');
    assert.equal(endpoint(base, '/api/job'), 'https://example.net/octoprint/api/job');
    assert.equal(websocketUrl(base), 'wss://example.net/octoprint/sockjs/websocket');
    assert.equal(websocketUrl(parseBaseUrl('http://octopi.local:5000')), 'ws://octopi.local:5000/sockjs/websocket');
  });

  it('rejects what is not an http(s) address, naming the problem', () => {
    assert.throws(() => parseBaseUrl(''), /url is empty/);
    assert.throws(() => parseBaseUrl('octopi.local'), /not a valid address/);
    assert.throws(() => parseBaseUrl('ftp://octopi.local'), /http:\/\/ or https:\/\//);
    assert.throws(() => parseBaseUrl('http://u:p@octopi.local'), /must not carry a user/);
    assert.throws(() => parseBaseUrl(42), /url is empty/);
  });

  it('derives a stable printer id that ignores case, query and a trailing slash', () => {
    const a = printerIdFromUrl(parseBaseUrl('http://OctoPi.local/'));
    assert.equal(a, printerIdFromUrl(parseBaseUrl('http://octopi.local?x=1')));
    assert.notEqual(a, printerIdFromUrl(parseBaseUrl('http://octopi2.local')));
    assert.match(a, /^octoprint-[0-9a-f]{12}$/);
  });

  it('rewrites a loopback snapshot URL to the OctoPrint host and resolves relative ones', () => {
    const base = parseBaseUrl('http://192.168.1.20/');
    assert.equal(rewriteSnapshotUrl(base, 'http://127.0.0.1:8080/?action=snapshot'), 'http://192.168.1.20:8080/?action=snapshot');
    assert.equal(rewriteSnapshotUrl(base, 'http://localhost:8080/snap'), 'http://192.168.1.20:8080/snap');
    assert.equal(rewriteSnapshotUrl(base, '/webcam/?action=snapshot'), 'http://192.168.1.20/webcam/?action=snapshot');
    assert.equal(rewriteSnapshotUrl(base, 'http://cam.lan/snap.jpg'), 'http://cam.lan/snap.jpg');
    assert.throws(() => rewriteSnapshotUrl(base, 'file:///etc/passwd'), /must be http/);
  });
});
