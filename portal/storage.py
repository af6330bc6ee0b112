"""Files through one interface, so app servers need not share a disk: the local data directory (default)
or any S3-compatible store, chosen by STORAGE_URL.

A key is a relative, '/'-separated name such as `photos/ab/<sha256>.full.jpg`; both backends keep the same
keys, so moving from one to the other is copying the files."""
from __future__ import annotations

import mimetypes
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO, Protocol
from urllib.parse import urlsplit

from flask import current_app

_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*")


class StorageError(RuntimeError):
    pass


def checked_key(key: str) -> str:
    """A key names a file below the store's root: no absolute paths, no '..', no hidden names."""
    if not _KEY.fullmatch(key) or ".." in key.split("/"):
        raise ValueError(f"not a storage key: {key!r}")
    return key


class Storage(Protocol):
    def put(self, key: str, data: bytes | BinaryIO) -> None:
        """Stores bytes, or everything a binary file object reads, under key (replacing what was there)."""

    def get(self, key: str) -> bytes:
        """The stored bytes; FileNotFoundError when there are none."""

    def open(self, key: str) -> BinaryIO:
        """A binary stream of the stored file, for large files (close it); FileNotFoundError when there is none."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Removes the file; nothing happens when there is none."""

    def list(self, prefix: str = "") -> list[str]:
        """Every key that starts with prefix, sorted."""

    def location(self, key: str) -> str:
        """Where the file is, for a person: a path or an s3:// address."""


class LocalStorage:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def put(self, key, data):
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside the target and renamed over it: a reader sees the old file or the new one, never half.
        fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as tmp:
                if isinstance(data, (bytes, bytearray, memoryview)):
                    tmp.write(data)
                else:
                    shutil.copyfileobj(data, tmp, 1024 * 1024)
            os.chmod(tmp_name, 0o644)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    def get(self, key):
        return self._path(key).read_bytes()

    def open(self, key):
        return self._path(key).open("rb")

    def exists(self, key):
        return self._path(key).is_file()

    def delete(self, key):
        self._path(key).unlink(missing_ok=True)

    def list(self, prefix=""):
        directory = self.root / prefix.rpartition("/")[0]
        if not directory.is_dir():
            return []
        keys = []
        for path in directory.rglob("*"):
            relative = path.relative_to(self.root).as_posix()
            if path.is_file() and relative.startswith(prefix) and not any(p.startswith(".") for p in relative.split("/")):
                keys.append(relative)
        return sorted(keys)

    def location(self, key):
        return str(self._path(key))


class S3Storage:
    """A bucket (and an optional prefix in it) of AWS S3 or any store that speaks its API (MinIO, Ceph,
    Garage, a cloud provider's object storage). Credentials come the usual boto3 way: AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, an instance role …), the region from AWS_DEFAULT_REGION."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None, client=None):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client or _s3_client(endpoint_url)

    def _name(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def put(self, key, data):
        content_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        if isinstance(data, (bytes, bytearray, memoryview)):
            self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=bytes(data), ContentType=content_type)
        else:  # a managed transfer: large files go up in parts
            self.client.upload_fileobj(data, self.bucket, self._name(key), ExtraArgs={"ContentType": content_type})

    def get(self, key):
        with self.open(key) as body:
            return body.read()

    def open(self, key):
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None

    def exists(self, key):
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._name(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def delete(self, key):
        self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def list(self, prefix=""):
        paginator = self.client.get_paginator("list_objects_v2")
        keys = []
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            keys.extend(item["Key"][len(self.prefix):] for item in page.get("Contents", ()))
        return sorted(keys)

    def location(self, key):
        return f"s3://{self.bucket}/{self._name(key)}"


def _s3_client(endpoint_url: str | None):
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=5, read_timeout=30, retries={"mode": "standard", "max_attempts": 3},
        # Stores other than AWS (and AWS itself) answer bucket-in-the-path requests; virtual-host style
        # would need a DNS name per bucket at the store's address.
        s3={"addressing_style": "path" if endpoint_url else "auto"},
    )
    return boto3.session.Session().client("s3", endpoint_url=endpoint_url or None, config=config)


def from_settings(storage_url: str, data_dir: str, endpoint_url: str = "") -> Storage:
    """'' → the data directory; file:///path → that directory; s3://bucket/prefix → the bucket."""
    if not storage_url:
        return LocalStorage(Path(data_dir))
    parts = urlsplit(storage_url)
    if parts.scheme == "file":
        return LocalStorage(Path(parts.path))
    if parts.scheme == "s3" and parts.netloc:
        return S3Storage(parts.netloc, parts.path, endpoint_url=endpoint_url or None)
    raise StorageError(f"STORAGE_URL must be empty, file:///directory or s3://bucket/prefix, not {storage_url!r}")


def get_storage(app=None) -> Storage:
    """The app's store, made once per process for its settings (a test that changes them gets a new one)."""
    app = app or current_app
    settings = (app.config.get("STORAGE_URL", ""), app.config["PORTAL_DATA_DIR"], app.config.get("S3_ENDPOINT_URL", ""))
    made = app.extensions.get("portal.storage")
    if made is None or made[0] != settings:
        made = (settings, from_settings(*settings))
        app.extensions["portal.storage"] = made
    return made[1]
