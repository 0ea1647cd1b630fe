import assert from 'node:assert/strict';

/** RFC 9457 problem details as sortie sends them (../shared/API.md, Conventions). */
export interface ProblemJson {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
}

/** An area as the API returns it. */
export interface AreaJson {
  id: number;
  name: string;
  type: string;
  created_at: string;
  updated_at?: string;
  location?: { lat: number; lng: number };
  population?: number;
  country?: string;
  external_ref?: string;
}

/** ISO-8601 UTC with milliseconds, e.g. `2026-11-22T10:00:00.000Z`. */
export const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * Sends `body` (a value to JSON-encode, or a raw string sent as is) with `Content-Type: application/json`
 * unless `headers` overrides it.
 */
export function sendJson(url: string, method: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/**
 * Asserts that `res` is an `application/problem+json` reply of `status` whose `type`, `title` and `status`
 * follow the contract and, when `paths` is given, whose `errors[].path` contains each of them.
 * @returns the parsed problem.
 */
export async function expectProblem(res: Response, status: number, paths?: readonly string[]): Promise<ProblemJson> {
  const text = await res.text();
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${text}`);
  return checkProblem(res.headers.get('content-type'), text, status, paths);
}

/** Checks a problem body received by any means (fetch, raw socket). @returns the parsed problem. */
export function checkProblem(contentType: string | null | undefined, text: string, status: number, paths?: readonly string[]): ProblemJson {
  assert.equal(contentType, 'application/problem+json', `content type of ${text}`);
  const p = JSON.parse(text) as ProblemJson;
  assertProblemShape(p, status);
  if (paths !== undefined) {
    const got = (p.errors ?? []).map((e) => e.path);
    for (const path of paths) assert.ok(got.includes(path), `errors[].path should include ${path}; got ${JSON.stringify(p.errors)}`);
  }
  return p;
}

/** Asserts the RFC 9457 members every sortie problem carries (also used for WebSocket `error` members). */
export function assertProblemShape(p: ProblemJson, status: number): void {
  assert.match(p.type, /^https:\/\/sortie\.dev\/problems\/[a-z0-9-]+$/, `problem type of ${JSON.stringify(p)}`);
  assert.equal(typeof p.title, 'string');
  assert.ok(p.title.length > 0);
  assert.equal(p.status, status, `problem status of ${JSON.stringify(p)}`);
  for (const e of p.errors ?? []) {
    assert.equal(typeof e.path, 'string');
    assert.equal(typeof e.message, 'string');
  }
}

/** Asserts a 2xx JSON reply of `status` and returns its parsed body. */
export async function expectJson<T>(res: Response, status: number): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${text}`);
  assert.equal(res.headers.get('content-type'), 'application/json');
  return JSON.parse(text) as T;
}

/** The target of an RFC 8288 `Link: <...>; rel="next"` header, resolved against `base`; undefined when absent. */
export function nextLinkOf(res: Response, base: string): string | undefined {
  const link = res.headers.get('link');
  if (link === null) return undefined;
  const m = /^<([^>]+)>;\s*rel="next"$/.exec(link);
  assert.ok(m, `Link header should be <...>; rel="next", got ${link}`);
  return new URL(m[1] as string, base).href;
}

/** Follows `Link: rel="next"` from `url` to the last page. @returns every page's items, in order, and the page count. */
export async function collectPages<T>(url: string): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  for (let next: string | undefined = url; next !== undefined; pages++) {
    const res = await fetch(next);
    const page = await expectJson<T[]>(res, 200);
    items.push(...page);
    next = nextLinkOf(res, url);
    if (next !== undefined) assert.ok(page.length > 0, 'a page with a next link must not be empty');
  }
  return { items, pages };
}
