import { problems } from '../../core/errors.ts';
import type { Area, AreaCreate, AreaDeleteArgs, AreaUpdateArgs } from '../../core/schemas/areas.ts';
import type { Store } from '../../store/store.ts';
import type { HandlerResult } from './types.ts';

const NEXT_ID = 'areas.next_id';

/** Builds the stored/returned shape with a stable field order. */
function toArea(id: number, f: Omit<Area, 'id'>): Area {
  const a: Area = { id, name: f.name, type: f.type } as Area;
  if (f.location !== undefined) a.location = { lat: f.location.lat, lng: f.location.lng };
  if (f.population !== undefined) a.population = f.population;
  if (f.country !== undefined) a.country = f.country;
  if (f.external_ref !== undefined) a.external_ref = f.external_ref;
  a.created_at = f.created_at;
  a.updated_at = f.updated_at;
  return a;
}

/** @throws Problem 409 `duplicate` when another area holds `ref`. */
function assertRefFree(store: Store, ref: string | undefined, self?: number): void {
  if (ref === undefined) return;
  const holder = store.areasByRef.get(ref);
  if (holder !== undefined && holder !== self)
    throw problems.conflict('duplicate', `Area ${holder} already has external_ref ${JSON.stringify(ref)}.`);
}

function loadArea(store: Store, id: number): Area {
  const area = store.areas.get(id);
  if (area === undefined) throw problems.notFound(`Area ${id} does not exist.`);
  return area;
}

/**
 * `areas.create`: allocates the next id from `meta/areas.next_id` inside the write transaction
 * (LMDB has one writer per environment, so ids are unique across partitions and processes, and
 * the counter never goes back: ids are never reused, even after a delete).
 * @throws Problem 409 `duplicate` on a taken external_ref.
 */
export function createArea(store: Store, args: AreaCreate, now: number): HandlerResult {
  assertRefFree(store, args.external_ref);
  const id = store.meta.get(NEXT_ID) ?? 1;
  const at = new Date(now).toISOString();
  const area = toArea(id, { ...args, created_at: at, updated_at: at });
  store.meta.put(NEXT_ID, id + 1);
  store.areas.put(id, area);
  store.areasByType.put([area.type, id], null);
  if (area.external_ref !== undefined) store.areasByRef.put(area.external_ref, id);
  return { value: area, events: [{ topic: 'areas', event: 'area.created', data: area }] };
}

/**
 * `areas.update`: JSON merge patch (RFC 7396) of the writable fields; `null` removes an optional field.
 * @throws Problem 404 unknown id, 409 `duplicate` on a taken external_ref.
 */
export function updateArea(store: Store, { id, patch }: AreaUpdateArgs, now: number): HandlerResult {
  const old = loadArea(store, id);
  const merged: Record<string, unknown> = { ...old };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete merged[k];
    else if (v !== undefined) merged[k] = v;
  }
  merged.updated_at = new Date(now).toISOString();
  const area = toArea(id, merged as Omit<Area, 'id'>);
  if (area.external_ref !== old.external_ref) assertRefFree(store, area.external_ref, id);
  store.areas.put(id, area);
  if (area.type !== old.type) {
    store.areasByType.remove([old.type, id]);
    store.areasByType.put([area.type, id], null);
  }
  if (area.external_ref !== old.external_ref) {
    if (old.external_ref !== undefined) store.areasByRef.remove(old.external_ref);
    if (area.external_ref !== undefined) store.areasByRef.put(area.external_ref, id);
  }
  return { value: area, events: [{ topic: 'areas', event: 'area.updated', data: area }] };
}

/** `areas.delete`: removes the area and its index entries. @throws Problem 404 unknown id. */
export function deleteArea(store: Store, { id }: AreaDeleteArgs): HandlerResult {
  const old = loadArea(store, id);
  store.areas.remove(id);
  store.areasByType.remove([old.type, id]);
  if (old.external_ref !== undefined) store.areasByRef.remove(old.external_ref);
  return { value: null, events: [{ topic: 'areas', event: 'area.deleted', data: { id } }] };
}
