import TinyQueue from 'tinyqueue';
import { problems } from '../core/errors.ts';
import { passes, type OfferFilter, type OfferSummary } from '../core/search/filter.ts';
import { CELL_PRECISION, childrenOf, coverCircle, cellLowerBound, distanceM, type LatLng } from '../core/search/geo.ts';
import { matchesQuery, type TextQuery } from '../core/search/text.ts';
import type { Store } from './store.ts';

/** Where a page ends: the last hit's id and, for a nearest-first search, its exact distance (metres). */
export interface SearchCursor {
  id: string;
  d?: number;
}

/** A search of `GET /offers`. Without `near` the order is newest first (id descending: UUIDv7 ids grow with time). */
export interface OfferSearch {
  near?: LatLng & { radiusM: number };
  filter: OfferFilter;
  text?: TextQuery;
  after?: SearchCursor;
  /** Page size, ≥ 1. */
  limit: number;
}

export interface SearchHit {
  id: string;
  /** Exact great-circle distance, metres (nearest-first searches only). */
  distanceM?: number;
}

export interface SearchPage {
  hits: SearchHit[];
  /** Cursor of the next page; undefined on the last one. */
  next?: SearchCursor;
}

/** Most vocabulary words the last word of `q` may expand to as a prefix. */
export const MAX_PREFIX_WORDS = 512;
/** Entries of a cell read at once before the cell is split into its 32 children. */
const CELL_BATCH = 32;
const HIGH = '\uffff';

/**
 * Runs an offer search over the LMDB indexes (store.ts): its cost grows with what lies near the point
 * or matches the words, never with the size of the catalogue, whenever it has a location, a `q`, a
 * partner, an establishment or an area.
 *
 * Plan: one driver yields candidates in result order — the geo index best-first (nearest first), the
 * rarest word of `q` (or the merged words under its prefix), a facet index, or all offers newest first —
 * and every other condition is checked per candidate on its summary (and its word set for `q`).
 *
 * @param summaryOf the offer's summary (from the front's table or LMDB); undefined when it no longer exists.
 * @throws Problem 400 when the prefix of `q` matches more than MAX_PREFIX_WORDS words.
 */
export function searchOffers(store: Store, summaryOf: (id: string) => OfferSummary | undefined, s: OfferSearch): SearchPage {
  const hits: SearchHit[] = [];
  const [source, textChecked] = s.near !== undefined ? [nearest(store, summaryOf, s.filter, s.near, s.after), false] : byIdDesc(store, s);
  const text = textChecked ? undefined : s.text;
  const accept = (id: string): boolean => {
    const sum = summaryOf(id);
    if (sum === undefined || !passes(sum, s.filter)) return false;
    return text === undefined || matchesQuery(store.offerTerms.get(id) ?? [], text);
  };
  for (const hit of source) {
    if (!accept(hit.id)) continue;
    hits.push(hit);
    if (hits.length > s.limit) break;
  }
  if (hits.length <= s.limit) return { hits };
  hits.length = s.limit;
  const last = hits[hits.length - 1] as SearchHit;
  return { hits, next: last.distanceM === undefined ? { id: last.id } : { id: last.id, d: last.distanceM } };
}

/**
 * Candidates newest first from the best driver for `s` (no location), and whether every candidate
 * already satisfies `q`: a one-word `q` driven by its own word index (the merged ranges of the words
 * under its prefix) needs no check of each candidate's words.
 */
function byIdDesc(store: Store, s: OfferSearch): [Iterable<SearchHit>, boolean] {
  const after = s.after?.id;
  const f = s.filter;
  if (f.establishmentId !== undefined) return [facet(store, 'e', f.establishmentId, after), false];
  if (f.partnerId !== undefined) return [facet(store, 'p', f.partnerId, after), false];
  if (s.text !== undefined) return [words(store, s.text, after), s.text.exact.length === 0];
  if (f.areaId !== undefined) return [facet(store, 'a', f.areaId, after), false];
  return [allOffers(store, after), false];
}

/** Ids strictly below `after` (or all), descending, from keys whose last element is the id. */
function* below(keys: Iterable<string | (string | number)[]>, after: string | undefined): Iterable<SearchHit> {
  for (const k of keys) {
    const id = (Array.isArray(k) ? k[k.length - 1] : k) as string;
    if (after !== undefined && id >= after) continue;
    yield { id };
  }
}

function facet(store: Store, f: 'p' | 'e' | 'a', value: string | number, after: string | undefined): Iterable<SearchHit> {
  return below(store.offerFacets.getKeys({ start: [f, value, after ?? HIGH], end: [f, value], reverse: true }), after);
}

function allOffers(store: Store, after: string | undefined): Iterable<SearchHit> {
  return below(store.offers.getKeys({ start: after ?? HIGH, reverse: true }), after);
}

/** Offer ids holding `word`, descending. */
function wordIds(store: Store, word: string, after: string | undefined): Iterator<SearchHit> {
  return below(store.offerWords.getKeys({ start: [word, after ?? HIGH], end: [word], reverse: true }), after)[Symbol.iterator]();
}

/**
 * Candidates for `q`, newest first: the ids of its rarest exact word, or — when the words under its
 * prefix are rarer in all — those words' id lists merged (duplicates dropped).
 */
function* words(store: Store, q: TextQuery, after: string | undefined): Iterable<SearchHit> {
  const expansions: string[] = [];
  let prefixCount = 0;
  for (const { key, value } of store.offerVocabulary.getRange({ start: q.prefix, end: q.prefix + HIGH, limit: MAX_PREFIX_WORDS + 1 })) {
    expansions.push(key);
    prefixCount += value;
  }
  if (expansions.length > MAX_PREFIX_WORDS)
    throw problems.invalid([{ path: '/q', message: `the last word "${q.prefix}" is too short a prefix: it matches more than ${MAX_PREFIX_WORDS} words` }]);
  let rarest: string | undefined;
  let rarestCount = Infinity;
  for (const w of q.exact) {
    const n = store.offerVocabulary.get(w) ?? 0;
    if (n < rarestCount) [rarest, rarestCount] = [w, n];
  }
  if (rarest !== undefined && rarestCount <= prefixCount) {
    yield* { [Symbol.iterator]: () => wordIds(store, rarest as string, after) };
    return;
  }
  const heads: { it: Iterator<SearchHit>; cur: SearchHit }[] = [];
  for (const w of expansions) {
    const it = wordIds(store, w, after);
    const r = it.next();
    if (r.done !== true) heads.push({ it, cur: r.value });
  }
  let last: string | undefined;
  while (heads.length > 0) {
    let top = 0;
    for (let i = 1; i < heads.length; i++) if ((heads[i] as (typeof heads)[0]).cur.id > (heads[top] as (typeof heads)[0]).cur.id) top = i;
    const h = heads[top] as (typeof heads)[0];
    if (h.cur.id !== last) yield (last = h.cur.id, h.cur);
    const r = h.it.next();
    if (r.done === true) heads.splice(top, 1);
    else h.cur = r.value;
  }
}

type Entry = { cell: string; key: number } | { id: string; key: number };

/** Result order of nearest-first: distance ascending, then id descending; cells before offers at equal keys. */
function before(a: Entry, b: Entry): number {
  if (a.key !== b.key) return a.key - b.key;
  const ac = 'cell' in a;
  const bc = 'cell' in b;
  if (ac || bc) return ac === bc ? 0 : ac ? -1 : 1;
  return a.id > b.id ? -1 : a.id < b.id ? 1 : 0;
}

/**
 * Offers within `near.radiusM` of the point (located by their summaries), nearest first, best-first over geohash cells: a cell is
 * queued at a lower bound of its distance; popped, it yields its entries when it holds few (or is at
 * CELL_PRECISION), else its 32 children. An offer is yielded only once nothing queued can be nearer,
 * so the search reads only what lies nearer than the last offer it returns.
 */
function* nearest(store: Store, summaryOf: (id: string) => OfferSummary | undefined, filter: OfferFilter, near: LatLng & { radiusM: number }, after: SearchCursor | undefined): Iterable<SearchHit> {
  const queue = new TinyQueue<Entry>([], before);
  for (const c of coverCircle(near, near.radiusM)) queue.push({ cell: c.hash, key: c.minDistanceM });
  // The summary filters run before an offer is queued: those that fail never enter the queue.
  const pushOffer = (id: string) => {
    const s = summaryOf(id);
    if (s === undefined || !passes(s, filter)) return;
    const d = distanceM(near, s);
    if (d <= near.radiusM) queue.push({ id, key: d });
  };
  const ids: string[] = [];
  while (queue.length > 0) {
    const e = queue.pop() as Entry;
    if ('id' in e) {
      if (after?.d !== undefined && (e.key < after.d || (e.key === after.d && e.id >= after.id))) continue;
      yield { id: e.id, distanceM: e.key };
      continue;
    }
    // Keys only: the location of each offer comes from its summary (kept on the front thread).
    const range = { start: [e.cell], end: [e.cell + '~'] };
    ids.length = 0;
    for (const key of store.offerCells.getKeys({ ...range, limit: CELL_BATCH + 1 })) ids.push(key[1]);
    if (ids.length <= CELL_BATCH) {
      for (const id of ids) pushOffer(id);
      continue;
    }
    if (e.cell.length >= CELL_PRECISION) {
      for (const key of store.offerCells.getKeys(range)) pushOffer(key[1]);
      continue;
    }
    for (const child of childrenOf(e.cell)) {
      const lb = cellLowerBound(near, child);
      if (lb <= near.radiusM) queue.push({ cell: child, key: lb });
    }
  }
}
