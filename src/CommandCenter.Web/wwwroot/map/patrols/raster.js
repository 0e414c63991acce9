// Markers and bubbles are written into one pixel buffer that is put on the canvas once per frame.
// A software-rasterised canvas (headless, or no GPU) spends ~20 µs filling and stroking one
// anti-aliased marker, and a drawImage per marker costs as much; copying a sprite's few hundred
// pixels in JS costs ~1 µs.
import { BUCKETS } from './store.js';
import { GLYPHS } from './sprites.js';
import { bubbleRadius } from './cluster.js';

// sprites: from createSprites() (glyphs and bubble shapes).
export function createRaster(sprites) {
  let image = null;
  let pixels = null; // Uint32 view of image: 0xAABBGGRR on little-endian machines
  let imageW = 0;
  let imageH = 0;

  // A cleared buffer of the canvas's size (device pixels).
  function frame(width, height) {
    if (!image || image.width !== width || image.height !== height) {
      image = new ImageData(Math.max(1, width), Math.max(1, height));
      pixels = new Uint32Array(image.data.buffer);
      imageW = image.width;
      imageH = image.height;
    } else {
      pixels.fill(0);
    }
  }

  // Source-over of a non-premultiplied colour onto the buffer (only where translucent pixels overlap).
  function blend(i, c) {
    const d = pixels[i];
    const sa = (c >>> 24) / 255;
    if (sa === 1 || d === 0) { pixels[i] = c; return; }
    const da = ((d >>> 24) / 255) * (1 - sa);
    const oa = sa + da;
    const r = ((c & 255) * sa + (d & 255) * da) / oa;
    const g = (((c >>> 8) & 255) * sa + ((d >>> 8) & 255) * da) / oa;
    const b = (((c >>> 16) & 255) * sa + ((d >>> 16) & 255) * da) / oa;
    pixels[i] = (((oa * 255 + 0.5) << 24) | ((b + 0.5) << 16) | ((g + 0.5) << 8) | (r + 0.5)) >>> 0;
  }

  function stamp(sprite, x, y) {
    const { dx, dy, colour } = sprite;
    const inside = x + sprite.min >= 0 && y + sprite.min >= 0 && x + sprite.max < imageW && y + sprite.max < imageH;
    for (let j = 0; j < colour.length; j++) {
      const X = x + dx[j];
      const Y = y + dy[j];
      if (!inside && (X < 0 || Y < 0 || X >= imageW || Y >= imageH)) continue;
      const i = Y * imageW + X;
      const c = colour[j];
      if (c >>> 24 === 255 || pixels[i] === 0) pixels[i] = c;
      else blend(i, c);
    }
  }

  const edges = new Float32Array(BUCKETS);
  // q: { x, y (CSS pixels), count, counts per bucket }; the ring shows each status's share.
  function stampBubble(q, ratio) {
    const b = sprites.bubble(Math.round(bubbleRadius(q.count) * ratio));
    const cx = Math.round(q.x * ratio);
    const cy = Math.round(q.y * ratio);
    // Cumulative shares of the statuses round the ring, in status order.
    let sum = 0;
    for (let s = 0; s < BUCKETS; s++) { sum += q.counts[s] / q.count; edges[s] = sum; }
    const { dx, dy, words, turn } = b;
    for (let j = 0; j < dx.length; j++) {
      const X = cx + dx[j];
      const Y = cy + dy[j];
      if (X < 0 || Y < 0 || X >= imageW || Y >= imageH) continue;
      let s = 0;
      const t = turn[j];
      while (s < BUCKETS - 1 && t >= edges[s]) s++;
      blend(Y * imageW + X, words[j * BUCKETS + s]);
    }
  }

  // A count centred on (x, y) in CSS pixels.
  function stampCount(label, x, y) {
    const g = sprites.glyphSheet();
    let width = 0;
    for (let i = 0; i < label.length; i++) width += g.widths[GLYPHS.indexOf(label[i])];
    let left = Math.round(x * g.ratio - width / 2);
    const top = Math.round(y * g.ratio);
    for (let i = 0; i < label.length; i++) {
      const j = GLYPHS.indexOf(label[i]);
      stamp(g.sprites[j], left, top);
      left += g.widths[j];
    }
  }

  return {
    frame,
    stamp,
    stampBubble,
    stampCount,
    clear() { pixels?.fill(0); },
    put(ctx) { ctx.putImageData(image, 0, 0); },
  };
}
