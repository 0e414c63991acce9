// The command-center map. Blazor renders the element once and never re-renders it; this module
// builds the Leaflet map and adds its layers (wwwroot/map/), which own everything drawn on it.
// config.mode 'board': the dispatcher's interactive map. 'wall': the wall display — no controls,
// lines and marks scaled to the screen, fitted to the district, each new critical incident flown
// to and marked for config.highlightMs. 'replay': the board's map without the live stream; a
// replay draws the units and incidents of a past window instead. 'responder': a phone that may
// not join the live stream; it draws the territory and the one incident its page pins.
// A new feature adds its layer with layers.add(name, create) below; see map/registry.js.
/* global L */
import { createLayerRegistry } from '/map/registry.js';
import { crsFor } from '/map/datum.js';
import { connectLive } from '/map/live.js';
import { createLiveStatus } from '/map/status.js';
import { createStyle } from '/map/style.js';
import { createTerritory } from '/map/territory.js';
import { createIncidents } from '/map/incidents.js';
import { createPatrolLayer } from '/map/patrol-layer.js';
import { createAlertLayer } from '/map/alert-layer.js';
import { createTrail } from '/map/trail.js';
import { createWallFocus } from '/map/wall-focus.js';
import { createReplay } from '/map/replay.js';

export async function init(element, config, dotnet) {
  // Fetched while the map is built, so that the test hooks cost no extra round trip.
  const debugHooks = config.debugHooks ? import('/map/debug.js') : Promise.resolve(null);
  const wall = config.mode === 'wall';
  const replay = config.mode === 'replay';
  const streamless = replay || config.mode === 'responder';
  const map = L.map(element, {
    // Everything drawn is given in WGS84; on GCJ-02 tiles the CRS shifts it onto them (map/datum.js).
    crs: crsFor(config.tileDatum),
    zoomSnap: wall ? 0.1 : 0.25,
    attributionControl: !!config.tileUrl,
    // The wall is watched from across the room, never touched.
    ...(wall && { zoomControl: false, dragging: false, scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, keyboard: false, touchZoom: false }),
  });
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution || '', maxZoom: 19 }).addTo(map);
  }

  const context = { map, element, config, dotnet, wall, replay, streamless, style: createStyle(wall), svg: L.svg() };
  const layers = context.layers = createLayerRegistry(context);
  const status = createLiveStatus(context);
  let live = null;

  const territory = layers.add('territory', createTerritory);
  layers.add('incidents', createIncidents);
  // A canvas fed by its own hub batches (ADR 0005); a missing batch asks for a new snapshot.
  layers.add('patrols', () => createPatrolLayer(map, element, config.patrols, () => live?.joinPositions()));
  layers.add('trail', createTrail);
  // 110 linkage alerts come with the live connection; a map without one has none to draw.
  if (!streamless) layers.add('alerts', ctx => createAlertLayer(ctx, () => live?.joinAlerts()));
  if (wall) layers.add('wallFocus', createWallFocus);
  if (replay) layers.add('replay', createReplay);

  if (wall) {
    map.on('resize', () => {
      if (context.style.rescale()) layers.each('rescale');
      if (!layers.get('wallFocus').focused()) territory.showDistrict(false);
    });
  }

  if (!streamless) {
    live = connectLive(config.live, {
      loadSnapshot: () => layers.get('incidents').loadSnapshot(),
      event: e => layers.each('onEvent', e),
      batch: count => { layers.each('afterBatch'); status.applied(count); },
      positions: update => layers.get('patrols').apply(update),
      alerts: update => layers.get('alerts').apply(update),
      status: s => status.set(s),
    });
    // The snapshot's incidents count into the territory's grids: load it first.
    territory.ready.catch(() => {}).then(() => live.open());
  }

  const debug = await debugHooks;
  debug?.attachDebugHooks(element, map, layers);

  return {
    ...layers.api(),
    dispose() {
      live?.dispose();
      status.dispose();
      layers.dispose();
      debug?.detachDebugHooks(element);
      map.remove();
    },
  };
}
