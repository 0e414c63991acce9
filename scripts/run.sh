#!/usr/bin/env bash
# The whole system on this machine: a private PostGIS cluster, then the app with the demo feed
# (the grid map seeds itself from gis-data/ on first start). Ctrl+C stops the app; the database
# keeps running for next time (scripts/db.sh stop stops it).
# Settings: CC_PORT (default 5080), CC_HOST (default 127.0.0.1), CC_PG_PORT (default 55432).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
command -v dotnet >/dev/null || { echo "run: the .NET 10 SDK is required (dotnet on PATH)" >&2; exit 1; }

connection="$(bash "$repo/scripts/db.sh")"
export ConnectionStrings__CommandCenter="$connection"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export Demo__Enabled="${Demo__Enabled:-true}"
url="http://${CC_HOST:-127.0.0.1}:${CC_PORT:-5080}"

echo "run: building and starting CommandCenter — open $url when it says 'Now listening'; sign in as dispatcher / Demo#2026cc (all demo accounts are listed on the sign-in page)" >&2
# From the project folder, so content root, static assets and appsettings are found.
cd "$repo/src/CommandCenter.Web"
exec dotnet run --launch-profile http --urls "$url"
