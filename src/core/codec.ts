import { Packr } from 'msgpackr';

/**
 * msgpackr codec for what crosses threads (commands, outcomes) and for stored blobs.
 * Plain structures only (`useRecords: false`), so every thread decodes without shared state.
 */
const packr = new Packr({ useRecords: false });

/**
 * Encodes a value into a fresh, transferable `Uint8Array` (its own ArrayBuffer).
 * msgpackr's `pack` returns a view of a reused buffer, so this copies it.
 */
export function packBytes(value: unknown): Uint8Array {
  return new Uint8Array(packr.pack(value));
}

/** Decodes bytes made by `packBytes`. @throws Error on malformed msgpack. */
export function unpackBytes<T>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}
