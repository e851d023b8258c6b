"""Both storages keep blobs whole and by content: the data dir, and an S3-compatible server
(moto's, started on loopback by these tests and spoken to over HTTP by boto3)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.conftest import make_app
from tests.files.conftest import photo, stored_blobs
from wiki.extensions import db as _db
from wiki.files.storage import BlobMissing, LocalStorage, S3Storage

BUCKET = "essaim-fichiers"


@pytest.fixture(scope="module")
def s3_endpoint():
    server_module = pytest.importorskip("moto.server", reason="moto[server] is not installed")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def s3_options(endpoint):
    return {
        "endpoint_url": endpoint,
        "region_name": "eu-west-3",
        "aws_access_key_id": "essaim",
        "aws_secret_access_key": "essaim-secret",
    }


@pytest.fixture
def bucket(s3_endpoint):
    import boto3

    client = boto3.client("s3", **s3_options(s3_endpoint))
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
    )
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.mark.parametrize("kind", ["local", "s3"])
def test_a_blob_is_written_once_read_back_and_removed(kind, tmp_path, request):
    if kind == "local":
        store = LocalStorage(tmp_path / "files")
    else:
        endpoint = request.getfixturevalue("s3_endpoint")
        request.getfixturevalue("bucket")
        store = S3Storage(BUCKET, prefix="essaim", **s3_options(endpoint))
    assert not store.exists("ab/cd/abcd")
    with pytest.raises(BlobMissing):
        store.get("ab/cd/abcd")
    assert store.put("ab/cd/abcd", b"\x00verger\xff", "image/jpeg") is True
    assert store.put("ab/cd/abcd", b"\x00verger\xff", "image/jpeg") is False  # already there
    assert store.get("ab/cd/abcd") == b"\x00verger\xff"
    store.delete("ab/cd/abcd")
    assert not store.exists("ab/cd/abcd")


def test_local_storage_refuses_keys_leaving_its_folder(tmp_path):
    store = LocalStorage(tmp_path / "files")
    with pytest.raises(ValueError):
        store.put("../../etc/evil", b"x", "text/plain")


def test_uploads_go_to_the_bucket_and_are_served_from_it(
    tmp_path, migrated_db, s3_endpoint, bucket
):
    import shutil

    from tests.conftest import csrf_token, log_in
    from wiki.auth.service import create_user

    shutil.copy(migrated_db, tmp_path / "essaim.db")
    options = s3_options(s3_endpoint)
    app = make_app(
        tmp_path,
        FILES_STORAGE="s3",
        FILES_S3_BUCKET=BUCKET,
        FILES_S3_PREFIX="essaim/",
        FILES_S3_ENDPOINT=options["endpoint_url"],
        FILES_S3_REGION=options["region_name"],
        FILES_S3_ACCESS_KEY=options["aws_access_key_id"],
        FILES_S3_SECRET_KEY=options["aws_secret_access_key"],
    )
    with app.app_context():
        try:
            create_user("camille", "un mot de passe solide")
            client = app.test_client()
            log_in(client)
            response = client.post(
                "/files/new",
                data={
                    "csrf_token": csrf_token(client, "/files/new"),
                    "file": (io.BytesIO(photo(900, 600)), "verger.jpg"),
                    "alt": "Le verger",
                },
                content_type="multipart/form-data",
                headers={"Accept": "application/json"},
            )
            assert response.status_code == 201, response.get_data(as_text=True)
            keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
            assert all(k.startswith("essaim/") for k in keys)
            assert len(keys) == 3  # the cleaned photo, its 320 and 640 px thumbnails
            assert stored_blobs(app) == []  # nothing on this host's disk
            served = client.get(response.get_json()["url"])
            assert served.status_code == 200
            assert Image.open(io.BytesIO(served.data)).size == (900, 600)
            thumb = client.get(response.get_json()["thumbnail"])
            assert thumb.mimetype == "image/webp"
        finally:
            _db.session.remove()
            _db.engine.dispose()
