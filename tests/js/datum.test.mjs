// node --test tests/js/: WGS84 ↔ GCJ-02 against published reference pairs, and the inverse's error.
// The same pairs are in tests/CommandCenter.Tests/Domain/Grids/ChinaDatumTests.cs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wgs84ToGcj02, gcj02ToWgs84, outsideChina, tileDatum } from '../../src/CommandCenter.Web/wwwroot/map/datum.js';
import { mercator } from '../../src/CommandCenter.Web/wwwroot/map/patrols/store.js';

// Metres between two points a few hundred metres apart (equirectangular is exact enough there).
function metres([lat1, lon1], [lat2, lon2]) {
  const k = Math.PI / 180 * 6371008.8;
  return Math.hypot((lat2 - lat1) * k, (lon2 - lon1) * k * Math.cos(lat1 * Math.PI / 180));
}

// [wgs84, gcj02, tolerance in degrees]: the example in wandergis/coordtransform's README
// (Tiananmen, to the last digit printed), and the pair in the geoToolbox tests (to 1e-7°).
const PAIRS = [
  [[39.915, 116.404], [39.91640428150164, 116.41024449916938], 1e-12],
  [[40.0, 116.0], [40.001213650174, 116.006141221789], 1e-7],
];

test('WGS84 → GCJ-02 matches the published pairs', () => {
  for (const [wgs, gcj, tolerance] of PAIRS) {
    const [lat, lon] = wgs84ToGcj02(...wgs);
    assert.ok(Math.abs(lat - gcj[0]) <= tolerance && Math.abs(lon - gcj[1]) <= tolerance, `${wgs} → ${lat},${lon}, published ${gcj}`);
  }
});

test('GCJ-02 → WGS84 by iteration returns the published WGS84 points to under 0.5 m', () => {
  for (const [wgs, gcj] of PAIRS) assert.ok(metres(gcj02ToWgs84(...gcj), wgs) < 0.5);
});

test('the round trip is under 0.5 m across the district and the whole of China', () => {
  for (let lat = 18; lat <= 53; lat += 2.5) {
    for (let lon = 74; lon <= 134; lon += 3) {
      assert.ok(metres(gcj02ToWgs84(...wgs84ToGcj02(lat, lon)), [lat, lon]) < 0.5, `${lat},${lon}`);
    }
  }
  for (let i = 0; i < 100; i++) {
    const p = [30.20 + i * 0.0006, 120.14 + i * 0.0007];
    assert.ok(metres(gcj02ToWgs84(...wgs84ToGcj02(...p)), p) < 0.01);
  }
});

test('in Hangzhou the GCJ-02 offset is about half a kilometre: south-east of WGS84', () => {
  const wgs = [30.2500, 120.1600];
  const gcj = wgs84ToGcj02(...wgs);
  const d = metres(wgs, gcj);
  assert.ok(d > 400 && d < 600, `${d} m`);
  assert.ok(gcj[0] < wgs[0] && gcj[1] > wgs[1]);
});

test('outside China the two datums are the same', () => {
  assert.equal(outsideChina(51.5, -0.12), true);
  assert.deepEqual(wgs84ToGcj02(51.5, -0.12), [51.5, -0.12]);
  assert.deepEqual(gcj02ToWgs84(35.68, 139.76), [35.68, 139.76]);
});

// What Map:TileDatum does: the map draws a WGS84 point at mercator(toTiles(point)). Tiles show a
// place at its coordinates in their own datum; with the published pair, the WGS84 point is drawn
// on the pixel where GCJ-02 tiles show that place, and on WGS84 tiles where those show it.
test('a point is drawn on the tile pixel of its place with either tile datum', () => {
  const [[wgs, publishedGcj]] = PAIRS;
  const zoom = 18;
  const pixel = ([lat, lon]) => { const [x, y] = mercator(lat, lon); return [Math.floor(x * 256 * 2 ** zoom), Math.floor(y * 256 * 2 ** zoom)]; };
  assert.deepEqual(pixel(tileDatum('gcj02').toTiles(...wgs)), pixel(publishedGcj));
  assert.deepEqual(pixel(tileDatum('wgs84').toTiles(...wgs)), pixel(wgs));
  // Ignoring the datum would draw it hundreds of pixels (about 600 m) from its place on GCJ-02 tiles.
  assert.ok(Math.abs(pixel(wgs)[0] - pixel(publishedGcj)[0]) > 500);
  // And a click on the GCJ-02 tile's pixel reads back the WGS84 point, to under 0.5 m.
  assert.ok(metres(tileDatum('gcj02').fromTiles(...publishedGcj), wgs) < 0.5);
});
