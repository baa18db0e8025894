/**
 * The geo index: points on a grid of one-degree cells. A query (box, radius or polygon) takes the
 * cells its bounding box overlaps, then tests each point stored there with the same geometry as
 * the filter (`geo.ts`), so the answer is exact. Points with coordinates outside the usual ranges
 * (latitude beyond ±90, longitude beyond ±180) are kept apart and always tested.
 */
import type { FieldTest } from '../filter.js';
import {
  EARTH_RADIUS_M,
  type GeoPoint,
  asGeoPoint,
  haversineMeters,
  inBoundingBox,
  inPolygon,
} from '../geo.js';
import { BaseFieldIndex, type IndexLookup, exactLookup } from './field-index.js';
import { sortedOffsets } from './offset-set.js';
import type { IndexSpec } from './schema.js';

const COLUMNS = 360;
/** Past this many cells a query tests every point instead. */
const MAX_CELLS = 4096;
/** Degrees added around every query box, against rounding at cell edges. */
const MARGIN = 1e-6;

const isNormal = (p: GeoPoint): boolean => Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180;

function cellOf(p: GeoPoint): number {
  const row = Math.min(179, Math.floor(p.lat + 90));
  const col = Math.min(COLUMNS - 1, Math.floor(p.lon + 180));
  return row * COLUMNS + col;
}

/** A latitude band and one or two longitude ranges, in degrees. */
interface Area {
  south: number;
  north: number;
  lons: [number, number][];
}

/** A geo index (see the module comment). */
export class GeoIndex extends BaseFieldIndex<GeoPoint> {
  readonly spec: IndexSpec = { type: 'geo' };
  private readonly cells = new Map<number, Set<number>>();
  private readonly odd = new Set<number>();

  protected accept(value: unknown): GeoPoint | undefined {
    return asGeoPoint(value);
  }

  protected insert(offset: number, keys: readonly GeoPoint[]): void {
    for (const p of keys) {
      if (!isNormal(p)) {
        this.odd.add(offset);
        continue;
      }
      const cell = cellOf(p);
      let set = this.cells.get(cell);
      if (set === undefined) this.cells.set(cell, (set = new Set()));
      set.add(offset);
    }
  }

  protected erase(offset: number, keys: readonly GeoPoint[]): void {
    this.odd.delete(offset);
    for (const p of keys) {
      if (!isNormal(p)) continue;
      const cell = cellOf(p);
      const set = this.cells.get(cell);
      set?.delete(offset);
      if (set?.size === 0) this.cells.delete(cell);
    }
  }

  lookup(test: FieldTest): IndexLookup | undefined {
    let inside: (p: GeoPoint) => boolean;
    let area: Area | undefined;
    switch (test.kind) {
      case 'geo_bounding_box': {
        const { topLeft: tl, bottomRight: br } = test;
        inside = (p) => inBoundingBox(p, tl, br);
        area = {
          south: br.lat,
          north: tl.lat,
          lons:
            tl.lon > br.lon
              ? [
                  [tl.lon, 180],
                  [-180, br.lon],
                ]
              : [[tl.lon, br.lon]],
        };
        break;
      }
      case 'geo_radius': {
        const { center, radius } = test;
        inside = (p) => haversineMeters(center, p) < radius;
        area = radiusArea(center, radius);
        break;
      }
      case 'geo_polygon': {
        const { exterior, interiors } = test;
        inside = (p) => inPolygon(p, exterior, interiors);
        const lats = exterior.map((p) => p.lat);
        const lons = exterior.map((p) => p.lon);
        area = {
          south: Math.min(...lats),
          north: Math.max(...lats),
          lons: [[Math.min(...lons), Math.max(...lons)]],
        };
        break;
      }
      default:
        return undefined;
    }
    const candidates = this.cellsIn(area) ?? this.held.keys();
    const hits = new Set<number>();
    for (const offset of candidates) {
      if (this.held.get(offset)!.some(inside)) hits.add(offset);
    }
    for (const offset of this.odd) if (this.held.get(offset)!.some(inside)) hits.add(offset);
    return exactLookup(sortedOffsets(hits));
  }

  /** Offsets in the cells `area` overlaps, or `undefined` when that is too many cells. */
  private cellsIn(area: Area | undefined): Iterable<number> | undefined {
    if (area === undefined) return undefined;
    const row0 = Math.max(0, Math.floor(area.south - MARGIN + 90));
    const row1 = Math.min(179, Math.floor(area.north + MARGIN + 90));
    const spans = area.lons.map(([w, e]) => [
      Math.max(0, Math.floor(w - MARGIN + 180)),
      Math.min(COLUMNS - 1, Math.floor(e + MARGIN + 180)),
    ]);
    let cellCount = 0;
    for (const [c0, c1] of spans) cellCount += Math.max(0, c1! - c0! + 1);
    cellCount *= Math.max(0, row1 - row0 + 1);
    if (cellCount > MAX_CELLS || cellCount > this.cells.size * 4) return undefined;
    const out = new Set<number>();
    for (let row = row0; row <= row1; row++) {
      for (const [c0, c1] of spans) {
        for (let col = c0!; col <= c1!; col++) {
          for (const offset of this.cells.get(row * COLUMNS + col) ?? []) out.add(offset);
        }
      }
    }
    return out;
  }
}

/** The box around a circle; every longitude when the circle reaches a pole. */
function radiusArea(center: GeoPoint, radius: number): Area | undefined {
  if (!isNormal(center)) return undefined;
  const angle = radius / EARTH_RADIUS_M;
  if (angle >= Math.PI / 2) return undefined;
  const dLat = ((angle * 180) / Math.PI) * 1.01 + MARGIN;
  const south = center.lat - dLat;
  const north = center.lat + dLat;
  if (south <= -90 || north >= 90) return { south, north, lons: [[-180, 180]] };
  const sinLon = Math.sin(angle) / Math.cos((center.lat * Math.PI) / 180);
  if (sinLon >= 1) return { south, north, lons: [[-180, 180]] };
  // 1% more than the exact half-width, against rounding in the haversine.
  const dLon = ((Math.asin(sinLon) * 180) / Math.PI) * 1.01 + MARGIN;
  const west = center.lon - dLon;
  const east = center.lon + dLon;
  if (west < -180)
    return {
      south,
      north,
      lons: [
        [west + 360, 180],
        [-180, east],
      ],
    };
  if (east > 180)
    return {
      south,
      north,
      lons: [
        [west, 180],
        [-180, east - 360],
      ],
    };
  return { south, north, lons: [[west, east]] };
}
