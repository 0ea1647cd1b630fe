import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import type { Area } from '../core/schemas/areas.ts';
import type { BookingRecord } from '../core/schemas/bookings.ts';
import type { Establishment } from '../core/schemas/establishments.ts';
import type { OfferRecord } from '../core/schemas/offers.ts';
import type { MemberRecord, MemberRole, Partner } from '../core/schemas/partners.ts';
import type { RefreshRecord, SessionRecord } from '../core/schemas/sessions.ts';
import type { UserRecord } from '../core/schemas/users.ts';

/**
 * Storage layout: one LMDB environment (`<DATA_DIR>/sortie.mdb`) shared by the front thread
 * (reads) and the partition actors (writes). Values are msgpackr-encoded (lmdb-js default).
 *
 * | db                | key                       | value                      |
 * |-------------------|---------------------------|----------------------------|
 * | areas             | id (number)               | Area                       |
 * | areas_by_type     | [type, id]                | null (index)               |
 * | areas_by_ref      | external_ref              | id (unique index)          |
 * | meta              | string                    | counters (`areas.next_id`) |
 * | idempotency       | [principal, key]          | IdempotencyRecord          |
 * | users             | id (UUIDv7)               | UserRecord                 |
 * | users_by_email    | normalised email          | user id (unique index)     |
 * | sessions          | [user_id, family id]      | SessionRecord              |
 * | refresh_tokens    | SHA-256 hex of the token  | RefreshRecord              |
 * | refresh_by_family | [family, issued_at, hash] | null (index)               |
 * | partners          | id (UUIDv7)               | Partner                    |
 * | partners_by_category | [category, id]         | null (index)               |
 * | members           | [partner_id, user_id]     | MemberRecord               |
 * | memberships       | [user_id, partner_id]     | MemberRole (index)         |
 * | establishments    | id (UUIDv7)               | Establishment              |
 * | establishments_by_partner | [partner_id, id]  | null (index)               |
 * | offers            | id (UUIDv7)               | OfferRecord (with `taken`) |
 * | offer_facets      | [facet, value, id]        | null; facet `p` partner, `e` establishment, `a` area |
 * | offer_cells       | [geohash (9 chars), id]   | null (geo index)           |
 * | offer_words       | [word, id]                | null (word index)          |
 * | offer_terms       | id                        | sorted folded words of the offer |
 * | offer_vocabulary  | word                      | offers holding it (count)  |
 * | favorites         | [user_id, offer_id]       | added_at (epoch ms)        |
 * | favorites_by_time | [user_id, added_at, offer_id] | null (index)           |
 * | favorites_by_offer | [offer_id, user_id]      | null (index)               |
 * | bookings          | id (UUIDv7)               | BookingRecord              |
 * | bookings_by_user  | [user_id, id]             | null (index)               |
 * | bookings_by_partner | [partner_id, id]        | null (index)               |
 * | bookings_by_offer | [offer_id, id]            | null (index)               |
 * | booking_deadlines | [deadline ms, id]         | offer id (timer index)     |
 * | booking_slots     | [offer_id, user_id]       | slots the user holds on the offer |
 *
 * Durability: the environment keeps lmdb-js defaults `noSync: false`, `noMetaSync: false`,
 * `overlappingSync: true` (Linux default). A commit promise resolves once the transaction is
 * committed and visible; `env.flushed` resolves once LMDB has fsynced it. Writers await both
 * before acknowledging (see workers/actor.ts).
 */
export interface Store {
  env: RootDatabase;
  areas: Database<Area, number>;
  areasByType: Database<null, [string, number]>;
  areasByRef: Database<number, string>;
  meta: Database<number, string>;
  idempotency: Database<IdempotencyRecord, [string, string]>;
  users: Database<UserRecord, string>;
  usersByEmail: Database<string, string>;
  sessions: Database<SessionRecord, [string, string]>;
  refreshTokens: Database<RefreshRecord, string>;
  refreshByFamily: Database<null, [string, number, string]>;
  partners: Database<Partner, string>;
  partnersByCategory: Database<null, [string, string]>;
  members: Database<MemberRecord, [string, string]>;
  memberships: Database<MemberRole, [string, string]>;
  establishments: Database<Establishment, string>;
  establishmentsByPartner: Database<null, [string, string]>;
  offers: Database<OfferRecord, string>;
  offerFacets: Database<null, [OfferFacet, string | number, string]>;
  offerCells: Database<null, [string, string]>;
  offerWords: Database<null, [string, string]>;
  offerTerms: Database<string[], string>;
  offerVocabulary: Database<number, string>;
  favorites: Database<number, [string, string]>;
  favoritesByTime: Database<null, [string, number, string]>;
  favoritesByOffer: Database<null, [string, string]>;
  bookings: Database<BookingRecord, string>;
  bookingsByUser: Database<null, [string, string]>;
  bookingsByPartner: Database<null, [string, string]>;
  bookingsByOffer: Database<null, [string, string]>;
  bookingDeadlines: Database<string, [number, string]>;
  bookingSlots: Database<number, [string, string]>;
}

/** Facets of `offer_facets`: `p` partner id, `e` establishment id, `a` area id. */
export type OfferFacet = 'p' | 'e' | 'a';

/** A stored answer to an idempotent write; replayed to retries with the same key and body. */
export interface IdempotencyRecord {
  /** SHA-256 (hex) of command name + args: another body under the same key is a 409. */
  fingerprint: string;
  /** Epoch ms when first answered; the record stops answering after LIMITS.idempotencyTtlMs. */
  created_at: number;
  /** The packed CommandOutcome of the first execution. */
  outcome: Uint8Array;
}

/** Map size reserved up front (bytes); LMDB grows files lazily, this is address space. */
const MAP_SIZE = 64 * 1024 ** 3;

/**
 * Opens (creating if needed) the environment under `dataDir`. Call once per thread;
 * lmdb-js shares one environment per path across the threads of a process.
 * Uses sync fs calls: call at start-up, never from a request handler.
 * @param readOnly open an existing store without writing to it (offline tools, e.g. check:store);
 *   then throws when a db is missing (a store of an older layout).
 */
export function openStore(dataDir: string, { readOnly = false } = {}): Store {
  if (!readOnly) mkdirSync(dataDir, { recursive: true });
  const env = open({ path: join(dataDir, 'sortie.mdb'), mapSize: MAP_SIZE, maxDbs: 64, readOnly });
  return {
    env,
    areas: env.openDB({ name: 'areas' }),
    areasByType: env.openDB({ name: 'areas_by_type' }),
    areasByRef: env.openDB({ name: 'areas_by_ref' }),
    meta: env.openDB({ name: 'meta' }),
    idempotency: env.openDB({ name: 'idempotency' }),
    users: env.openDB({ name: 'users' }),
    usersByEmail: env.openDB({ name: 'users_by_email' }),
    sessions: env.openDB({ name: 'sessions' }),
    refreshTokens: env.openDB({ name: 'refresh_tokens' }),
    refreshByFamily: env.openDB({ name: 'refresh_by_family' }),
    partners: env.openDB({ name: 'partners' }),
    partnersByCategory: env.openDB({ name: 'partners_by_category' }),
    members: env.openDB({ name: 'members' }),
    memberships: env.openDB({ name: 'memberships' }),
    establishments: env.openDB({ name: 'establishments' }),
    establishmentsByPartner: env.openDB({ name: 'establishments_by_partner' }),
    offers: env.openDB({ name: 'offers' }),
    offerFacets: env.openDB({ name: 'offer_facets' }),
    offerCells: env.openDB({ name: 'offer_cells' }),
    offerWords: env.openDB({ name: 'offer_words' }),
    offerTerms: env.openDB({ name: 'offer_terms' }),
    offerVocabulary: env.openDB({ name: 'offer_vocabulary' }),
    favorites: env.openDB({ name: 'favorites' }),
    favoritesByTime: env.openDB({ name: 'favorites_by_time' }),
    favoritesByOffer: env.openDB({ name: 'favorites_by_offer' }),
    bookings: env.openDB({ name: 'bookings' }),
    bookingsByUser: env.openDB({ name: 'bookings_by_user' }),
    bookingsByPartner: env.openDB({ name: 'bookings_by_partner' }),
    bookingsByOffer: env.openDB({ name: 'bookings_by_offer' }),
    bookingDeadlines: env.openDB({ name: 'booking_deadlines' }),
    bookingSlots: env.openDB({ name: 'booking_slots' }),
  };
}
