// Sizes and colours the map's vector layers share. Wall sizes are given for 1920×1080 and scaled
// with the screen, so 4K is not tiny; the board keeps fixed sizes.
export const PRIORITY_COLOURS = { critical: '#ff3b30', high: '#ff9500', medium: '#ffd60a', low: '#64d2ff' };
const WALL_BASE = { width: 1920, height: 1080 };

// A grid's fill by its number of open incidents.
export function shade(open) {
  if (!open) return { fillColor: '#1e3a5f', fillOpacity: 0.18 };
  if (open === 1) return { fillColor: '#f59e0b', fillOpacity: 0.30 };
  if (open === 2) return { fillColor: '#f97316', fillOpacity: 0.45 };
  return { fillColor: '#ef4444', fillOpacity: 0.6 };
}

export function wallScale(width, height) {
  return Math.min(4, Math.max(0.75, Math.min(width / WALL_BASE.width, height / WALL_BASE.height)));
}

export function createStyle(wall) {
  const screenScale = () => (wall ? wallScale(window.innerWidth, window.innerHeight) : 1);
  let scale = screenScale();
  const px = v => v * scale;
  return {
    px,
    weights: () => (wall
      ? { grid: px(0.8), community: px(1.4), subdistrict: px(2.6), district: px(4), highlight: px(3), marker: px(2) }
      : { grid: 0.6, community: 1.2, subdistrict: 2.2, district: 3.5, highlight: 3, marker: 2 }),
    // True when the screen's scale changed and the layers must restyle.
    rescale() {
      const next = screenScale();
      if (next === scale) return false;
      scale = next;
      return true;
    },
  };
}
