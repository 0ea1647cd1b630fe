import type { Key } from 'lmdb';
import { SLOT_HOLDING, type BookingRecord } from '../../core/schemas/bookings.ts';
import type { OfferRecord } from '../../core/schemas/offers.ts';
import { cellOf } from '../../core/search/geo.ts';
import { offerWords } from '../offer-index.ts';
import type { Store } from '../store.ts';
import type { ExpectedEntry, IndexSpec } from './spec.ts';

/**
 * Every index db of store.ts and the records it derives from, as the handlers maintain them
 * (workers/handlers/*, store/offer-index.ts). Records dbs (`areas`, `users`, `sessions`,
 * `refresh_tokens`, `partners`, `members`, `establishments`, `offers`, `favorites`, `bookings`),
 * `meta` and `idempotency` are not indexes and are not checked.
 */

const at = (key: Key, i: number): string => String((key as Key[])[i]);

/** An index whose entry points to a record by id. */
function byId(name: string, records: string, db: IndexSpec['db'],
  has: (s: Store, id: string) => boolean, idOf: (key: Key, value: unknown) => string, expected: IndexSpec['expected']): IndexSpec {
  return {
    name, db, expected,
    target: (s, key, value) => { const id = idOf(key, value); return { record: `${records} ${id}`, exists: has(s, id) }; },
  };
}

/** Counted entries (`offer_vocabulary`, `booking_slots`): one per distinct key, its value the count. */
function* counts(keys: Iterable<[Key, string]>): Iterable<ExpectedEntry> {
  const n = new Map<string, { key: Key; count: number; record: string }>();
  for (const [key, record] of keys) {
    const k = JSON.stringify(key);
    const c = n.get(k);
    if (c === undefined) n.set(k, { key, count: 1, record });
    else c.count++;
  }
  for (const { key, count, record } of n.values()) yield { key, value: count, record };
}

/** An index of offers: `entries` of each offer; the offer id is at `idAt` in the key (-1: the key itself). */
const offerIndex = (name: string, db: IndexSpec['db'], idAt: number, entries: (o: OfferRecord) => [Key, unknown][]): IndexSpec =>
  byId(name, 'offers', db, (s, id) => s.offers.doesExist(id), (key) => (idAt < 0 ? String(key) : at(key, idAt)), function* (s) {
    for (const { value: o } of s.offers.getRange()) for (const [key, value] of entries(o)) yield { key, value, record: `offers ${o.id}` };
  });

/** An index of bookings keyed `[…, booking id]`: the entry of each booking (undefined: none). */
const bookingIndex = (name: string, db: IndexSpec['db'], entry: (b: BookingRecord) => [Key, unknown] | undefined): IndexSpec =>
  byId(name, 'bookings', db, (s, id) => s.bookings.doesExist(id), (key) => at(key, 1), function* (s) {
    for (const { value: b } of s.bookings.getRange()) {
      const e = entry(b);
      if (e !== undefined) yield { key: e[0], value: e[1], record: `bookings ${b.id}` };
    }
  });

/** The index checks, in store.ts order. */
export const INDEXES: readonly IndexSpec[] = [
  byId('areas_by_type', 'areas', (s) => s.areasByType, (s, id) => s.areas.doesExist(Number(id)), (key) => at(key, 1), function* (s) {
    for (const { value: a } of s.areas.getRange()) yield { key: [a.type, a.id], value: null, record: `areas ${a.id}` };
  }),
  byId('areas_by_ref', 'areas', (s) => s.areasByRef, (s, id) => s.areas.doesExist(Number(id)), (_, id) => String(id), function* (s) {
    for (const { value: a } of s.areas.getRange()) if (a.external_ref !== undefined) yield { key: a.external_ref, value: a.id, record: `areas ${a.id}` };
  }),
  byId('users_by_email', 'users', (s) => s.usersByEmail, (s, id) => s.users.doesExist(id), (_, id) => String(id), function* (s) {
    for (const { value: u } of s.users.getRange()) yield { key: u.email, value: u.id, record: `users ${u.id}` };
  }),
  byId('refresh_by_family', 'refresh_tokens', (s) => s.refreshByFamily, (s, hash) => s.refreshTokens.doesExist(hash), (key) => at(key, 2), function* (s) {
    for (const { key, value: r } of s.refreshTokens.getRange()) yield { key: [r.family, r.issued_at, key], value: null, record: `refresh_tokens ${key}` };
  }),
  byId('partners_by_category', 'partners', (s) => s.partnersByCategory, (s, id) => s.partners.doesExist(id), (key) => at(key, 1), function* (s) {
    for (const { value: p } of s.partners.getRange()) yield { key: [p.category, p.id], value: null, record: `partners ${p.id}` };
  }),
  {
    name: 'memberships', db: (s) => s.memberships,
    *expected(s) { for (const { key: [p, u], value } of s.members.getRange()) yield { key: [u, p], value: value.role, record: `members [${p}, ${u}]` }; },
    target: (s, key) => ({ record: `members [${at(key, 1)}, ${at(key, 0)}]`, exists: s.members.doesExist([at(key, 1), at(key, 0)]) }),
  },
  byId('establishments_by_partner', 'establishments', (s) => s.establishmentsByPartner, (s, id) => s.establishments.doesExist(id), (key) => at(key, 1), function* (s) {
    for (const { value: e } of s.establishments.getRange()) yield { key: [e.partner_id, e.id], value: null, record: `establishments ${e.id}` };
  }),
  offerIndex('offer_facets', (s) => s.offerFacets, 2, (o) => [
    [['p', o.partner_id, o.id], null], [['e', o.establishment.id, o.id], null], ...(o.area_id === null ? [] : [[['a', o.area_id, o.id], null] as [Key, unknown]]),
  ]),
  offerIndex('offer_cells', (s) => s.offerCells, 1, (o) => [[[cellOf(o.establishment.location), o.id], null]]),
  offerIndex('offer_words', (s) => s.offerWords, 1, (o) => offerWords(o).map((w) => [[w, o.id], null])),
  offerIndex('offer_terms', (s) => s.offerTerms, -1, (o) => [[o.id, offerWords(o)]]),
  {
    name: 'offer_vocabulary', db: (s) => s.offerVocabulary,
    *expected(s) {
      yield* counts((function* () { for (const { value: o } of s.offers.getRange()) for (const w of offerWords(o)) yield [w, `offers holding "${w}"`] as [Key, string]; })());
    },
    target: (_, key) => ({ record: `offers holding "${String(key)}"`, exists: false }),
  },
  {
    name: 'favorites_by_time', db: (s) => s.favoritesByTime,
    *expected(s) { for (const { key: [u, o], value } of s.favorites.getRange()) yield { key: [u, value, o], value: null, record: `favorites [${u}, ${o}]` }; },
    target: (s, key) => ({ record: `favorites [${at(key, 0)}, ${at(key, 2)}]`, exists: s.favorites.doesExist([at(key, 0), at(key, 2)]) }),
  },
  {
    name: 'favorites_by_offer', db: (s) => s.favoritesByOffer,
    *expected(s) { for (const { key: [u, o] } of s.favorites.getRange()) yield { key: [o, u], value: null, record: `favorites [${u}, ${o}]` }; },
    target: (s, key) => ({ record: `favorites [${at(key, 1)}, ${at(key, 0)}]`, exists: s.favorites.doesExist([at(key, 1), at(key, 0)]) }),
  },
  bookingIndex('bookings_by_user', (s) => s.bookingsByUser, (b) => (b.user_id === null ? undefined : [[b.user_id, b.id], null])),
  bookingIndex('bookings_by_partner', (s) => s.bookingsByPartner, (b) => [[b.partner_id, b.id], null]),
  bookingIndex('bookings_by_offer', (s) => s.bookingsByOffer, (b) => [[b.offer_id, b.id], null]),
  bookingIndex('booking_deadlines', (s) => s.bookingDeadlines, (b) => (b.expires_at === null ? undefined : [[Date.parse(b.expires_at), b.id], b.offer_id])),
  {
    name: 'booking_slots', db: (s) => s.bookingSlots,
    *expected(s) {
      yield* counts((function* () {
        for (const { value: b } of s.bookings.getRange())
          if (b.user_id !== null && SLOT_HOLDING.has(b.status)) yield [[b.offer_id, b.user_id], `bookings of ${b.user_id} on offer ${b.offer_id} holding a slot`] as [Key, string];
      })());
    },
    target: (_, key) => ({ record: `bookings of ${at(key, 1)} on offer ${at(key, 0)} holding a slot`, exists: false }),
  },
];
