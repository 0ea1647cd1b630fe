/**
 * Runs generated frames on a pool of sockets (one per role and encoding) and checks the contract
 * (../shared/API.md, "WebSocket"): every frame gets exactly one reply carrying its id (null when none
 * can be read), `{ok: true, result}` or `{ok: false, error}` with a 4xx problem; the socket then still
 * answers a ping. The only documented ways a socket may end instead are a text frame of invalid UTF-8
 * (closed by uWS, code 1006) and a frame over BODY_LIMIT (1009; 1006 past FRAME_SLACK times the limit,
 * dropped by uWS at its header).
 */
import assert from 'node:assert/strict';
import { unpack } from 'msgpackr';
import { FRAME_SLACK, MESSAGE_TOO_BIG } from '../../../src/http/ws/socket.ts';
import { assertProblemShape } from '../http.ts';
import { WsClient, type ReplyFrame } from '../ws-client.ts';
import type { Encoding, SocketRole, WsCase } from './ws-cases.ts';
import type { World } from './world.ts';

/** What a frame got: its reply, or the close that ended its socket. */
export type FrameOutcome = { reply: ReplyFrame } | { closed: { code: number; reason: string } };

/** Longest wait for a reply before the frame counts as hanging. */
const REPLY_MS = 10_000;
/** RFC 6455 §7.1.5: closed without a close frame. */
const ABNORMAL = 1006;
/** BODY_LIMIT of the server (its default, 1 MiB): a larger frame closes the socket (README, "Limits"). */
const FRAME_LIMIT_BYTES = 1024 * 1024;

/** The id a reply must carry: the frame's own when it is a safe integer or a string of ≤ 64 characters, else null. */
function expectedId(data: string | Buffer, text: boolean): unknown {
  let v: unknown;
  try {
    v = typeof data === 'string' ? JSON.parse(data) : text ? JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data)) : unpack(data);
  } catch {
    return null;
  }
  const id = typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as { id?: unknown }).id : undefined;
  return Number.isSafeInteger(id) || (typeof id === 'string' && id.length <= 64) ? id : null;
}

/** True when `data` sent as text is not UTF-8 (the server may close the socket instead of answering). */
const invalidText = (data: string | Buffer, text: boolean) => {
  if (!text || typeof data === 'string') return false;
  try { new TextDecoder('utf-8', { fatal: true }).decode(data); return false; } catch { return true; }
};

/** Sockets by role and encoding, opened (and authenticated with the world's tokens) on first use. */
export class SocketPool {
  private readonly sockets = new Map<string, WsClient>();
  private pings = 0;

  constructor(private readonly url: string, private world: World) {}

  /** Closes every socket; the next use opens fresh ones authenticated in `world`. */
  reset(world: World): void {
    this.closeAll();
    this.world = world;
  }

  closeAll(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }

  private async socket(role: SocketRole, encoding: Encoding): Promise<WsClient> {
    const key = `${role}/${encoding}`;
    const open = this.sockets.get(key);
    if (open !== undefined && open.closedWith === undefined) return open;
    const s = await WsClient.connect(this.url, encoding);
    if (role !== 'anon') {
      const r = await s.request({ id: 'fuzz-auth', op: 'auth', token: this.world.tokens[role] });
      assert.ok(r.ok, `auth of the ${role} socket: ${JSON.stringify(r)}`);
    }
    this.sockets.set(key, s);
    return s;
  }

  /**
   * Sends `c` (encoded as `data`), checks its outcome and that the socket still answers a ping.
   * @returns the outcome, for the store check.
   */
  async run(c: WsCase, data: string | Buffer, text: boolean): Promise<FrameOutcome> {
    const s = await this.socket(c.role, c.encoding);
    const what = `${c.encoding} ${c.role} frame ${JSON.stringify(data.toString().slice(0, 300))}${data.length > 300 ? `…(${data.length} bytes)` : ''}`;
    s.sendRaw(data, !text);
    const id = expectedId(data, text);
    let outcome: FrameOutcome;
    try {
      outcome = { reply: await s.reply(id, REPLY_MS) };
    } catch (err) {
      const closed = s.closedWith;
      if (closed === undefined) assert.fail(`${what}: ${(err as Error).message}`);
      outcome = { closed };
    }
    if ('closed' in outcome) {
      const bytes = Buffer.byteLength(data);
      const expected = bytes > FRAME_SLACK * FRAME_LIMIT_BYTES ? ABNORMAL : bytes > FRAME_LIMIT_BYTES ? MESSAGE_TOO_BIG : invalidText(data, text) ? ABNORMAL : undefined;
      assert.ok(expected !== undefined && outcome.closed.code === expected, `${what} closed the socket: ${JSON.stringify(outcome.closed)} (documented: ${expected ?? 'none'})`);
      return outcome;
    }
    const r = outcome.reply;
    if (!r.ok) {
      assert.ok(r.error.status >= 400 && r.error.status < 500, `${what} → a 4xx error, got ${JSON.stringify(r)}`);
      assertProblemShape(r.error, r.error.status);
    } else assert.ok('result' in r, `${what} → ok without result: ${JSON.stringify(r)}`);
    const ping = `fuzz-ping-${++this.pings}`;
    const pong = await s.request({ id: ping, op: 'ping' }).catch((err: Error) => assert.fail(`${what}, then ping: ${err.message}`));
    assert.deepEqual(pong, { id: ping, ok: true, result: 'pong' }, `${what}, then ping`);
    const extra = s.inbox.filter((f) => 'ok' in f);
    assert.deepEqual(extra, [], `${what}: one reply per frame`);
    s.inbox.length = 0;
    return outcome;
  }
}
