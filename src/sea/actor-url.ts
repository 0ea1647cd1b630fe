/**
 * Single executable: URL of the partition actor's bundle `actor.mjs`, extracted beside the bundle
 * chunk that holds this module. The build swaps src/workers/actor-url.ts for this module.
 */
export const actorUrl = new URL('./actor.mjs', import.meta.url).href;
