import ngeohash from 'ngeohash';
import { problems } from '../../core/errors.ts';
import { CATALOG_LIMITS } from '../../core/schemas/common.ts';
import { CELL_PRECISION, coverCircle, distanceM, type LatLng } from '../../core/search/geo.ts';

/** Topic prefix of the live feed of new offers in a circle: `offers.nearby:<lat>,<lng>,<radius_m>` (API.md, "WebSocket"). */
export const NEARBY_PREFIX = 'offers.nearby:';
/** Nearby subscriptions one socket may hold. */
export const MAX_NEARBY_PER_SOCKET = 16;

/** One subscription: its topic as the client wrote it, its circle, and where to deliver. */
export interface NearbySubscription<S> {
  topic: string;
  centre: LatLng;
  radiusM: number;
  socket: S;
  /** Geohash cells (of mixed precision) covering the circle, under which it is indexed. */
  cells: string[];
}

const NUMBER = /^-?\d+(\.\d+)?$/;

/**
 * Parses `offers.nearby:<lat>,<lng>,<radius_m>`.
 * @throws Problem 400 naming `/topic` when a part is not a number in range (radius ≤ 100 km).
 */
export function parseNearbyTopic(topic: string): { centre: LatLng; radiusM: number } {
  const parts = topic.slice(NEARBY_PREFIX.length).split(',');
  const [lat, lng, r] = parts.map((p) => (NUMBER.test(p) ? Number(p) : NaN));
  if (parts.length !== 3 || lat === undefined || lng === undefined || r === undefined
    || !(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180) || !(r > 0 && r <= CATALOG_LIMITS.radiusMaxM))
    throw problems.invalid([{ path: '/topic', message: `must be ${NEARBY_PREFIX}<lat>,<lng>,<radius_m> with lat in [-90, 90], lng in [-180, 180] and 0 < radius_m ≤ ${CATALOG_LIMITS.radiusMaxM}` }]);
  return { centre: { lat, lng }, radiusM: r };
}

/**
 * The subscriptions to `offers.nearby:*` topics, indexed by the geohash cells covering their circles,
 * so a new offer is matched by looking up the CELL_PRECISION prefixes of its own cell (at most nine
 * map lookups) and checking the exact distance of those few candidates: never a loop over every
 * subscription.
 */
export class NearbyIndex<S> {
  private readonly byCell = new Map<string, Set<NearbySubscription<S>>>();
  private readonly bySocket = new Map<S, Map<string, NearbySubscription<S>>>();

  /**
   * Subscribes `socket` to `topic` (idempotent).
   * @throws Problem 400 bad topic; 409 `too-many-subscriptions` past MAX_NEARBY_PER_SOCKET.
   */
  add(socket: S, topic: string): void {
    const { centre, radiusM } = parseNearbyTopic(topic);
    let mine = this.bySocket.get(socket);
    if (mine?.has(topic) === true) return;
    if ((mine?.size ?? 0) >= MAX_NEARBY_PER_SOCKET)
      throw problems.conflict('too-many-subscriptions', `A socket may hold at most ${MAX_NEARBY_PER_SOCKET} ${NEARBY_PREFIX} subscriptions.`);
    const sub: NearbySubscription<S> = { topic, centre, radiusM, socket, cells: coverCircle(centre, radiusM).map((c) => c.hash) };
    if (mine === undefined) this.bySocket.set(socket, (mine = new Map()));
    mine.set(topic, sub);
    for (const cell of sub.cells) {
      let set = this.byCell.get(cell);
      if (set === undefined) this.byCell.set(cell, (set = new Set()));
      set.add(sub);
    }
  }

  /** Drops one subscription of `socket` (no-op when absent). */
  remove(socket: S, topic: string): void {
    const sub = this.bySocket.get(socket)?.get(topic);
    if (sub === undefined) return;
    this.bySocket.get(socket)?.delete(topic);
    if (this.bySocket.get(socket)?.size === 0) this.bySocket.delete(socket);
    for (const cell of sub.cells) {
      const set = this.byCell.get(cell);
      set?.delete(sub);
      if (set?.size === 0) this.byCell.delete(cell);
    }
  }

  /** Drops every subscription of `socket` (closed). */
  removeAll(socket: S): void {
    for (const topic of [...(this.bySocket.get(socket)?.keys() ?? [])]) this.remove(socket, topic);
  }

  /** The subscriptions whose circle contains `p`. */
  matching(p: LatLng): NearbySubscription<S>[] {
    const cell = ngeohash.encode(p.lat, p.lng, CELL_PRECISION);
    const out: NearbySubscription<S>[] = [];
    for (let len = 1; len <= CELL_PRECISION; len++) {
      const set = this.byCell.get(cell.slice(0, len));
      if (set === undefined) continue;
      for (const sub of set) if (distanceM(sub.centre, p) <= sub.radiusM) out.push(sub);
    }
    return out;
  }
}
