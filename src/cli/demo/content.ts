import wordsJson from './words.json' with { type: 'json' };
import type { CategoryName } from '../../core/schemas/common.ts';

/**
 * The words of the demo catalogue, in French and English (with their accents): partner names,
 * offer ideas and the phrases around them, kept as data in words.json. `{name}`, `{city}` and
 * `{discount}` in a template are replaced by the partner's name, the city and the discount as
 * written in that language.
 */

export type Lang = 'fr' | 'en';

/** Recurring windows an offer may run in (schedules of API.md, "Offers"), in the establishment's local time. */
export type ScheduleKind = 'afterwork' | 'late' | 'lunch' | 'brunch' | 'weekday-daytime' | 'tuesday';

/** One kind of offer: its title and description templates, and the window it runs in, if any. */
export interface OfferIdea {
  title: string;
  description: string;
  schedule?: ScheduleKind;
}

/** What one category says, per language. */
export interface CategoryWords {
  /** A partner name is `<head> <tail>`. */
  heads: string[];
  tails: string[];
  /** Partner descriptions. */
  about: string[];
  offers: OfferIdea[];
}

type Words = Record<CategoryName, Record<Lang, CategoryWords>>;

/** Windows of each schedule kind: days (0 = Sunday) and HH:MM start/end; an end at or before the start crosses midnight. */
export const SCHEDULES: Record<ScheduleKind, { days: number[]; start: string; end: string }> = {
  afterwork: { days: [1, 2, 3, 4, 5], start: '17:00', end: '20:00' },
  late: { days: [4, 5, 6], start: '22:00', end: '02:00' },
  lunch: { days: [1, 2, 3, 4, 5], start: '12:00', end: '14:30' },
  brunch: { days: [0], start: '10:30', end: '15:00' },
  'weekday-daytime': { days: [1, 2, 3, 4, 5], start: '10:00', end: '17:00' },
  tuesday: { days: [2], start: '10:00', end: '00:00' },
};

/** The texts of words.json: every phrase of the catalogue, by category and language. */
interface WordsFile {
  categories: Words;
  /**
   * Qualifiers added to a title when an establishment has more offers than its category has ideas,
   * so that two offers of one place never read the same.
   */
  variants: Record<Lang, string[]>;
  /** Conditions an offer may carry. */
  conditions: Record<Lang, string[]>;
  /** A sentence added to the description of an offer with a quota (`{n}`: its total). */
  quotaNote: Record<Lang, string>;
  /** Street names of addresses. */
  streets: Record<Lang, string[]>;
}

// A JSON import, so the single executable's bundle carries it (a file read by path would not be there).
const words = wordsJson as unknown as WordsFile;
export const WORDS = words.categories;
export const VARIANTS = words.variants;
export const CONDITIONS = words.conditions;
export const QUOTA_NOTE = words.quotaNote;
export const STREETS = words.streets;

/** Currency of fixed discounts by country (ISO 3166-1 alpha-2); euro otherwise. */
export const CURRENCY: Record<string, string> = { GB: '£', CA: '$', US: '$', AU: '$', CH: 'CHF' };

/** Country calling codes (ITU-T E.164) of the demo's default countries; other countries get no phone. */
export const CALLING_CODES: Record<string, string> = { FR: '33', BE: '32', CH: '41', LU: '352', MC: '377', GB: '44', IE: '353', CA: '1', US: '1' };

/** French-speaking countries (Quebec too: Canadian admin code 10); English elsewhere. */
export function languageOf(country: string, adminCode: string): Lang {
  return ['FR', 'BE', 'CH', 'LU', 'MC'].includes(country) || (country === 'CA' && adminCode === '10') ? 'fr' : 'en';
}

/** Replaces each `{key}` of `template` by `values[key]`. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, key: string) => values[key] ?? all);
}
