#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the database DATABASE_URL names (created when it
# does not exist; its tables are replaced) and the upload folders, then check it:
# `manage.py ledger_verify` (every hash chain and balance) and `manage.py restore_check` (the search
# index rebuilt from the restored rows holds every indexable object). Exit non-zero on any fault.
#   deploy/restore.sh BACKUP_FOLDER
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
src=${1:?usage: deploy/restore.sh BACKUP_FOLDER}
[ -f "$src/db.dump" ] || { echo "$src/db.dump not found" >&2; exit 2; }
(cd "$src" && sha256sum --quiet -c <(grep -E '^[0-9a-f]{64} ' MANIFEST)) || { echo "checksums differ from MANIFEST" >&2; exit 2; }
started=$(date +%s)

mapfile -t conf < <("$PYTHON" - <<'PY'
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
import django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(db["ENGINE"]); print(db["NAME"]); print(db.get("USER") or ""); print(db.get("HOST") or "")
print(db.get("PORT") or ""); print(db.get("PASSWORD") or ""); print(settings.MEDIA_ROOT); print(settings.PRIVATE_MEDIA_ROOT)
PY
)
engine=${conf[0]} name=${conf[1]} user=${conf[2]} host=${conf[3]} port=${conf[4]}
export PGPASSWORD=${conf[5]}
media=${conf[6]} private_media=${conf[7]}
[[ "$engine" == *postgresql ]] || { echo "restore.sh restores into PostgreSQL; this site uses $engine" >&2; exit 2; }
pg=(${user:+--username "$user"} ${host:+--host "$host"} ${port:+--port "$port"})

if ! psql "${pg[@]}" --dbname "$name" -tAc "SELECT 1" >/dev/null 2>&1; then
  createdb "${pg[@]}" "$name"
fi
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
  "${pg[@]}" --dbname "$name" "$src/db.dump"
for pair in "media:$media" "private_media:$private_media"; do
  label=${pair%%:*} dir=${pair#*:}
  mkdir -p "$dir"
  tar -xzf "$src/$label.tar.gz" -C "$dir"
done
echo "restored $src into database $name in $(( $(date +%s) - started )) s" >&2

"$PYTHON" manage.py migrate --check --noinput >/dev/null || echo "note: this code has migrations the backup lacks; run manage.py migrate" >&2
"$PYTHON" manage.py ledger_verify
"$PYTHON" manage.py restore_check
echo "restore drill done in $(( $(date +%s) - started )) s" >&2
