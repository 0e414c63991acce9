#!/usr/bin/env bash
# Container health probe for the app image, which has no curl: a bare HTTP/1.0 GET over bash's
# /dev/tcp to the app in this container. Healthy only on a 200. Usage: healthcheck.sh [path]
set -euo pipefail
path="${1:-/health/ready}"
exec 3<>"/dev/tcp/127.0.0.1/${HEALTHCHECK_PORT:-8080}"
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$path" >&3
read -r -t 5 _protocol status _reason <&3
while read -r -t 5 _ <&3; do :; done || true  # drain, so the server sees a clean close
[ "$status" = 200 ]
