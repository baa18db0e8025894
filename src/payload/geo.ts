/**
 * Geometry for the geo conditions, on payload values shaped `{ "lat": ..., "lon": ... }`.
 * Same rules as Qdrant: bounding boxes are open (the edges do not match) and may cross the
 * antimeridian; radii are haversine metres on a sphere of the mean Earth radius, strictly
 * less than the radius; polygons are planar in (lon, lat) and include their boundary.
 */

/** A point on Earth in degrees. */
export interface GeoPoint {
  readonly lat: number;
  readonly lon: number;
}

/** Mean Earth radius in metres (IUGG), the one Qdrant's haversine uses. */
export const EARTH_RADIUS_M = 6371008.8;

/** Reads a payload value as a geo point, or `undefined` when it is not one. */
export function asGeoPoint(value: unknown): GeoPoint | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const lat = obj['lat'];
  const lon = obj['lon'];
  if (typeof lat !== 'number' || typeof lon !== 'number') return undefined;
  return { lat, lon };
}

/** Great-circle distance in metres. */
export function haversineMeters(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Inside the box whose corners are `topLeft` (north-west) and `bottomRight` (south-east). */
export function inBoundingBox(p: GeoPoint, topLeft: GeoPoint, bottomRight: GeoPoint): boolean {
  const lonOk =
    topLeft.lon > bottomRight.lon
      ? p.lon > topLeft.lon || p.lon < bottomRight.lon // the box crosses the antimeridian
      : topLeft.lon < p.lon && p.lon < bottomRight.lon;
  return lonOk && bottomRight.lat < p.lat && p.lat < topLeft.lat;
}

function onSegment(p: GeoPoint, a: GeoPoint, b: GeoPoint): boolean {
  const cross = (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon);
  if (cross !== 0) return false;
  return (
    Math.min(a.lon, b.lon) <= p.lon &&
    p.lon <= Math.max(a.lon, b.lon) &&
    Math.min(a.lat, b.lat) <= p.lat &&
    p.lat <= Math.max(a.lat, b.lat)
  );
}

/** Where a point lies relative to a closed ring. */
function ringPosition(p: GeoPoint, ring: readonly GeoPoint[]): 'inside' | 'boundary' | 'outside' {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as GeoPoint;
    const b = ring[j] as GeoPoint;
    if (onSegment(p, a, b)) return 'boundary';
    // Even-odd rule: count edges that a ray going east from p crosses.
    if (a.lat > p.lat !== b.lat > p.lat) {
      const lonAtLat = a.lon + ((p.lat - a.lat) * (b.lon - a.lon)) / (b.lat - a.lat);
      if (p.lon < lonAtLat) inside = !inside;
    }
  }
  return inside ? 'inside' : 'outside';
}

/** Inside the polygon (or on any of its rings) and not strictly inside one of its holes. */
export function inPolygon(
  p: GeoPoint,
  exterior: readonly GeoPoint[],
  interiors: readonly (readonly GeoPoint[])[],
): boolean {
  const outer = ringPosition(p, exterior);
  if (outer === 'outside') return false;
  if (outer === 'boundary') return true;
  for (const hole of interiors) {
    const pos = ringPosition(p, hole);
    if (pos === 'inside') return false;
  }
  return true;
}
