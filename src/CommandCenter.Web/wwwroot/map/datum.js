// WGS84 ↔ GCJ-02 for drawing: every coordinate the app stores and serves is WGS84, but domestic
// tiles (AMap, Tencent) are drawn in GCJ-02, the offset datum China requires for its published
// maps. With Map:TileDatum 'gcj02' the map projects each WGS84 point through GCJ-02 first, so a
// vector or marker lands on the same tile pixel as the place it names; stored data never changes.
// The same conversion, with the same reference pairs in its tests, is in Domain/Grids/ChinaDatum.cs.
/* global L */

const A = 6378245.0;                // Krasovsky 1940 semi-major axis, as GCJ-02 defines it
const EE = 0.00669342162296594323;  // its first eccentricity squared

// GCJ-02 offsets only points inside China's rough bounding box; elsewhere it equals WGS84.
export function outsideChina(lat, lon) {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function offsetLat(x, y) {
  let v = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  v += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
  v += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
  v += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
  return v;
}

function offsetLon(x, y) {
  let v = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  v += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
  v += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
  v += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
  return v;
}

// [lat, lon] in GCJ-02 of a WGS84 point.
export function wgs84ToGcj02(lat, lon) {
  if (outsideChina(lat, lon)) return [lat, lon];
  const x = lon - 105;
  const y = lat - 35;
  const rad = lat / 180 * Math.PI;
  const s = Math.sin(rad);
  const magic = 1 - EE * s * s;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (offsetLat(x, y) * 180) / ((A * (1 - EE)) / (magic * sqrtMagic) * Math.PI);
  const dLon = (offsetLon(x, y) * 180) / (A / sqrtMagic * Math.cos(rad) * Math.PI);
  return [lat + dLat, lon + dLon];
}

// [lat, lon] in WGS84 of a GCJ-02 point: the forward offset has no closed inverse, so iterate
// until the forward conversion lands within ~1 mm (1e-8°) of the point.
export function gcj02ToWgs84(lat, lon) {
  let wLat = lat;
  let wLon = lon;
  for (let i = 0; i < 30; i++) {
    const [gLat, gLon] = wgs84ToGcj02(wLat, wLon);
    const eLat = gLat - lat;
    const eLon = gLon - lon;
    wLat -= eLat;
    wLon -= eLon;
    if (Math.abs(eLat) < 1e-8 && Math.abs(eLon) < 1e-8) break;
  }
  return [wLat, wLon];
}

// How the map places a WGS84 point on tiles of datum ('wgs84' or 'gcj02'): toTiles gives the
// coordinates the tiles draw the place at, fromTiles turns a tile position back into WGS84.
export function tileDatum(datum) {
  return datum === 'gcj02'
    ? { datum, toTiles: wgs84ToGcj02, fromTiles: gcj02ToWgs84 }
    : { datum: 'wgs84', toTiles: (lat, lon) => [lat, lon], fromTiles: (lat, lon) => [lat, lon] };
}

// The CRS for tiles of datum: Web Mercator, through GCJ-02 for 'gcj02', so that every latitude
// and longitude going into and out of Leaflet stays WGS84 while the drawing matches the tiles.
export function crsFor(datum) {
  const tiles = tileDatum(datum);
  if (tiles.datum === 'wgs84') return L.CRS.EPSG3857;
  const mercator = L.Projection.SphericalMercator;
  const projection = L.extend({}, mercator, {
    project: latlng => mercator.project(L.latLng(tiles.toTiles(latlng.lat, latlng.lng))),
    unproject: point => { const g = mercator.unproject(point); return L.latLng(tiles.fromTiles(g.lat, g.lng)); },
  });
  return L.extend({}, L.CRS.EPSG3857, { projection, code: 'EPSG:3857' });
}
