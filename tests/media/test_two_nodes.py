"""Two nodes on one database that share a blob directory (`NEWSWIRE_BLOB_DIR`) and a
download secret: a picture uploaded on one is downloaded from the other, a signed link
made on one works on the other, and a kill on one is a 410 on both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import LiveServer, new_key
from tests.media.conftest import picture


@pytest.fixture
def two_nodes(db_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    shared = str(tmp_path / "shared-blobs")
    a = LiveServer(db_url, tmp_path / "a", blob_dir=shared, download_secret="same-on-both")
    b = LiveServer(db_url, tmp_path / "b", blob_dir=shared, download_secret="same-on-both")
    yield a.url, b.url
    a.stop()
    b.stop()


def test_a_picture_uploaded_on_one_node_downloads_from_the_other(
    db_url: str, two_nodes: tuple[str, str]
) -> None:
    url_a, url_b = two_nodes
    admin = {"Authorization": f"Bearer {new_key(db_url, 'admin')}"}
    editor = {"Authorization": f"Bearer {new_key(db_url, 'editor')}"}
    with httpx.Client(base_url=url_a, headers=admin, timeout=60) as a:
        assert a.post("/v1/admin/products", json={"slug": "world"}).status_code == 201
        assert a.post("/v1/admin/plans", json={"slug": "all", "products": ["world"]}).is_success
        key = a.post("/v1/admin/subscribers", json={"name": "S", "plan": "all"}).json()["key"]
    with httpx.Client(base_url=url_a, headers=editor, timeout=60) as a:
        r = a.post(
            "/v1/desk/media",
            data={"products": "world", "item": '{"headlines": [{"value": "Shared"}]}'},
            files={"file": ("p.jpg", picture(600, 400))},
        )
        assert r.status_code == 201, r.text
        uri = quote(r.json()["uri"], safe="")
    reader = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=url_b, headers=reader, timeout=60) as b:
        got = b.get(f"/v1/items/{uri}/renditions/web")
        assert got.status_code == 200 and got.headers["content-type"] == "image/jpeg"
        link = b.get(f"/v1/items/{uri}/renditions/print/link").json()["href"]
    # A link made on node B works on node A: both have the same download secret.
    path = link.split("://", 1)[1].split("/", 1)[1]
    assert httpx.get(f"{url_a}/{path}").status_code == 200
    with httpx.Client(base_url=url_b, headers=editor, timeout=60) as b:
        assert b.post(f"/v1/desk/items/{uri}/kill", json={"reason": "wrong"}).is_success
    for url in (url_a, url_b):
        assert httpx.get(f"{url}/v1/items/{uri}/renditions/web", headers=reader).status_code == 410
