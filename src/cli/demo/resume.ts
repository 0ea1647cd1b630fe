import { prefixRange } from '../../store/accounts.ts';
import { facetIds } from '../../store/offer-index.ts';
import type { Store } from '../../store/store.ts';
import { parseTag } from './tags.ts';

/** What already exists of one establishment of the catalogue: its id and the positions of its offers. */
export interface ExistingEstablishment {
  id: string;
  offers: Set<number>;
}

/** What already exists of one partner of the catalogue: its id and its establishments by position. */
export interface ExistingPartner {
  id: string;
  establishments: Map<number, ExistingEstablishment>;
}

/** What already exists of the catalogue of one seed: partners by position, and how many offers. */
export interface Existing {
  partners: Map<number, ExistingPartner>;
  offers: number;
}

/**
 * Reads back what earlier runs created for the catalogue of `seed`: the partners of the demo owner
 * `ownerId` whose logo is a tag of that seed (tags.ts), their establishments and those establishments'
 * offers, each placed by its tag. Reads only (LMDB snapshot); cost grows with the owner's catalogue.
 */
export function existingCatalogue(store: Store, ownerId: string, seed: number): Existing {
  const partners = new Map<number, ExistingPartner>();
  let offers = 0;
  for (const [, partnerId] of store.memberships.getKeys(prefixRange(ownerId)) as Iterable<[string, string]>) {
    const tag = parseTag(seed, store.partners.get(partnerId)?.logo);
    if (tag === undefined) continue;
    const establishments = new Map<number, ExistingEstablishment>();
    partners.set(tag.p, { id: partnerId, establishments });
    for (const [, estId] of store.establishmentsByPartner.getKeys(prefixRange(partnerId)) as Iterable<[string, string]>) {
      const e = parseTag(seed, store.establishments.get(estId)?.images[0])?.e;
      if (e === undefined) continue;
      const positions = new Set<number>();
      establishments.set(e, { id: estId, offers: positions });
      for (const offerId of facetIds(store, 'e', estId)) {
        const o = parseTag(seed, store.offers.get(offerId)?.images[0])?.o;
        if (o !== undefined && !positions.has(o)) { positions.add(o); offers++; }
      }
    }
  }
  return { partners, offers };
}
