/**
 * Maps a key to a partition with a stable hash, so that every command on one key
 * always runs on the same partition actor, in arrival order.
 *
 * Hash: 32-bit FNV-1a over the UTF-16 code units of the key
 * (http://www.isthe.com/chongo/tech/comp/fnv/), reduced modulo the partition count.
 * Stable across processes and restarts for a given partition count.
 *
 * @param key any string (e.g. `area:42`).
 * @param partitions partition count, an integer ≥ 1.
 * @returns an integer in [0, partitions).
 */
export function partitionOf(key: string, partitions: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % partitions;
}
