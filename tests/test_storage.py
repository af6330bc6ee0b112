"""Files through one interface: every test runs on the data directory and on a real S3-compatible server."""
import hashlib
import io
import json
import os
import re
import sqlite3
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import sqlalchemy as sa

from portal.accounts.models import User
from portal.backup import row_counts
from portal.config import ConfigError, from_environment
from portal.extensions import db
from portal.storage import from_settings

from .factories import make_user, small_jpeg
from .helpers import client_for

STORES = ("local", "s3")
S3_PREFIX = "portal-files"


@dataclass
class StoreUnderTest:
    kind: str
    storage_url: str
    endpoint_url: str
    raw_keys: Callable[[], list[str]]  # what is really there, read without the portal's code
    raw_read: Callable[[str], bytes]

    @property
    def storage(self):
        return from_settings(self.storage_url, "/nonexistent", self.endpoint_url)


@pytest.fixture(params=STORES)
def store(request, tmp_path) -> StoreUnderTest:
    if request.param == "local":
        root = tmp_path / "files"

        def raw_keys():
            return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) if root.exists() else []

        return StoreUnderTest("local", f"file://{root}", "", raw_keys, lambda key: (root / key).read_bytes())
    bucket = request.getfixturevalue("s3_bucket")

    def raw_keys():
        keys = bucket.keys()
        assert all(k.startswith(S3_PREFIX + "/") for k in keys), keys
        return [k[len(S3_PREFIX) + 1:] for k in keys]

    return StoreUnderTest("s3", f"s3://{bucket.name}/{S3_PREFIX}", bucket.endpoint_url, raw_keys,
                          lambda key: bucket.read(f"{S3_PREFIX}/{key}"))


# ---------------------------------------------------------------- the interface

def test_what_is_put_is_got_and_streamed_back(store):
    storage = store.storage
    storage.put("photos/ab/first.jpg", b"\xff\xd8 first")
    storage.put("backups/portal.sql", bytearray(b"-- dump"))
    assert storage.get("photos/ab/first.jpg") == b"\xff\xd8 first"
    with storage.open("backups/portal.sql") as stream:
        assert stream.read() == b"-- dump"
    assert store.raw_keys() == ["backups/portal.sql", "photos/ab/first.jpg"]
    assert store.raw_read("photos/ab/first.jpg") == b"\xff\xd8 first"
    assert storage.exists("photos/ab/first.jpg") and not storage.exists("photos/ab/second.jpg")


def test_put_replaces_what_was_there(store):
    storage = store.storage
    storage.put("agreements/1.pdf", b"old")
    storage.put("agreements/1.pdf", b"new")
    assert storage.get("agreements/1.pdf") == b"new"
    assert store.raw_keys() == ["agreements/1.pdf"]  # no temporary file left beside it


def test_a_large_file_object_is_stored_whole(store):
    data = os.urandom(9 * 1024 * 1024)  # above boto3's 8 MB threshold: an S3 multipart upload
    store.storage.put("backups/big.sqlite3", io.BytesIO(data))
    with store.storage.open("backups/big.sqlite3") as stream:
        digest = hashlib.sha256()
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()
    assert hashlib.sha256(store.raw_read("backups/big.sqlite3")).digest() == hashlib.sha256(data).digest()


def test_a_missing_file_is_file_not_found(store):
    storage = store.storage
    with pytest.raises(FileNotFoundError):
        storage.get("photos/none.jpg")
    with pytest.raises(FileNotFoundError):
        storage.open("photos/none.jpg")
    assert not storage.exists("photos/none.jpg")
    storage.delete("photos/none.jpg")  # nothing to delete is no error


def test_list_by_prefix_and_delete(store):
    storage = store.storage
    for key in ("photos/ab/1.jpg", "photos/ab/2.jpg", "photos/cd/3.jpg", "photosets/4.jpg", "backups/x.sql"):
        storage.put(key, key.encode())
    assert storage.list("photos/") == ["photos/ab/1.jpg", "photos/ab/2.jpg", "photos/cd/3.jpg"]
    assert storage.list("photos/ab") == ["photos/ab/1.jpg", "photos/ab/2.jpg"]
    assert storage.list("photos") == ["photos/ab/1.jpg", "photos/ab/2.jpg", "photos/cd/3.jpg", "photosets/4.jpg"]
    assert storage.list("nothing/") == []
    assert len(storage.list()) == 5
    storage.delete("photos/ab/1.jpg")
    assert storage.list("photos/ab") == ["photos/ab/2.jpg"]
    assert "photos/ab/1.jpg" not in store.raw_keys()


@pytest.mark.parametrize("key", ["../escape.txt", "/etc/escape.txt", "photos/../../escape.txt", "a//b",
                                 ".hidden", "photos/.tmp-x", "", "photos/", "back\\slash"])
def test_a_key_cannot_leave_the_store(store, key, tmp_path):
    with pytest.raises(ValueError):
        store.storage.put(key, b"x")
    with pytest.raises(ValueError):
        store.storage.get(key)
    assert store.raw_keys() == []
    assert not list(tmp_path.rglob("escape.txt"))


def test_location_says_where_the_file_is(store):
    store.storage.put("backups/portal.sql", b"-- dump")
    location = store.storage.location("backups/portal.sql")
    if store.kind == "local":
        assert Path(location).read_bytes() == b"-- dump"
    else:
        assert location == f"{store.storage_url}/backups/portal.sql"


def test_the_storage_url_is_checked(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "development")
    for wrong in ("/srv/files", "s3://", "ftp://host/files"):
        monkeypatch.setenv("STORAGE_URL", wrong)
        with pytest.raises(ConfigError, match="STORAGE_URL"):
            from_environment()
    monkeypatch.setenv("STORAGE_URL", "s3://portal-files/prod")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://s3.example.org")
    settings = from_environment()
    assert (settings["STORAGE_URL"], settings["S3_ENDPOINT_URL"]) == ("s3://portal-files/prod", "https://s3.example.org")


# ---------------------------------------------------------------- the portal's files

@pytest.fixture
def portal_store(app, store, request):
    """The app configured for the store, and only then the test world (its photos go to that store)."""
    app.config["STORAGE_URL"] = store.storage_url
    app.config["S3_ENDPOINT_URL"] = store.endpoint_url
    return store, request.getfixturevalue("world")


def test_a_photo_uploaded_is_stored_and_served_back(app, portal_store):
    store, world = portal_store
    member = client_for(app, world.member)
    response = member.post(f"/resources/{world.resource.id}/photos", content_type="multipart/form-data",
                           data={"photo": (io.BytesIO(small_jpeg((12, 200, 90))), "zale.jpg")})
    assert response.status_code == 302
    [photo] = world.resource.photos
    full, thumb = f"photos/{photo.sha256[:2]}/{photo.sha256}.full.jpg", f"photos/{photo.sha256[:2]}/{photo.sha256}.thumb.jpg"
    assert {full, thumb} <= set(store.raw_keys())
    assert hashlib.sha256(store.raw_read(full)).hexdigest() == photo.sha256

    served = {}
    for size, key in (("full", full), ("thumb", thumb)):
        served[size] = member.get(f"/resources/{world.resource.id}/photos/{photo.id}/{size}.jpg")
        assert served[size].status_code == 200 and served[size].mimetype == "image/jpeg"
        assert served[size].data == store.raw_read(key)
    # The content hash is the ETag: a browser that has the photo is answered 304 without it.
    assert served["full"].headers["ETag"] == f'"{photo.sha256}.full"'
    again = member.get(f"/resources/{world.resource.id}/photos/{photo.id}/full.jpg",
                       headers={"If-None-Match": served["full"].headers["ETag"]})
    assert again.status_code == 304 and not again.data

    # The condition photo recorded at hand-over is in the same store and served from it.
    [condition] = world.accepted_exchange.conditions
    condition_key = f"photos/{condition.photo_sha256[:2]}/{condition.photo_sha256}.full.jpg"
    owner = client_for(app, world.representative)
    served = owner.get(f"/exchanges/{world.accepted_exchange.id}/conditions/{condition.id}.jpg")
    assert served.status_code == 200 and served.data == store.raw_read(condition_key)

    # What the store does not have is not found, not an error.
    store.storage.delete(full)
    assert member.get(f"/resources/{world.resource.id}/photos/{photo.id}/full.jpg").status_code == 404


def _archive(data: bytes) -> tuple[dict, dict[str, bytes]]:
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}
    return json.loads(members.pop("manifest.json")), members


def test_portal_backup_goes_to_the_store_with_the_files(app, portal_store, backend):
    store, world = portal_store
    photo = add_photo(app, world)
    result = app.test_cli_runner().invoke(args=["portal", "backup"])
    assert result.exit_code == 0, result.output
    [key] = [k for k in store.raw_keys() if k.startswith("backups/")]
    assert re.fullmatch(r"backups/portal-\d{8}-\d{6}\.tar\.gz", key)
    assert f"Backup written: {store.storage.location(key)}" in result.output
    manifest, members = _archive(store.raw_read(key))
    assert manifest["dialect"] == backend and manifest["revision"] and manifest["files"] == len(store.raw_keys()) - 1
    # Every stored file (the photo, its thumbnail, the condition photo), byte for byte; no backup inside a backup.
    stored = {k: store.raw_read(k) for k in store.raw_keys() if not k.startswith("backups/")}
    assert {f"files/{k}": v for k, v in stored.items()} == {k: v for k, v in members.items() if k.startswith("files/")}
    assert f"files/photos/{photo.sha256[:2]}/{photo.sha256}.full.jpg" in members
    dump = members[manifest["database"]]
    if backend == "sqlite":
        copy = Path(app.config["PORTAL_DATA_DIR"]) / "restored-check.sqlite3"
        copy.write_bytes(dump)
        try:
            with sqlite3.connect(copy) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                names = {row[0] for row in conn.execute("SELECT name FROM organizations")}
            conn.close()
        finally:
            copy.unlink()
        assert world.org.name in names
    else:
        text = dump.decode()
        assert "PostgreSQL database dump" in text and "CREATE TABLE public.organizations" in text
        assert world.org.name in text
    # The scratch copy made on the way is gone.
    assert not list(Path(app.config["PORTAL_DATA_DIR"]).glob(".backup-*"))


def add_photo(app, world):
    member = client_for(app, world.member)
    response = member.post(f"/resources/{world.resource.id}/photos", content_type="multipart/form-data",
                           data={"photo": (io.BytesIO(small_jpeg((200, 30, 90))), "projektors.jpg")})
    assert response.status_code == 302
    db.session.expire_all()
    return world.resource.photos[-1]


def test_portal_restore_brings_back_the_database_and_the_files(app, portal_store, backend):
    """Backup, then lose data and files, then `portal restore` the backup from the store: both are back."""
    store, world = portal_store
    photo = add_photo(app, world)
    full_key = f"photos/{photo.sha256[:2]}/{photo.sha256}.full.jpg"
    photo_bytes = store.raw_read(full_key)
    org_id, member_id, photo_url = world.org.id, world.member.id, f"/resources/{world.resource.id}/photos/{photo.id}/full.jpg"
    runner = app.test_cli_runner()
    before = row_counts()
    db.session.commit()
    backed_up = runner.invoke(args=["portal", "backup"])
    assert backed_up.exit_code == 0, backed_up.output
    [key] = [k for k in store.raw_keys() if k.startswith("backups/")]

    # What happens after the backup: a person and an organization's page are gone, a photo file too,
    # and someone new joined.
    db.session.execute(sa.text("UPDATE organizations SET name = 'Pārdēvēta' WHERE id = :id"), {"id": org_id})
    db.session.execute(sa.text("DELETE FROM notifications"))
    make_user(world.other_org, email="late.joiner@example.org")
    db.session.commit()
    store.storage.delete(full_key)
    assert full_key not in store.raw_keys()

    refused = runner.invoke(args=["portal", "restore", key], input="n\n")
    assert refused.exit_code != 0
    assert db.session.scalar(sa.text("SELECT name FROM organizations WHERE id = :id"), {"id": org_id}) == "Pārdēvēta"
    db.session.commit()

    restored = runner.invoke(args=["portal", "restore", key, "--yes"])
    assert restored.exit_code == 0, restored.output
    assert f"Restored the {backend} database" in restored.output and "files." in restored.output
    db.session.remove()
    assert row_counts() == before
    assert db.session.scalar(sa.text("SELECT name FROM organizations WHERE id = :id"), {"id": org_id}) == "Baltā māja"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
        User.email == "late.joiner@example.org")) == 0
    db.session.commit()
    assert store.raw_read(full_key) == photo_bytes
    # And the portal serves it again, to a person who logs in to the restored database.
    served = client_for(app, db.session.get(User, member_id)).get(photo_url)
    assert served.status_code == 200 and served.data == photo_bytes


def test_portal_restore_refuses_what_is_not_a_backup(app, tmp_path):
    stray = tmp_path / "stray.tar.gz"
    with tarfile.open(stray, "w:gz") as archive:
        info = tarfile.TarInfo("../etc/passwd")
        archive.addfile(info, io.BytesIO(b""))
    result = app.test_cli_runner().invoke(args=["portal", "restore", str(stray), "--yes"])
    assert result.exit_code != 0 and "not a portal backup" in result.output
    missing = app.test_cli_runner().invoke(args=["portal", "restore", "backups/none.tar.gz", "--yes"])
    assert missing.exit_code != 0 and "no backup backups/none.tar.gz" in missing.output
