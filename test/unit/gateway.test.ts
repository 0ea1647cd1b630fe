/** The pure parts of the gateway: W3C traceparent, Cache-Control freshness, header hygiene. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { freshnessMs, varyNames } from '../../src/http/gateway/cache-control.ts';
import { headerValue, relayedResponseHeaders, upstreamRequestHeaders } from '../../src/http/gateway/headers.ts';
import { continueTrace, traceparentOf } from '../../src/http/gateway/traceparent.ts';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';

describe('traceparent (W3C Trace Context §3.2)', () => {
  test('a valid header is continued: same trace id and flags, our span as the new parent', () => {
    const t = continueTrace(`00-${TRACE}-${PARENT}-00`);
    assert.equal(t.traceId, TRACE);
    assert.equal(t.parentId, PARENT);
    assert.equal(t.flags, '00');
    assert.match(t.spanId, /^[0-9a-f]{16}$/);
    assert.notEqual(t.spanId, PARENT);
    assert.equal(traceparentOf(t), `00-${TRACE}-${t.spanId}-00`);
  });

  test('a later version is read for its version-00 fields, extra fields ignored', () => {
    assert.equal(continueTrace(`cc-${TRACE}-${PARENT}-01-what-ever`).traceId, TRACE);
  });

  test('anything invalid starts a new sampled trace', () => {
    for (const bad of ['', 'garbage', `ff-${TRACE}-${PARENT}-01`, `00-${'0'.repeat(32)}-${PARENT}-01`, `00-${TRACE}-${'0'.repeat(16)}-01`,
      `00-${TRACE.toUpperCase()}-${PARENT}-01`, `00-${TRACE}-${PARENT}-01-extra`, `00-${TRACE}-${PARENT}-1`, `00_${TRACE}-${PARENT}-01`, `cc-${TRACE}-${PARENT}-01x`]) {
      const t = continueTrace(bad);
      assert.equal(t.parentId, undefined, bad);
      assert.match(traceparentOf(t), /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/, bad);
      assert.notEqual(t.traceId, '0'.repeat(32));
    }
  });

  test('whatever arrives, what is sent upstream is a valid version-00 traceparent, and new ids differ', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (header) => {
      assert.match(traceparentOf(continueTrace(header)), /^00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/);
    }));
    const ids = new Set(Array.from({ length: 1000 }, () => continueTrace('').traceId));
    assert.equal(ids.size, 1000);
  });
});

describe('freshness (RFC 9111)', () => {
  test('the configured TTL when the upstream says nothing; max-age and s-maxage shorten it, never lengthen it', () => {
    assert.equal(freshnessMs(200, '', '', 5000), 5000);
    assert.equal(freshnessMs(200, 'public, max-age=2', '', 5000), 2000);
    assert.equal(freshnessMs(200, 'max-age=60', '', 5000), 5000);
    assert.equal(freshnessMs(200, 'max-age=1, s-maxage=3', '', 5000), 3000);
    assert.equal(freshnessMs(200, 'Max-Age="2"', '', 5000), 2000);
  });

  test('not stored: no-store, private, no-cache, max-age=0, an invalid max-age, Vary: *, a status other than 200', () => {
    for (const cc of ['no-store', 'private', 'no-cache', 'public, No-Store', 'max-age=0', 'max-age=abc', 'max-age', 'max-age=-1'])
      assert.equal(freshnessMs(200, cc, '', 5000), 0, cc);
    assert.equal(freshnessMs(200, '', ' * ', 5000), 0);
    for (const status of [201, 204, 301, 404, 500]) assert.equal(freshnessMs(status, '', '', 5000), 0);
  });

  test('Vary names, lower-case', () => {
    assert.deepEqual(varyNames('Accept-Language, ACCEPT-Encoding ,, '), ['accept-language', 'accept-encoding']);
  });
});

describe('header hygiene (RFC 9110 §7.6)', () => {
  test('hop-by-hop headers and those Connection names are dropped; X-Forwarded-* and traceparent added; Host replaced', () => {
    const out = upstreamRequestHeaders([
      ['host', 'client.example'], ['connection', 'close, X-Secret'], ['x-secret', 's'], ['keep-alive', 'timeout=5'], ['te', 'trailers'],
      ['transfer-encoding', 'chunked'], ['upgrade', 'h2c'], ['proxy-authorization', 'Basic x'], ['x-forwarded-for', '10.0.0.1'],
      ['x-forwarded-for', '10.0.0.2'], ['traceparent', 'client'], ['accept', 'a'], ['accept', 'b'], ['authorization', 'Bearer t'],
    ], { peer: '127.0.0.1', traceparent: 'ours' });
    const pairs: [string, string][] = [];
    for (let i = 0; i < out.length; i += 2) pairs.push([out[i] as string, out[i + 1] as string]);
    assert.deepEqual(pairs, [
      ['accept', 'a'], ['accept', 'b'], ['authorization', 'Bearer t'],
      ['x-forwarded-for', '10.0.0.1, 10.0.0.2, 127.0.0.1'], ['x-forwarded-proto', 'http'], ['traceparent', 'ours'], ['x-forwarded-host', 'client.example'],
    ]);
  });

  test('response: hop-by-hop, framing and uWS-written fields dropped; repeated ones kept', () => {
    assert.deepEqual(relayedResponseHeaders({
      connection: 'keep-alive, x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', 'content-length': '3',
      date: 'x', uwebsockets: '20', 'set-cookie': ['a=1', 'b=2'], 'content-type': 'application/json', link: '</x>; rel="next"',
    }), [['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['content-type', 'application/json'], ['link', '</x>; rel="next"']]);
  });

  test('headerValue joins repeated request headers', () => {
    assert.equal(headerValue([['a', '1'], ['b', '2'], ['a', '3']], 'a'), '1, 3');
    assert.equal(headerValue([], 'a'), '');
  });
});
