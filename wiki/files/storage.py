"""Where file contents live: content-addressed blobs, on local disk or S3-compatible storage.

A blob's key is derived from its SHA-256 (``ab/cd/abcd…``, thumbnails under ``thumbs/``), so a
content is written once whatever the number of files or versions using it, and a key never
changes meaning. The database alone knows names, versions and metadata.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app


class BlobMissing(LookupError):
    """The storage has no blob under that key."""


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str) -> bool:
        """Store ``data``; return False when the key was already there (nothing written)."""

    def get(self, key: str) -> bytes:
        """The blob's bytes; BlobMissing when absent."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def local_path(self, key: str) -> Path | None:
        """A file to send as is, when the blob is on this host's disk."""


def blob_key(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def thumbnail_key(sha256: str, width: int) -> str:
    return f"thumbs/{sha256[:2]}/{sha256}-{width}w.webp"


class LocalStorage:
    """Blobs under a folder (``<data dir>/files`` by default). Writes are atomic: a temporary
    file in the same folder, flushed, then renamed, so a crash never leaves half a blob."""

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if ".." in key.split("/") or key.startswith("/"):
            raise ValueError(f"bad blob key {key!r}")
        return self.root / key

    def put(self, key: str, data: bytes, content_type: str) -> bool:
        path = self._path(key)
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return True

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise BlobMissing(key) from None

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def local_path(self, key: str) -> Path | None:
        path = self._path(key)
        return path if path.is_file() else None


class S3Storage:
    """Blobs in a bucket of any S3-compatible service (AWS, MinIO, Garage, Scaleway, OVH…),
    so that several hosts serve the same files."""

    def __init__(self, bucket: str, prefix: str = "", **client_options):
        import boto3

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client("s3", **{k: v for k, v in client_options.items() if v})

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put(self, key: str, data: bytes, content_type: str) -> bool:
        if self.exists(key):
            return False
        self.client.put_object(
            Bucket=self.bucket, Key=self._key(key), Body=data, ContentType=content_type
        )
        return True

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise BlobMissing(key) from None
            raise
        return answer["Body"].read()

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def local_path(self, key: str) -> Path | None:
        return None


def storage_from_config(config) -> Storage:
    if config.get("FILES_STORAGE", "local") == "s3":
        return S3Storage(
            config["FILES_S3_BUCKET"],
            prefix=config.get("FILES_S3_PREFIX") or "",
            endpoint_url=config.get("FILES_S3_ENDPOINT"),
            region_name=config.get("FILES_S3_REGION"),
            aws_access_key_id=config.get("FILES_S3_ACCESS_KEY"),
            aws_secret_access_key=config.get("FILES_S3_SECRET_KEY"),
        )
    root = config.get("FILES_DIR") or Path(config["DATA_DIR"]) / "files"
    return LocalStorage(root)


def init_app(app: Flask) -> None:
    app.extensions["essaim_files_storage"] = storage_from_config(app.config)


def storage() -> Storage:
    return current_app.extensions["essaim_files_storage"]
