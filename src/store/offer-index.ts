import { cellOf } from '../core/search/geo.ts';
import { wordSet } from '../core/search/text.ts';
import type { OfferRecord } from '../core/schemas/offers.ts';
import type { Store } from './store.ts';

/**
 * Index maintenance of offers, called by the actors inside the command's write transaction, so an
 * offer and its index entries always commit together (a search never sees one without the other).
 */

/** The folded words of an offer's title and description (core/search/text.ts). */
export const offerWords = (o: Pick<OfferRecord, 'title' | 'description'>): string[] => wordSet(o.title, o.description);

/** Adds every index entry of `o` (facets, cell, words, vocabulary counts). */
export function indexOffer(store: Store, o: OfferRecord): void {
  store.offerFacets.put(['p', o.partner_id, o.id], null);
  store.offerFacets.put(['e', o.establishment.id, o.id], null);
  if (o.area_id !== null) store.offerFacets.put(['a', o.area_id, o.id], null);
  const { lat, lng } = o.establishment.location;
  store.offerCells.put([cellOf({ lat, lng }), o.id], null);
  const words = offerWords(o);
  store.offerTerms.put(o.id, words);
  for (const w of words) {
    store.offerWords.put([w, o.id], null);
    store.offerVocabulary.put(w, (store.offerVocabulary.get(w) ?? 0) + 1);
  }
}

/** Removes every index entry of `o` as it was stored (call with the old record before a change). */
export function unindexOffer(store: Store, o: OfferRecord): void {
  store.offerFacets.remove(['p', o.partner_id, o.id]);
  store.offerFacets.remove(['e', o.establishment.id, o.id]);
  if (o.area_id !== null) store.offerFacets.remove(['a', o.area_id, o.id]);
  store.offerCells.remove([cellOf(o.establishment.location), o.id]);
  for (const w of store.offerTerms.get(o.id) ?? []) {
    store.offerWords.remove([w, o.id]);
    const n = (store.offerVocabulary.get(w) ?? 1) - 1;
    if (n > 0) store.offerVocabulary.put(w, n);
    else store.offerVocabulary.remove(w);
  }
  store.offerTerms.remove(o.id);
}

/** True when a change from `a` to `b` moves any index entry (otherwise only the record is rewritten). */
export function indexChanged(a: OfferRecord, b: OfferRecord): boolean {
  return a.title !== b.title || a.description !== b.description || a.area_id !== b.area_id
    || a.establishment.location.lat !== b.establishment.location.lat || a.establishment.location.lng !== b.establishment.location.lng;
}

/** Ids of the offers of a partner (`p`) or an establishment (`e`), from `offer_facets`. */
export function facetIds(store: Store, facet: 'p' | 'e', id: string): string[] {
  return [...store.offerFacets.getKeys({ start: [facet, id], end: [facet, `${id}\u0000`] })].map((k) => k[2]);
}
