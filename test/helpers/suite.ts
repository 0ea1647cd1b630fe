import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { sendJson } from './http.ts';
import { startServer, type TestServer } from './server.ts';

/** A server shared by one test file, and short-hands for talking HTTP to it. */
export interface SuiteServer {
  /** The running server (set once the file's `before` hook ran). */
  readonly server: TestServer;
  url(path: string): string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  send(method: string, path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  del(path: string, headers?: Record<string, string>): Promise<Response>;
}

/**
 * Starts one server for the calling test file (`before`) and, after its tests, checks that it stops
 * with exit code 0 and logged no error, then removes its data (`after`).
 * @param env extra environment of the server.
 * @param setup runs once the server is up, before the file's tests (e.g. to create shared fixtures).
 */
export function suiteServer(env: Record<string, string> = {}, setup?: (server: TestServer) => Promise<void>): SuiteServer {
  let started: TestServer | undefined;
  before(async () => {
    started = await startServer(env);
    await setup?.(started);
  });
  after(async () => {
    const s = started as TestServer;
    assert.equal(await s.stop(), 0);
    assert.deepEqual(s.logs.filter((l) => (l.level as number) >= 50), [], 'no error was logged');
    await s.dispose();
  });
  const url = (path: string) => `${(started as TestServer).url}${path}`;
  return {
    get server() { return started as TestServer; },
    url,
    get: (path, headers = {}) => fetch(url(path), { headers }),
    send: (method, path, body, headers = {}) => sendJson(url(path), method, body, headers),
    del: (path, headers = {}) => fetch(url(path), { method: 'DELETE', headers }),
  };
}
