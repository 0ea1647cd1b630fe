/**
 * Where each generated item of the demo catalogue says which one it is: partner `p` carries the logo
 * `…/demo/<seed>/p<p>/logo.png`, its establishment `e` the image `…/p<p>/e<e>.jpg`, and offer `o`
 * of that establishment the image `…/p<p>/e<e>/o<o>.jpg`. A re-run reads these URLs back from the
 * store to know what already exists (resume.ts), so no record outside the catalogue is needed.
 */

const BASE = 'https://img.sortie.dev/demo';

/** Logo URL of partner `p` of the catalogue of `seed`. */
export const partnerTag = (seed: number, p: number): string => `${BASE}/${seed}/p${p}/logo.png`;
/** First image URL of establishment `e` of partner `p`. */
export const establishmentTag = (seed: number, p: number, e: number): string => `${BASE}/${seed}/p${p}/e${e}.jpg`;
/** First image URL of offer `o` of establishment `e` of partner `p`. */
export const offerTag = (seed: number, p: number, e: number, o: number): string => `${BASE}/${seed}/p${p}/e${e}/o${o}.jpg`;

/** Position of an item in the catalogue of one seed; `e` and `o` are absent for a partner, `o` for an establishment. */
export interface Tag {
  p: number;
  e?: number;
  o?: number;
}

const TAG = /^https:\/\/img\.sortie\.dev\/demo\/(\d+)\/p(\d+)\/(?:logo\.png|e(\d+)\.jpg|e(\d+)\/o(\d+)\.jpg)$/;

/** The position a tag URL names, when it is one of the catalogue of `seed`; undefined otherwise (or when `url` is absent). */
export function parseTag(seed: number, url: string | null | undefined): Tag | undefined {
  const m = TAG.exec(url ?? '');
  if (m === null || Number(m[1]) !== seed) return undefined;
  const tag: Tag = { p: Number(m[2]) };
  if (m[3] !== undefined) tag.e = Number(m[3]);
  if (m[4] !== undefined) { tag.e = Number(m[4]); tag.o = Number(m[5]); }
  return tag;
}
