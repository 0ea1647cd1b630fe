import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { expectJson, sendJson } from './http.ts';
import type { ReplyFrame } from './ws-client.ts';

/** An account as the API returns it (`GET /me`). */
export interface UserJson {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  phone: string | null;
  role: 'user' | 'admin';
  identity_status: string;
  created_at: string;
  /** `GET /me` and `PATCH /me` only: the caller's team memberships. */
  memberships?: { partner_id: string; partner_name: string; role: string }[];
}

/** Answer of register, login and refresh. */
export interface TokenPairJson {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
  user: UserJson;
}

/** A `POST /auth/register` body. */
export interface RegisterBody {
  email: string;
  password: string;
  first_name: string;
  last_name: string;
  phone?: string;
}

/** A valid registration with a fresh, unique email; `overrides` replace members. */
export function newAccount(overrides: Partial<RegisterBody> = {}): RegisterBody {
  return { email: `user-${randomUUID()}@example.org`, password: 'correct horse battery', first_name: 'Ann', last_name: 'Lee', ...overrides };
}

/** Registers `body` on the server at `url` and returns the 201 answer with the credentials used. */
export async function register(url: string, body: RegisterBody = newAccount(), headers: Record<string, string> = {}): Promise<TokenPairJson & { credentials: RegisterBody }> {
  const pair = await expectJson<TokenPairJson>(await sendJson(`${url}/auth/register`, 'POST', body, headers), 201);
  return { ...pair, credentials: body };
}

/** `Authorization: Bearer <token>`. */
export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/**
 * Opens `/ws?<query>` (e.g. `access_token=…`) and resolves with the HTTP status of the upgrade:
 * 101 when it upgraded (the socket is then closed), else the refusal's status and body.
 */
export function upgradeStatus(url: string, query: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; contentType?: string }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?${query}`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => { ws.close(); resolve({ status: 101, body: '' }); });
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, contentType: res.headers['content-type'] }));
    });
    ws.once('error', reject);
  });
}

/** A JSON WebSocket client on `/ws?<query>` whose `request` sends a frame and waits for the reply with its id. */
export async function querySocket(url: string, query: string, headers: Record<string, string> = {}): Promise<{
  /** Sends `frame`; its reply is the one with the same id (`null` when the frame has none). */
  request(frame: { id?: number | string; [k: string]: unknown }): Promise<ReplyFrame>;
  close(): void;
}> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ws?${query}`, { headers });
  const replies = new Map<unknown, (f: ReplyFrame) => void>();
  ws.on('message', (data: Buffer) => {
    const f = JSON.parse(data.toString('utf8')) as ReplyFrame;
    replies.get(f.id)?.(f);
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  return {
    request: (frame) => new Promise((resolve, reject) => {
      const id = frame.id ?? null;
      const timer = setTimeout(() => reject(new Error(`no reply to ${JSON.stringify(frame)}`)), 5000);
      replies.set(id, (f) => { clearTimeout(timer); replies.delete(id); resolve(f); });
      ws.send(JSON.stringify(frame));
    }),
    close: () => ws.close(),
  };
}
