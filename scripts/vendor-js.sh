#!/usr/bin/env bash
# Re-fetches the vendored browser libraries into src/CommandCenter.Web/wwwroot/lib/ from the npm
# registry at exactly the pinned versions (npm pack: no node_modules, no install scripts run).
# The app never loads them from a CDN. Source maps are left out (they are 5x the minified code);
# browsers only ask for them with dev tools open. To upgrade: change a version, run, review the diff.
set -euo pipefail

LEAFLET_VERSION=1.9.4
SIGNALR_VERSION=10.0.11

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lib="$repo/src/CommandCenter.Web/wwwroot/lib"
command -v npm >/dev/null || { echo "vendor-js: npm is required" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Unpacks package@version into $work/<dir> and prints the unpacked path (npm pack checks the
# tarball against the registry's integrity hash).
fetch() {
  local spec="$1" dir="$2"
  mkdir -p "$work/$dir"
  (cd "$work/$dir" && npm pack --silent "$spec" >/dev/null && tar -xzf ./*.tgz)
  echo "vendor-js: fetched $spec" >&2
  echo "$work/$dir/package"
}

# Writes a VERSION file naming the package, version, source and the registry integrity hash.
stamp() {
  local name="$1" version="$2" files="$3" dest="$4"
  {
    echo "$name@$version"
    echo "source: npm registry, https://registry.npmjs.org/$name/-/$(basename "$name")-$version.tgz"
    echo "integrity: $(npm view "$name@$version" dist.integrity)"
    echo "files: $files"
    echo "fetched by: scripts/vendor-js.sh"
  } > "$dest/VERSION"
}

# Leaflet: the dist build, its CSS and marker images.
pkg="$(fetch "leaflet@$LEAFLET_VERSION" leaflet)"
rm -rf "$lib/leaflet" && mkdir -p "$lib/leaflet"
cp "$pkg/dist/leaflet.js" "$pkg/dist/leaflet.css" "$lib/leaflet/"
cp -r "$pkg/dist/images" "$lib/leaflet/images"
cp "$pkg/LICENSE" "$lib/leaflet/LICENSE"
stamp leaflet "$LEAFLET_VERSION" "package/dist/{leaflet.js,leaflet.css,images/}, package/LICENSE" "$lib/leaflet"

# SignalR JavaScript client: the browser UMD build (global `signalR`).
pkg="$(fetch "@microsoft/signalr@$SIGNALR_VERSION" signalr)"
rm -rf "$lib/signalr" && mkdir -p "$lib/signalr"
cp "$pkg/dist/browser/signalr.min.js" "$lib/signalr/"
# The tarball has no licence file; package.json says "license": "MIT", and the MIT text with the
# copyright line is the dotnet/aspnetcore repository's LICENSE.txt, reproduced here.
if [ -f "$pkg/LICENSE" ]; then
  cp "$pkg/LICENSE" "$lib/signalr/LICENSE"
else
  grep -q '"license": "MIT"' "$pkg/package.json" || { echo "vendor-js: @microsoft/signalr is no longer MIT; check its licence" >&2; exit 1; }
  cat > "$lib/signalr/LICENSE" <<'MIT'
The MIT License (MIT)

Copyright (c) .NET Foundation and Contributors

All rights reserved.

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
MIT
fi
stamp @microsoft/signalr "$SIGNALR_VERSION" "package/dist/browser/signalr.min.js; LICENSE: MIT text from github.com/dotnet/aspnetcore LICENSE.txt (the tarball has none)" "$lib/signalr"

echo "vendor-js: done; review with: git diff --stat -- src/CommandCenter.Web/wwwroot/lib" >&2
