"""Security through the public surface: the role matrix of every desk and admin
operation, subscribers isolated from each other, keys stored and compared safely,
and script payloads neutralised in every HTML-bearing output format."""

from __future__ import annotations

import ast
import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import psycopg
from lxml import etree

from tests.conftest import Wire, story

SOURCE = Path(__file__).resolve().parents[2] / "newswire"
PLACEHOLDERS = {"uri": "urn:x:1", "slug": "x", "name": "x"}


def _operations(wire: Wire, prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
    spec = wire.client().get("/openapi.json").json()
    found = []
    for path, ops in spec["paths"].items():
        if path.startswith(prefixes):
            found += [(method.upper(), path) for method in ops if method != "parameters"]
    return sorted(found)


def _fill(path: str) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1).split(":")[0]
        return quote(PLACEHOLDERS.get(name, "1"), safe="")

    return re.sub(r"\{([^}]+)\}", value, path)


def _call(client: httpx.Client, method: str, path: str) -> httpx.Response:
    body = None if method in ("GET", "DELETE") else {}
    return client.request(method, _fill(path), json=body)


def test_role_matrix_over_every_desk_and_admin_operation(wire: Wire) -> None:
    wire.product("world")
    wire.plan("all", ["world"])
    subscriber = wire.subscriber("Outsider", "all")
    anonymous = wire.client()
    desk = _operations(wire, ("/v1/desk",))
    admin = _operations(wire, ("/v1/admin",))
    assert len(desk) >= 4 and len(admin) >= 12, (desk, admin)
    for method, path in desk + admin:
        assert _call(subscriber, method, path).status_code == 403, (method, path)
        assert _call(anonymous, method, path).status_code == 401, (method, path)
    for method, path in admin:
        assert _call(wire.editor, method, path).status_code == 403, (method, path)
    print(f"role matrix: {len(desk)} desk and {len(admin)} admin operations checked")


def test_one_subscriber_never_sees_anothers_webhooks_keys_or_usage(wire: Wire) -> None:
    wire.product("world")
    wire.plan("all", ["world"])
    alpha, beta = wire.subscriber("Alpha", "all"), wire.subscriber("Beta", "all")
    made = alpha.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/hook"})
    assert made.status_code == 201, made.text
    hook = made.json()["id"]
    assert [h["id"] for h in alpha.get("/v1/webhooks").json()] == [hook]
    assert beta.get("/v1/webhooks").json() == []
    for method, path in (
        ("GET", f"/v1/webhooks/{hook}"),
        ("GET", f"/v1/webhooks/{hook}/deliveries"),
        ("POST", f"/v1/webhooks/{hook}/replay?after=0"),
        ("DELETE", f"/v1/webhooks/{hook}"),
    ):
        r = beta.request(method, path)
        assert r.status_code == 404, (method, path, r.text)  # not even its existence
    assert alpha.get(f"/v1/webhooks/{hook}").status_code == 200  # still there
    assert beta.get("/v1/admin/subscribers").status_code == 403
    assert (
        beta.post("/v1/admin/keys", json={"role": "subscriber", "subscriber": 1}).status_code == 403
    )
    alpha.get("/v1/feed")
    kinds_beta = {(r["kind"], r["count"]) for r in beta.get("/v1/usage").json()}
    assert all(kind == "api" for kind, _ in kinds_beta)  # only its own request counter
    assert "secret" not in alpha.get("/v1/webhooks").text  # a secret is shown once only


def test_keys_are_stored_as_digests_and_secrets_compared_in_constant_time(wire: Wire) -> None:
    wire.product("world")
    wire.plan("all", ["world"])
    key = wire.subscriber("Stored", "all").headers["authorization"].split()[1]
    with psycopg.connect(wire.db_url) as conn:
        rows = conn.execute("SELECT * FROM api_keys").fetchall()
    dumped = json.dumps([list(map(str, r)) for r in rows])
    assert key not in dumped  # the key itself is nowhere in the table
    assert hashlib.sha256(key.encode()).hexdigest() in dumped
    # Keys are found by an index lookup of their SHA-256 digest, never compared as
    # strings; every other secret (webhook signatures, CSRF tokens, signed links) is
    # compared with hmac.compare_digest: no == or != on a secret anywhere in the code.
    secretish = re.compile(r"(secret|signature|csrf|password|digest|key_hash|^sig$)", re.I)
    offenders = []
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and any(
                isinstance(op, ast.Eq | ast.NotEq) for op in node.ops
            ):
                names = [
                    n.id if isinstance(n, ast.Name) else n.attr
                    for side in (node.left, *node.comparators)
                    for n in ast.walk(side)
                    if isinstance(n, ast.Name | ast.Attribute)
                ]
                if any(secretish.search(name) for name in names):
                    offenders.append(f"{path.name}:{node.lineno} {ast.unparse(node)}")
    assert offenders == []


ATTACKS = (
    "<p>Lead.</p><script>alert('body')</script>"
    '<p><img src="x" onerror="alert(1)">Picture.</p>'
    '<p><a href="javascript:alert(2)">Click</a> <a href="https://example.com/">Safe</a></p>'
    '<p onmouseover="alert(3)">Hover.</p><iframe src="https://evil.example/"></iframe>'
    "<style>body{display:none}</style>"
)
HEADLINE = "Storm <script>alert('headline')</script> hits coast"


def _no_active_content_in_ninjs(item: dict[str, Any]) -> None:
    for body in item.get("bodies", []):
        value = body["value"].lower()
        for bad in ("<script", "onerror", "onmouseover", "javascript:", "<iframe", "<style"):
            assert bad not in value, (bad, value)
    assert "https://example.com/" in json.dumps(item)  # harmless links survive


def _no_active_content_in_xml(data: bytes, headline: str) -> None:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False))
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname.lower()
        assert local not in ("script", "iframe", "style", "img", "object"), local
        for name, value in el.attrib.items():
            assert not etree.QName(name).localname.lower().startswith("on"), name
            assert not value.strip().lower().startswith("javascript:"), value
    texts = ["".join(el.itertext()) for el in root.iter() if isinstance(el.tag, str)]
    assert any(headline == t.strip() for t in texts), "the headline must stay as text"


def test_script_payloads_are_neutralised_in_every_html_bearing_format(wire: Wire) -> None:
    wire.product("world")
    wire.plan("all", ["world"])
    sub = wire.subscriber("Reader", "all")
    attack = story("x", bodies=[{"role": "main", "contentType": "text/html", "value": ATTACKS}])
    attack["headlines"] = [{"role": "main", "value": HEADLINE}]
    published = wire.publish(attack, ["world"])
    uri = quote(published["uri"], safe="")
    # An update and an ingested ninjs file pass the same sanitising.
    r = wire.editor.put(f"/v1/desk/items/{uri}", json={"item": attack, "products": ["world"]})
    assert r.status_code == 200, r.text
    ingested = dict(attack, uri="urn:test:ingested-attack")
    r = wire.editor.post(
        "/v1/desk/ingest",
        params={"products": "world"},
        content=json.dumps(ingested).encode(),
        headers={"content-type": "application/json"},
    )
    assert r.status_code in (200, 201), r.text
    for item_uri in (uri, quote("urn:test:ingested-attack", safe="")):
        item = sub.get(f"/v1/items/{item_uri}").json()
        _no_active_content_in_ninjs(item)
        assert item["headlines"][0]["value"] == HEADLINE  # text, exactly as written
        for fmt in ("nitf", "newsmlg2"):
            r = sub.get(f"/v1/items/{item_uri}", params={"format": fmt})
            assert r.status_code == 200, r.text
            _no_active_content_in_xml(r.content, HEADLINE)
    for entry in sub.get("/v1/feed").json()["entries"]:
        _no_active_content_in_ninjs(entry["item"])
    ninjs2 = sub.get(f"/v1/items/{uri}", params={"format": "ninjs2"}).json()
    assert "<script" not in json.dumps(ninjs2.get("body_html", "")).lower()
