import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpRequest } from 'uWebSockets.js';
import { framingProblem, MAX_HEAD_BYTES, type ChunkedBodies } from '../../src/http/framing.ts';

/** A uWS request as the parser hands it over: lower-case field names, values trimmed, in order. */
function request(fields: [string, string][], url = '/areas', query = ''): HttpRequest {
  return {
    getCaseSensitiveMethod: () => 'POST', getUrl: () => url, getQuery: () => query,
    forEach: (cb: (name: string, value: string) => void) => { for (const [k, v] of fields) cb(k, v); },
  } as unknown as HttpRequest;
}
const statusOf = (fields: [string, string][], chunked: ChunkedBodies = 'refuse') => framingProblem(request([['host', 'h'], ...fields]), chunked)?.status;

test('Content-Length and Host: one of each is sound, two of either is 400', () => {
  assert.equal(statusOf([['content-length', '5']]), undefined);
  assert.equal(statusOf([['content-length', '5'], ['content-length', '5']]), 400, 'even with equal values');
  assert.equal(statusOf([['host', 'other']]), 400);
});

test('Transfer-Encoding: chunked is 411 unless CHUNKED_BODIES=accept; other codings 501; not ending in one chunked 400', () => {
  assert.equal(statusOf([['transfer-encoding', 'chunked']]), 411);
  assert.equal(statusOf([['transfer-encoding', 'Chunked']], 'accept'), undefined, 'codings are case-insensitive');
  for (const te of ['gzip, chunked', 'deflate,chunked']) assert.equal(statusOf([['transfer-encoding', te]], 'accept'), 501, te);
  assert.equal(statusOf([['transfer-encoding', 'gzip'], ['transfer-encoding', 'chunked']], 'accept'), 501, 'fields are joined in order');
  for (const te of ['chunked, gzip', 'chunked, chunked', 'gzip', 'identity', '', ' , ']) assert.equal(statusOf([['transfer-encoding', te]], 'accept'), 400, JSON.stringify(te));
  assert.equal(statusOf([['transfer-encoding', 'chunked'], ['transfer-encoding', 'chunked']], 'accept'), 400);
});

test(`a head over ${MAX_HEAD_BYTES} bytes (request line, query and fields) is 431`, () => {
  // "POST /areas HTTP/1.1\r\n" (22) + "host:h\r\n" (8) + "x:<v>\r\n" (4 + v) + "\r\n" (2) = 36 + v.
  assert.equal(statusOf([['x', 'v'.repeat(MAX_HEAD_BYTES - 36)]]), undefined);
  assert.equal(statusOf([['x', 'v'.repeat(MAX_HEAD_BYTES - 35)]]), 431);
  assert.equal(framingProblem(request([['host', 'h']], '/areas', 'q'.repeat(MAX_HEAD_BYTES)), 'refuse')?.status, 431, 'the query counts');
});
