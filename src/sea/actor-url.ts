/**
 * Single executable: URL of the partition actor's bundle `actor.js`, extracted beside the bundle
 * chunk that holds this module. The build swaps src/workers/actor-url.ts for this module.
 */
export const actorUrl = new URL('./actor.js', import.meta.url).href;
