// The district's territory: grids (shaded by open incidents, clickable on the board), community
// and subdistrict lines, the district outline, and the district view the map returns to.
/* global L */
import { textElement } from '/map/text.js';
import { shade } from '/map/style.js';

export function createTerritory({ map, element, dotnet, wall, replay, style, svg, layers }) {
  const grids = new Map(); // grid code → { layer, open }
  const lines = { communities: null, subdistricts: null, district: null };
  let highlighted = null;
  let districtBounds = null;
  let keepView = false;

  function gridStyle(code, open) {
    const w = style.weights();
    const line = highlighted === code ? { color: '#ffffff', weight: w.highlight } : { color: '#4b6a8a', weight: w.grid };
    // The territory's counts are today's: a replay of the past shows its grids unshaded.
    return { ...shade(replay ? 0 : open), ...line };
  }

  function lineStyles() {
    const w = style.weights();
    return {
      communities: { color: '#7aa2c8', weight: w.community, dashArray: `${style.px(4)} ${style.px(3)}`, fill: false },
      subdistricts: { color: '#b9d6f2', weight: w.subdistrict, fill: false },
      district: { color: '#e2f0ff', weight: w.district, fill: false, className: 'cc-district' },
    };
  }

  const ready = fetch('/api/map/territory').then(r => r.json()).then(t => {
    const styles = lineStyles();
    L.geoJSON(t.grids, {
      renderer: svg,
      interactive: !wall,
      style: f => ({ ...gridStyle(f.properties.code, f.properties.open), className: `cc-grid cc-grid-${f.properties.code}` }),
      onEachFeature: (f, layer) => {
        grids.set(f.properties.code, { layer, open: f.properties.open });
        if (wall) return;
        layer.bindTooltip(textElement(`${f.properties.community} · ${f.properties.name}`), { sticky: true, className: 'cc-tooltip' });
        // A click on a unit drawn over the grid is the unit's, not the grid's.
        layer.on('click', e => { if (!layers.get('patrols')?.unitAt(e.containerPoint)) dotnet.invokeMethodAsync('GridClicked', f.properties.code, e.latlng.lat, e.latlng.lng); });
      },
    }).addTo(map);
    lines.communities = L.geoJSON(t.communities, { renderer: svg, interactive: false, style: styles.communities }).addTo(map);
    lines.subdistricts = L.geoJSON(t.subdistricts, {
      renderer: svg, interactive: false, style: styles.subdistricts,
      onEachFeature: (f, layer) => layer.bindTooltip(textElement(f.properties.name),
        { permanent: true, direction: 'center', className: wall ? 'cc-label cc-label-wall' : 'cc-label' }),
    }).addTo(map);
    lines.district = L.geoJSON(t.district, { renderer: svg, interactive: false, style: styles.district }).addTo(map);
    if (lines.district.getLayers().length) districtBounds = lines.district.getBounds();
    // A room opened on one incident keeps that focus; the board shows the whole district.
    if (!keepView) showDistrict(false);
  });

  const districtPadding = () => (wall ? L.point(style.px(28), style.px(28)) : L.point(16, 16));

  // data-view on the element says what the wall shows: 'district', 'focus', or 'flying' between
  // them (Leaflet redraws the SVG only when a flight ends).
  // An interrupted flight fires no moveend, so its handler would fire at the end of the next one:
  // only the latest flight may name the view.
  let flight = 0;
  function flyingTo(view) {
    const mine = ++flight;
    element.dataset.view = 'flying';
    map.once('moveend', () => { if (mine === flight) element.dataset.view = view; });
  }

  function showDistrict(animate) {
    if (!districtBounds) return;
    if (animate) {
      flyingTo('district');
      map.flyToBounds(districtBounds, { padding: districtPadding(), duration: 1.5 });
    } else {
      flight++;
      map.fitBounds(districtBounds, { padding: districtPadding() });
      if (wall) element.dataset.view = 'district';
    }
  }

  function restyleGrid(code) {
    const g = grids.get(code);
    if (g) g.layer.setStyle(gridStyle(code, g.open));
  }

  return {
    ready,
    // An incident opened (+1) or left (-1) the grid.
    countGrid(code, delta) {
      const g = code && grids.get(code);
      if (!g) return;
      g.open = Math.max(0, g.open + delta);
      restyleGrid(code);
    },
    keepView() { keepView = true; },
    showDistrict,
    flyingTo,
    // The zoom that shows the whole district (the current one before the territory is loaded).
    districtZoom: () => (districtBounds ? map.getBoundsZoom(districtBounds, false, districtPadding()) : map.getZoom()),
    rescale() {
      const styles = lineStyles();
      for (const [name, layer] of Object.entries(lines)) layer?.setStyle(styles[name]);
      for (const code of grids.keys()) restyleGrid(code);
    },
    api: {
      highlightGrid(code) {
        const previous = highlighted;
        highlighted = code;
        if (previous) restyleGrid(previous);
        if (code) restyleGrid(code);
      },
    },
  };
}
