// The pictures the raster copies: unit markers, count glyphs and count bubbles, each drawn once
// and kept as a list of non-transparent pixels. Colours are non-premultiplied 0xAABBGGRR words
// (ImageData's byte order on little-endian machines).
import { BUCKETS, HEADINGS, SILENT } from './store.js';

export const COLOURS = ['#30d158', '#0a84ff', '#ff9f0a', '#ff375f', '#8e8e93', '#ffffff']; // by bucket; the last: an unknown status
export const GLYPHS = '0123456789k.';
const rgb = hex => [1, 3, 5].map(i => parseInt(hex.slice(i, i + 2), 16));
const RGB = COLOURS.map(rgb);
export const colourWord = ([r, g, b], a) => ((Math.round(a * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0;

// Non-transparent pixels of one area of a drawn canvas, relative to (cx, cy) in device pixels.
export function cut(data, width, x0, y0, w, h, cx, cy) {
  const dx = [], dy = [], colour = [];
  const words = new Uint32Array(data.buffer);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = words[(y0 + y) * width + x0 + x];
      if (c >>> 24) { dx.push(x - cx); dy.push(y - cy); colour.push(c); }
    }
  }
  return { dx: Int16Array.from(dx), dy: Int16Array.from(dy), colour: Uint32Array.from(colour) };
}

// A bubble of radius r (device pixels): per pixel its colour as disc, or on the 4 px ring its
// colour for each status and its angle as a fraction of a turn clockwise from north; edges
// anti-aliased by coverage.
export function bubbleShape(r, ratio) {
  const ring = 4 * ratio;
  const dx = [], dy = [], words = [], turn = [];
  const R = Math.ceil(r) + 1;
  for (let y = -R; y <= R; y++) {
    for (let x = -R; x <= R; x++) {
      const d = Math.hypot(x, y);
      const cover = Math.max(0, Math.min(1, r + 0.5 - d));
      if (!cover) continue;
      dx.push(x); dy.push(y);
      if (d > r - ring) {
        turn.push(((Math.atan2(x, -y) / (2 * Math.PI)) + 1) % 1);
        for (let b = 0; b < BUCKETS; b++) words.push(colourWord(RGB[b], cover * (b === SILENT ? 0.7 : 1)));
      } else {
        turn.push(-1);
        const disc = colourWord([11, 22, 34], cover * 0.85);
        for (let b = 0; b < BUCKETS; b++) words.push(disc);
      }
    }
  }
  return { dx: Int16Array.from(dx), dy: Int16Array.from(dy), words: Uint32Array.from(words), turn: Float32Array.from(turn) };
}

export function createSprites() {
  const ratio = () => window.devicePixelRatio || 1;

  // Markers for one size: status × shape (round, or square for vehicles) × heading in 10° steps
  // (the last column without an arrow). Built a row at a time (one status and shape), so that the
  // idle warm-up can build a sheet in slices of a few ms; a draw that needs it first finishes it.
  const sheets = new Map();
  const building = new Map();
  function* buildSheet(radius, arrows, key) {
    const scale = ratio();
    const half = Math.ceil(radius + (arrows ? 8 : 2));
    const columns = arrows ? HEADINGS + 1 : 1;
    const c = document.createElement('canvas');
    const cell = Math.ceil(half * 2 * scale);
    c.width = columns * cell;
    c.height = cell;
    const g = c.getContext('2d', { willReadFrequently: true });
    const r = radius * scale;
    const tip = (radius + 7) * scale;
    const side = (radius + 1) * scale;
    const centre = Math.floor(cell / 2);
    const sprites = [];
    sprites.columns = columns;
    for (let b = 0; b < BUCKETS; b++) {
      for (let shape = 0; shape < 2; shape++) {
        g.clearRect(0, 0, c.width, c.height);
        g.strokeStyle = '#0b1622';
        g.lineWidth = 1.5 * scale;
        g.fillStyle = COLOURS[b];
        g.globalAlpha = b === SILENT ? 0.4 : 1;
        for (let col = 0; col < columns; col++) {
          const x = col * cell + centre + 0.5;
          const y = centre + 0.5;
          g.beginPath();
          if (shape) g.rect(x - r, y - r, r * 2, r * 2);
          else g.arc(x, y, r, 0, Math.PI * 2);
          g.fill();
          g.stroke();
          if (col === HEADINGS || !arrows) continue;
          const a = (col * 360 / HEADINGS - 90) * Math.PI / 180;
          g.beginPath();
          g.moveTo(x + Math.cos(a) * tip, y + Math.sin(a) * tip);
          g.lineTo(x + Math.cos(a + 0.5) * side, y + Math.sin(a + 0.5) * side);
          g.lineTo(x + Math.cos(a - 0.5) * side, y + Math.sin(a - 0.5) * side);
          g.closePath();
          g.fill();
        }
        const data = g.getImageData(0, 0, c.width, c.height).data;
        for (let col = 0; col < columns; col++) {
          const sprite = cut(data, c.width, col * cell, 0, cell, cell, centre, centre);
          sprite.min = -centre;
          sprite.max = cell - centre;
          sprites.push(sprite);
        }
        yield;
      }
    }
    sheets.set(key, sprites);
    building.delete(key);
  }
  const sheetKey = (radius, arrows) => `${radius}/${arrows}/${ratio()}`;
  // One more row of a sheet (nothing once it is complete).
  function sheetStep(radius, arrows) {
    const key = sheetKey(radius, arrows);
    if (sheets.has(key)) return;
    let steps = building.get(key);
    if (!steps) { steps = buildSheet(radius, arrows, key); building.set(key, steps); }
    steps.next();
  }
  // sprites[(bucket * 2 + vehicle) * sprites.columns + heading column]
  function sheet(radius, arrows) {
    const key = sheetKey(radius, arrows);
    while (!sheets.has(key)) sheetStep(radius, arrows);
    return sheets.get(key);
  }

  // Cluster counts: glyph sprites (digits and "k.") cut from text drawn once.
  let glyphs = null;
  function glyphSheet() {
    const scale = ratio();
    if (glyphs && glyphs.ratio === scale) return glyphs;
    const c = document.createElement('canvas');
    const g = c.getContext('2d', { willReadFrequently: true });
    const font = `600 ${11 * scale}px sans-serif`;
    g.font = font;
    const widths = [...GLYPHS].map(ch => Math.ceil(g.measureText(ch).width));
    const cell = Math.max(...widths) + 2;
    const height = Math.ceil(14 * scale);
    c.width = GLYPHS.length * cell;
    c.height = height;
    g.font = font;
    g.textBaseline = 'middle';
    g.fillStyle = '#e2f0ff';
    [...GLYPHS].forEach((ch, i) => g.fillText(ch, i * cell, height / 2));
    const data = g.getImageData(0, 0, c.width, c.height).data;
    const sprites = [...GLYPHS].map((_, i) => Object.assign(cut(data, c.width, i * cell, 0, cell, height, 0, Math.floor(height / 2)), { min: -height, max: height }));
    glyphs = { sprites, widths, ratio: scale };
    return glyphs;
  }

  const bubbles = new Map();
  function bubble(r) {
    let b = bubbles.get(r);
    if (!b) { b = bubbleShape(r, ratio()); bubbles.set(r, b); }
    return b;
  }

  return { sheetStep, sheet, glyphSheet, bubble };
}
