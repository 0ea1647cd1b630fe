import ngeohash from 'ngeohash';

/** Mean Earth radius, metres (IUGG R1, as used for great-circle distances). */
export const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** A WGS 84 point, degrees. */
export interface LatLng {
  lat: number;
  lng: number;
}

/** Great-circle distance between two points, metres (haversine formula on a sphere of EARTH_RADIUS_M). */
export function distanceM(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * RAD;
  const dLng = (b.lng - a.lng) * RAD;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * RAD) * Math.cos(b.lat * RAD) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Geohash precision (characters) of the cell index: ~4.8 m × 4.8 m cells. */
export const CELL_PRECISION = 9;

/** Geohash of a point at CELL_PRECISION: the cell an offer is indexed under. */
export const cellOf = (p: LatLng): string => ngeohash.encode(p.lat, p.lng, CELL_PRECISION);

/** A geohash cell with a lower bound of its distance to the query point (metres). */
export interface Cell {
  hash: string;
  minDistanceM: number;
}

/**
 * Lower bound of the distance from `p` to any point of cell `hash`, metres: distance to the cell's
 * centre minus its circumradius (triangle inequality), so a cell is never pruned wrongly.
 */
export function cellLowerBound(p: LatLng, hash: string): number {
  const [minLat, minLng, maxLat, maxLng] = ngeohash.decode_bbox(hash) as [number, number, number, number];
  const centre = { lat: (minLat + maxLat) / 2, lng: (minLng + maxLng) / 2 };
  const radius = Math.max(
    distanceM(centre, { lat: minLat, lng: minLng }), distanceM(centre, { lat: maxLat, lng: maxLng }),
    distanceM(centre, { lat: minLat, lng: maxLng }), distanceM(centre, { lat: maxLat, lng: minLng }),
  );
  return Math.max(0, distanceM(p, centre) - radius * 1.001 - 1);
}

/** The 32 children of a geohash cell. */
export function childrenOf(hash: string): string[] {
  return '0123456789bcdefghjkmnpqrstuvwxyz'.split('').map((c) => hash + c);
}

/** Most cells a cover may hold before a coarser precision is used. */
const MAX_COVER = 24;

/** Height and width (degrees) of a geohash cell of `precision` characters: 5 bits each, longitude first. */
const cellSize = (precision: number): [number, number] => {
  const bits = 5 * precision;
  return [180 / 2 ** Math.floor(bits / 2), 360 / 2 ** Math.ceil(bits / 2)];
};

/** The finest precision whose cells over `boxes` number at most MAX_COVER (an upper estimate: each box may straddle one more cell per axis). */
function coverPrecision(boxes: readonly [number, number, number, number][]): number {
  let best = 1;
  for (let precision = 1; precision <= CELL_PRECISION; precision++) {
    const [h, w] = cellSize(precision);
    let cells = 0;
    for (const [minLat, minLng, maxLat, maxLng] of boxes) cells += (Math.ceil((maxLat - minLat) / h) + 1) * (Math.ceil((maxLng - minLng) / w) + 1);
    if (cells > MAX_COVER) break;
    best = precision;
  }
  return best;
}

/**
 * Geohash cells that together cover the circle (`p`, `radiusM`), each with its lower-bound distance,
 * at the finest precision that needs at most MAX_COVER cells. Handles the antimeridian and the poles.
 */
export function coverCircle(p: LatLng, radiusM: number): Cell[] {
  const dLat = radiusM / (EARTH_RADIUS_M * RAD);
  const minLat = Math.max(-90, p.lat - dLat);
  const maxLat = Math.min(90, p.lat + dLat);
  const cosLat = Math.min(Math.cos(minLat * RAD), Math.cos(maxLat * RAD));
  const dLng = cosLat <= 1e-9 ? 360 : dLat / cosLat;
  const boxes: [number, number, number, number][] = [];
  if (dLng >= 180) boxes.push([minLat, -180, maxLat, 180]);
  else {
    const west = p.lng - dLng;
    const east = p.lng + dLng;
    if (west < -180) boxes.push([minLat, west + 360, maxLat, 180], [minLat, -180, maxLat, east]);
    else if (east > 180) boxes.push([minLat, west, maxLat, 180], [minLat, -180, maxLat, east - 360]);
    else boxes.push([minLat, west, maxLat, east]);
  }
  const precision = coverPrecision(boxes);
  const hashes = new Set<string>();
  for (const [a, b, c, d] of boxes) for (const h of ngeohash.bboxes(a, b, c, d, precision)) hashes.add(h);
  return [...hashes].map((hash) => ({ hash, minDistanceM: cellLowerBound(p, hash) })).filter((c) => c.minDistanceM <= radiusM);
}
