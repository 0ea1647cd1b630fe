import type { DomainEvent } from '../../core/commands.ts';
import { offerView, type OfferRecord } from '../../core/schemas/offers.ts';

/** An `offers` event whose data is the offer as an anonymous `GET /offers/{id}` shows it. */
export function offerEvent(name: 'offer.created' | 'offer.updated', o: OfferRecord): DomainEvent {
  return { topic: 'offers', event: name, data: { ...offerView(o), is_favorite: false } };
}
