// The patrol units as the hub sends them: one slot per unit in parallel typed arrays, so a frame
// over thousands of units allocates nothing. A snapshot replaces every unit; after it, batches of
// changed units must follow in seq order, and a gap asks the caller for a new snapshot.
// Each unit's Web Mercator position (0..1) is computed when it moves, not per frame.

export const STATUSES = ['available', 'assigned', 'en_route', 'on_scene', 'silent'];
export const SILENT = 4;
export const OTHER = 5; // an unknown status
export const BUCKETS = 6;
export const HEADINGS = 36; // arrow directions drawn, 10° apart; HEADINGS itself means "no heading"
const STATUS_INDEX = new Map(STATUSES.map((s, i) => [s, i]));
const MAX_LAT = 85.0511287798;

// Spherical Mercator like Leaflet's EPSG3857, scaled to 0..1: the layer point at zoom z is w·256·2^z.
// Written into out, so moving thousands of units allocates nothing.
export function mercator(lat, lon, out = new Float64Array(2)) {
  const la = Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI / 180;
  out[0] = lon / 360 + 0.5;
  out[1] = 0.5 - Math.log(Math.tan(Math.PI / 4 + la / 2)) / (2 * Math.PI);
  return out;
}

export function headingBucketOf(h) {
  return Number.isNaN(h) ? HEADINGS : ((Math.round(h / (360 / HEADINGS)) % HEADINGS) + HEADINGS) % HEADINGS;
}

const num = v => (v === null || v === undefined ? NaN : v);

// project(lat, lon, out) writes [x, y] in 0..1 into out (another CRS than Web Mercator); onGap() when a batch is missing.
export function createUnitStore({ project = mercator, onGap = () => {} } = {}) {
  const slots = new Map(); // id → slot
  const xy = new Float64Array(2);
  // Closure variables rather than fields: put() runs per unit per batch, and a cold first
  // snapshot of thousands of units is measurably slower through property loads.
  let n = 0, cap = 0, seq = -1;
  let ids, wx, wy, lat, lon, heading, headingBucket, speed, fixAt, status, vehicle;
  let callsigns = [], kinds = [], statusNames = [];

  function grow(size) {
    const copy = (Type, old) => { const a = new Type(size); if (old) a.set(old.subarray(0, n)); return a; };
    ids = copy(Float64Array, ids); wx = copy(Float64Array, wx); wy = copy(Float64Array, wy);
    lat = copy(Float64Array, lat); lon = copy(Float64Array, lon); heading = copy(Float32Array, heading);
    headingBucket = copy(Uint8Array, headingBucket); speed = copy(Float32Array, speed);
    fixAt = copy(Float64Array, fixAt); status = copy(Uint8Array, status); vehicle = copy(Uint8Array, vehicle);
    cap = size;
  }
  grow(1024);

  // A unit from the hub is [id, callsign, kind, status, lat, lon, heading, speed, fixAt ms];
  // a replay passes { id, callsign, kind, status, lat, lon, heading, speed, fixAt }.
  function put(x) {
    const wire = Array.isArray(x);
    const id = wire ? x[0] : x.id;
    let k = slots.get(id);
    const fresh = k === undefined;
    if (fresh) {
      if (n === cap) grow(cap * 2);
      k = n++;
      slots.set(id, k);
      ids[k] = id;
    }
    const s = wire ? x[3] : x.status;
    const kind = wire ? x[2] : x.kind;
    const la = wire ? x[4] : x.lat;
    const lo = wire ? x[5] : x.lon;
    const h = num(wire ? x[6] : x.heading);
    callsigns[k] = wire ? x[1] : x.callsign;
    kinds[k] = kind;
    statusNames[k] = s;
    status[k] = STATUS_INDEX.get(s) ?? OTHER;
    vehicle[k] = kind === 'vehicle' ? 1 : 0;
    speed[k] = num(wire ? x[7] : x.speed);
    fixAt[k] = wire ? x[8] : Date.parse(x.fixAt);
    if (fresh || la !== lat[k] || lo !== lon[k]) {
      lat[k] = la; lon[k] = lo;
      project(la, lo, xy);
      wx[k] = xy[0]; wy[k] = xy[1];
    }
    if (fresh || h !== heading[k]) {
      heading[k] = h;
      headingBucket[k] = headingBucketOf(h);
    }
  }

  // True when applied or already known; false on a gap (onGap has been called).
  function apply(update) {
    if (update.snapshot) {
      slots.clear();
      n = 0;
      callsigns = []; kinds = []; statusNames = [];
      seq = update.seq;
    } else if (update.seq <= seq) {
      return true; // already in the snapshot
    } else if (seq >= 0 && update.seq !== seq + 1) {
      onGap();
      return false;
    } else {
      seq = update.seq;
    }
    const list = update.units;
    for (let i = 0; i < list.length; i++) put(list[i]);
    return true;
  }

  // What a frame and the layer read: the current arrays (a grow replaces them).
  const u = {
    get n() { return n; }, get cap() { return cap; }, get seq() { return seq; },
    get ids() { return ids; }, get wx() { return wx; }, get wy() { return wy; }, get lat() { return lat; }, get lon() { return lon; },
    get heading() { return heading; }, get headingBucket() { return headingBucket; }, get speed() { return speed; },
    get fixAt() { return fixAt; }, get status() { return status; }, get vehicle() { return vehicle; },
    get callsigns() { return callsigns; }, get kinds() { return kinds; }, get statusNames() { return statusNames; },
  };

  // The unit in slot k as plain data.
  function view(k) {
    return {
      id: u.ids[k], callsign: u.callsigns[k], kind: u.kinds[k], status: u.statusNames[k], lat: u.lat[k], lon: u.lon[k],
      heading: Number.isNaN(u.heading[k]) ? null : u.heading[k], speed: Number.isNaN(u.speed[k]) ? null : u.speed[k],
      fixAt: new Date(u.fixAt[k]).toISOString(),
    };
  }

  return { units: u, apply, view, slotOf: id => slots.get(id) };
}
