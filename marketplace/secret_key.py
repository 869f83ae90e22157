"""Where the secret key comes from, so that no deployment signs with a key anyone can read.

``DJANGO_SECRET_KEY`` when set. Otherwise a key file (``DJANGO_SECRET_KEY_FILE``, by default
``.secret_key`` in the project folder): the embedded default generates a random key into it on
first start, readable by the server's user only (mode 0600), and reads it on later starts, so
sessions and e-mailed links survive a restart. Production (``DJANGO_ENV=production``) never
generates a key, nor picks up a file left by the embedded default: it takes DJANGO_SECRET_KEY or
an existing DJANGO_SECRET_KEY_FILE, and otherwise refuses to start (each server making up its own
key would sign what the others cannot check).
"""

import contextlib
import os
import secrets
import stat
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def secret_key_load(*, key: str, key_file: str, default_file: Path, production: bool) -> str:
    if key:
        return key
    if production:
        if key_file and Path(key_file).exists():
            return _read(Path(key_file))
        raise ImproperlyConfigured(
            "DJANGO_ENV=production and no secret key: set DJANGO_SECRET_KEY (50 or more random characters, "
            "e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(64))'`) or point "
            "DJANGO_SECRET_KEY_FILE at a file holding one. The server does not start without it."
        )
    path = Path(key_file) if key_file else default_file
    return _read(path) if path.exists() else _create(path)


def _read(path: Path) -> str:
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise ImproperlyConfigured(f"The secret key file {path} can be read by other users: chmod 600 {path}")
    key = path.read_text().strip()
    if not key:
        raise ImproperlyConfigured(f"The secret key file {path} is empty: delete it to have a new key generated.")
    return key


def _create(path: Path) -> str:
    """Write a new key to a private temporary file, then link it into place: two processes starting
    at once (runserver and its reloader) both end up reading the one key that was linked first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # mode 0600
    try:
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(64) + "\n")
        with contextlib.suppress(FileExistsError):  # another process made the key first: use that one
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return _read(path)
