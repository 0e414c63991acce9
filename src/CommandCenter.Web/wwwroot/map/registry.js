// The layers one map is made of, by name. A feature adds its layer with add(name, create) and
// reaches another through get(name); the map calls hooks a layer may have (rescale, onEvent,
// afterBatch, …) on all of them, so a new layer needs no edit in the others.
export function createLayerRegistry(context) {
  const layers = new Map();
  return {
    // create(context) returns the layer: any object, with api (methods for .NET) and dispose() if it has them.
    add(name, create) {
      if (layers.has(name)) throw new Error(`layer ${name} is already on the map`);
      const layer = create(context);
      layers.set(name, layer);
      return layer;
    },
    get: name => layers.get(name) ?? null,
    // Calls hook(...args) on every layer that has it, in the order they were added.
    each(hook, ...args) {
      for (const layer of layers.values()) if (typeof layer[hook] === 'function') layer[hook](...args);
    },
    // The methods the layers offer to .NET, in one object.
    api: () => Object.assign({}, ...[...layers.values()].map(layer => layer.api || {})),
    // Last added, first gone: a layer may still use the ones added before it while it leaves.
    dispose() {
      for (const layer of [...layers.values()].reverse()) layer.dispose?.();
      layers.clear();
    },
  };
}
