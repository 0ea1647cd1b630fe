import { bearer, register, type TokenPairJson } from './auth.ts';
import { expectJson, sendJson } from './http.ts';

/** A partner as the API returns it. */
export interface PartnerJson { id: string; name: string; description: string; category: string; logo: string | null; created_at: string; updated_at: string }
/** An establishment as the API returns it. */
export interface EstablishmentJson {
  id: string; partner_id: string; name: string; location: { lat: number; lng: number }; timezone: string; area_id: number | null;
  address: { street: string; city: string; postal_code: string; country: string }; [k: string]: unknown;
}
/** An offer as the API returns it. */
export interface OfferJson {
  id: string; partner_id: string; establishment: { id: string; name: string; location: { lat: number; lng: number } };
  title: string; description: string; category: string; discount: { kind: string; value: number }; is_active: boolean;
  remaining: number | null; is_favorite: boolean; distance_m?: number; quota: { total: number; per_user?: number } | null;
  valid_from: string; valid_until: string; schedule: { day: number; start: string; end: string }[]; [k: string]: unknown;
}

/** Paris, place de l'Hôtel de Ville. */
export const PARIS = { lat: 48.8566, lng: 2.3522 };

/** A valid establishment body at `location` (default Paris). */
export const establishmentBody = (over: Record<string, unknown> = {}) => ({
  name: 'Le Comptoir', address: { street: '1 rue de Rivoli', city: 'Paris', postal_code: '75004', country: 'FR' }, location: PARIS, ...over,
});

/** A valid offer body at establishment `establishmentId`, valid from a day ago for a year. */
export const offerBody = (establishmentId: string, over: Record<string, unknown> = {}) => ({
  establishment_id: establishmentId, title: 'Happy hour au Café', description: 'Bières et cafés à moitié prix', category: 'BAR',
  discount: { kind: 'percentage', value: 50 },
  valid_from: new Date(Date.now() - 86_400_000).toISOString(), valid_until: new Date(Date.now() + 365 * 86_400_000).toISOString(), ...over,
});

/** A registered account that owns a partner with one establishment. */
export interface Owner {
  account: TokenPairJson;
  auth: Record<string, string>;
  partner: PartnerJson;
  establishment: EstablishmentJson;
}

/** Registers an account, creates its partner and an establishment (overrides merged into the bodies). */
export async function newOwner(url: string, est: Record<string, unknown> = {}): Promise<Owner> {
  const account = await register(url);
  const auth = bearer(account.access_token);
  const partner = await expectJson<PartnerJson>(await sendJson(`${url}/partners`, 'POST', { name: 'Café des Arts', category: 'BAR' }, auth), 201);
  const establishment = await expectJson<EstablishmentJson>(await sendJson(`${url}/partners/${partner.id}/establishments`, 'POST', establishmentBody(est), auth), 201);
  return { account, auth, partner, establishment };
}

/** Creates an offer as `owner` at its establishment. */
export async function newOffer(url: string, owner: Owner, over: Record<string, unknown> = {}): Promise<OfferJson> {
  return expectJson<OfferJson>(await sendJson(`${url}/offers`, 'POST', offerBody(owner.establishment.id, over), owner.auth), 201);
}
