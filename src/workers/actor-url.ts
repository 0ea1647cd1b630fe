/**
 * URL of the partition actor's module, Piscina's `filename`: `actor.ts` beside this file (run by tsx).
 * The single executable's build (scripts/binary/bundle.ts) swaps this module for src/sea/actor-url.ts.
 */
export const actorUrl = new URL('./actor.ts', import.meta.url).href;
