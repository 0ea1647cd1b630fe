/**
 * Rehash at login: accounts registered while SCRYPT_COST_LOG2 was lower get their password hashed again
 * at the current cost by their next successful login (seen in `GET /me/export`, `password.algorithm`);
 * lowering the cost later keeps the stronger hash.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { bearer, register, type TokenPairJson } from '../helpers/auth.ts';
import { expectJson, expectProblem, sendJson } from '../helpers/http.ts';
import { startServer, tempDataDir, type TestServer } from '../helpers/server.ts';

const dataDir = tempDataDir();
let server: TestServer | undefined;
after(async () => { await server?.dispose(); });

/** (Re)starts the server on the shared data directory with scrypt N = 2^log2N. */
async function restartWithCost(log2N: number): Promise<TestServer> {
  if (server !== undefined) {
    assert.equal(await server.stop(), 0);
    assert.deepEqual(server.logs.filter((l) => (l.level as number) >= 50), [], 'no error was logged');
  }
  return (server = await startServer({ DATA_DIR: dataDir, SCRYPT_COST_LOG2: String(log2N) }, true));
}

const login = (s: TestServer, email: string, password: string) => sendJson(`${s.url}/auth/login`, 'POST', { email, password });
const algorithm = async (s: TestServer, pair: TokenPairJson) =>
  (await expectJson<{ password: { algorithm: string } }>(await fetch(`${s.url}/me/export`, { headers: bearer(pair.access_token) }), 200)).password.algorithm;

test('a login after SCRYPT_COST_LOG2 was raised stores the password at the new cost; it keeps working', async () => {
  let s = await restartWithCost(10);
  const reg = await register(s.url);
  assert.equal(await algorithm(s, reg), 'scrypt ln=10,r=8,p=1');

  s = await restartWithCost(12);
  const first = await expectJson<TokenPairJson>(await login(s, reg.credentials.email, reg.credentials.password), 200);
  assert.equal(await algorithm(s, first), 'scrypt ln=12,r=8,p=1', 'rehashed before the login answered');
  assert.ok(s.logs.some((l) => l.msg === 'password rehashed at the current scrypt cost' && l.user_id === reg.user.id));
  await expectJson(await login(s, reg.credentials.email, reg.credentials.password), 200);
  await expectProblem(await login(s, reg.credentials.email, 'wrong password'), 401);

  s = await restartWithCost(10);
  const lowered = await expectJson<TokenPairJson>(await login(s, reg.credentials.email, reg.credentials.password), 200);
  assert.equal(await algorithm(s, lowered), 'scrypt ln=12,r=8,p=1', 'a lower cost never replaces a stronger hash');
});
