// Hooks for the end-to-end tests and the map bench: read-only views of a map's layers on its
// element (element.ccMap, element.ccPatrols, element.ccReplay). Loaded only when Map:DebugHooks is on
// (Development and the end-to-end tests), so production pages carry none of them.
export function attachDebugHooks(element, map, layers) {
  element.ccMap = map;
  const patrols = layers.get('patrols');
  if (patrols) element.ccPatrols = patrols.inspect();
  const replay = layers.get('replay');
  if (replay) element.ccReplay = replay.inspect();
}

export function detachDebugHooks(element) {
  delete element.ccMap;
  delete element.ccPatrols;
  delete element.ccReplay;
}
