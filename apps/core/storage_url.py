"""Where uploads are stored, read from one setting, ``STORAGE_URL`` (deploy/README.md, "Object storage").

Empty: the folders ``MEDIA_ROOT`` (public) and ``PRIVATE_MEDIA_ROOT`` (private), as on a laptop.
Otherwise an S3-compatible bucket::

    s3://[ACCESS_KEY:SECRET_KEY@]BUCKET?endpoint_url=https://s3.example.org&region=cn-north-1

Public uploads go under ``media/`` and private ones under ``private/`` of that bucket (or of
``private_bucket=OTHER``). The keys may stay out of the URL: boto3 then reads
``AWS_ACCESS_KEY_ID`` and ``AWS_SECRET_ACCESS_KEY`` (or an instance role). This module only reads
the URL (no Django import beyond the error), so the settings can call it; the storage classes
are in ``apps.core.uploads``."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

# query parameter → what it sets
_QUERY = {
    "endpoint_url": "the S3 API's address (any S3-compatible server); empty: AWS",
    "region": "the region name",
    "private_bucket": "a separate bucket for private files; empty: the same bucket",
    "public_prefix": "the key prefix of public files (media)",
    "private_prefix": "the key prefix of private files (private)",
    "public_url": "the address public files are read from (a CDN or the bucket's website); empty: the endpoint",
    "addressing_style": "path or virtual (bucket in the host name)",
}


def storages_from_url(url: str) -> dict[str, dict]:
    """The ``default`` (public) and ``private`` entries of Django's ``STORAGES`` for ``url``."""
    if not url:
        return {
            "default": {"BACKEND": "apps.core.uploads.PublicFileSystemStorage"},
            "private": {"BACKEND": "apps.core.uploads.PrivateFileSystemStorage"},
        }
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(f"STORAGE_URL is s3://BUCKET?endpoint_url=…, not {url!r}")
    if parts.path.strip("/"):
        raise ImproperlyConfigured(
            "STORAGE_URL names a bucket only; set key prefixes with public_prefix/private_prefix"
        )
    query = dict(parse_qsl(parts.query))
    unknown = sorted(set(query) - set(_QUERY))
    if unknown:
        raise ImproperlyConfigured(
            f"STORAGE_URL: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(_QUERY)}"
        )
    if query.get("addressing_style", "path") not in ("path", "virtual"):
        raise ImproperlyConfigured("STORAGE_URL: addressing_style is path or virtual")
    bucket = parts.hostname
    common = {
        "endpoint_url": query.get("endpoint_url") or None,
        "region_name": query.get("region") or None,
        "addressing_style": query.get("addressing_style", "path"),
        # Never overwrite: a second upload named like the first gets its own key, as on disk.
        "file_overwrite": False,
        # No ACL on the objects: buckets made today refuse ACLs; what is public is said by the
        # bucket's policy on the public prefix (deploy/README.md).
        "default_acl": None,
    }
    if parts.username:
        common["access_key"] = unquote(parts.username)
        common["secret_key"] = unquote(parts.password or "")
    public_url = urlsplit(query.get("public_url", ""))
    return {
        "default": {
            "BACKEND": "apps.core.uploads.PublicS3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": bucket,
                "location": query.get("public_prefix", "media").strip("/"),
                "querystring_auth": False,
                **(
                    {
                        "custom_domain": (public_url.netloc + public_url.path).rstrip("/"),
                        "url_protocol": f"{public_url.scheme}:",
                    }
                    if public_url.netloc
                    else {}
                ),
            },
        },
        "private": {
            "BACKEND": "apps.core.uploads.PrivateS3Storage",
            "OPTIONS": {
                **common,
                "bucket_name": query.get("private_bucket") or bucket,
                "location": query.get("private_prefix", "private").strip("/"),
            },
        },
    }
