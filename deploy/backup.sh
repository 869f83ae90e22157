#!/usr/bin/env bash
# Back up Sanshe: the PostgreSQL database (pg_dump, custom format) and the uploads (MEDIA_ROOT and
# PRIVATE_MEDIA_ROOT as tar.gz), into one timestamped folder.
#   deploy/backup.sh [DEST]        DEST defaults to $BACKUP_DIR, else ./backups
# Reads the same environment as the site (DATABASE_URL, MEDIA_ROOT, PRIVATE_MEDIA_ROOT; .env too).
# Prints the folder it wrote. Restore with deploy/restore.sh FOLDER.
# With STORAGE_URL set the uploads live in an S3 bucket, which this script does not copy: it says so
# on every run and in the MANIFEST (uploads_in_bucket=…); the bucket's versioning keeps them
# (deploy/README.md, "Backups and the restore drill"). The two folders are still archived (they are
# normally empty then) so that restore.sh reads every backup alike.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
dest_root=${1:-${BACKUP_DIR:-backups}}

# The settings' own values (defaults and .env included), one per line.
mapfile -t conf < <("$PYTHON" - <<'PY'
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
import django
django.setup()
from django.conf import settings
db = settings.DATABASES["default"]
print(db["ENGINE"]); print(db["NAME"]); print(db.get("USER") or ""); print(db.get("HOST") or "")
print(db.get("PORT") or ""); print(db.get("PASSWORD") or ""); print(settings.MEDIA_ROOT); print(settings.PRIVATE_MEDIA_ROOT)
# Where the uploads are when STORAGE_URL is set: bucket and prefix only, never the keys.
buckets = []
for alias in ("default", "private"):
    options = settings.STORAGES[alias].get("OPTIONS", {})
    if options.get("bucket_name"):
        prefix = options.get("location", "").strip("/")
        buckets.append(f"s3://{options['bucket_name']}/" + (f"{prefix}/" if prefix else ""))
print(" ".join(buckets))
PY
)
engine=${conf[0]} name=${conf[1]} user=${conf[2]} host=${conf[3]} port=${conf[4]}
export PGPASSWORD=${conf[5]}
media=${conf[6]} private_media=${conf[7]} buckets=${conf[8]:-}
if [[ "$engine" != *postgresql ]]; then
  echo "backup.sh backs up PostgreSQL (DATABASE_URL=postgres://…); this site uses $engine" >&2
  exit 2
fi

if [ -n "$buckets" ]; then
  echo "backup.sh: the uploads are in the bucket ($buckets), NOT in this backup: it holds the database" \
    "only. The bucket's own versioning (or replication) must keep them: deploy/README.md, Backups." >&2
fi

stamp=$(date -u +%Y%m%dT%H%M%SZ)
out="$dest_root/sanshe-$stamp"
mkdir -p "$out"
started=$(date +%s)
pg_dump --format=custom --no-owner --no-privileges --file "$out/db.dump" \
  --dbname "$name" ${user:+--username "$user"} ${host:+--host "$host"} ${port:+--port "$port"}
for pair in "media:$media" "private_media:$private_media"; do
  label=${pair%%:*} dir=${pair#*:}
  if [ -d "$dir" ]; then
    tar -czf "$out/$label.tar.gz" -C "$dir" .
  else
    tar -czf "$out/$label.tar.gz" --files-from /dev/null
  fi
done
{
  echo "created_utc=$stamp"
  echo "database=$name"
  echo "git_commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
  if [ -n "$buckets" ]; then echo "uploads_in_bucket=$buckets (not in this backup)"; fi
  (cd "$out" && sha256sum db.dump media.tar.gz private_media.tar.gz)
} > "$out/MANIFEST"
echo "backup written to $out in $(( $(date +%s) - started )) s${buckets:+ (the database only: the uploads stay in $buckets)}" >&2
echo "$out"
