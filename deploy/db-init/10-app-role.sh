#!/usr/bin/env bash
# First start of the database container only: the app's own role, which the schema owner
# (POSTGRES_USER, used for migrations) grants what the app needs and, on audit_log, only
# SELECT and INSERT. See README "Database roles".
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$APP_DB_PASSWORD" -v owner="$POSTGRES_USER" <<'SQL'
CREATE ROLE commandcenter_app LOGIN PASSWORD :'app_password';
GRANT commandcenter_app TO :"owner";
SQL
