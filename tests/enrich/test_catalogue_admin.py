"""The agency's entity catalogue over HTTP and the CLI, feeding recognition of the next story."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from tests.conftest import Wire

BODY = (
    "<p>Hollis Marchetti announced a new factory in Leeds on Monday, with 400 jobs.</p>"
    "<p>Hollis Marchetti said production would start next year.</p>"
)


def _story(headline: str) -> dict[str, Any]:
    return {
        "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": BODY}],
        "language": "en",
    }


def _names(wire: Wire, uri: str, field: str) -> dict[str, str]:
    item = wire.editor.get(f"/v1/items/{uri}").json()
    return {c["name"]: c.get("uri", "") for c in item.get(field) or []}


def test_a_correction_changes_recognition_of_the_next_story(wire: Wire) -> None:
    wire.product("news")
    first = wire.publish(_story("Hollis Marchetti opens factory"), ["news"])
    assert "Hollis Marchetti" in _names(wire, first["uri"], "people")  # looks like a person

    r = wire.admin.post(
        "/v1/admin/entities",
        json={"name": "Hollis Marchetti", "type": "person", "aliases": ["Marchetti"]},
    )
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["uri"] == "urn:newswire:entity:person:hollis-marchetti"  # the id it had

    r = wire.admin.patch(f"/v1/admin/entities/{made['id']}", json={"type": "organisation"})
    assert r.status_code == 200 and r.json()["type"] == "organisation"
    assert r.json()["uri"] == made["uri"]  # stable across corrections

    second = wire.publish(_story("Hollis Marchetti opens factory in Leeds"), ["news"])
    assert _names(wire, second["uri"], "organisations") == {"Hollis Marchetti": made["uri"]}
    assert "Hollis Marchetti" not in _names(wire, second["uri"], "people")


def test_merge_moves_aliases_and_redirects(wire: Wire) -> None:
    admin = wire.admin
    a = admin.post(
        "/v1/admin/entities", json={"name": "Nordlink Telecom", "type": "organisation"}
    ).json()
    b = admin.post(
        "/v1/admin/entities",
        json={"name": "Nordlink", "type": "organisation", "aliases": ["Nordlink A/S"]},
    ).json()
    r = admin.post(f"/v1/admin/entities/{b['id']}/merge", json={"into": a["id"]})
    assert r.status_code == 200, r.text
    assert set(r.json()["aliases"]) == {"Nordlink", "Nordlink A/S"}
    assert admin.get(f"/v1/admin/entities/{b['id']}").json()["mergedInto"] == a["id"]
    listed = admin.get("/v1/admin/entities", params={"q": "nordlink"}).json()
    assert [e["id"] for e in listed] == [a["id"]]

    wire.product("news")
    story = _story("Nordlink A/S reports profit")
    story["bodies"][0]["value"] = "<p>Nordlink A/S reported a profit on Monday.</p>"
    done = wire.publish(story, ["news"])
    assert _names(wire, done["uri"], "organisations") == {"Nordlink Telecom": a["uri"]}


def test_bad_input_is_a_clear_problem_never_a_500(wire: Wire) -> None:
    admin = wire.admin
    r = admin.post("/v1/admin/entities", json={"name": "X", "type": "company"})
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    for bad in (
        {"name": "A\x00B", "type": "place"},
        {"name": "A", "type": "place", "aliases": ["\t"]},
    ):
        r = admin.post("/v1/admin/entities", json=bad)
        assert r.status_code == 422, r.text
    assert admin.get("/v1/admin/entities", params={"q": "a\x00"}).status_code == 422
    made = admin.post("/v1/admin/entities", json={"name": "Acme Ltd", "type": "organisation"})
    assert made.status_code == 201
    clash = admin.post(
        "/v1/admin/entities", json={"name": "ACME", "type": "organisation", "aliases": ["acme ltd"]}
    )
    assert clash.status_code == 409 and "Acme Ltd" in clash.json()["detail"]
    entity_id = made.json()["id"]
    r = admin.post(f"/v1/admin/entities/{entity_id}/merge", json={"into": entity_id})
    assert r.status_code == 422 and "itself" in r.json()["detail"]
    assert admin.get("/v1/admin/entities/999999").status_code == 404
    assert admin.patch("/v1/admin/entities/999999", json={"name": "Y"}).status_code == 404
    assert (
        wire.editor.post("/v1/admin/entities", json={"name": "Z", "type": "place"}).status_code
        == 403
    )
    assert admin.get("/v1/admin/entities").json()[0]["name"] == "Acme Ltd"  # nothing half-stored


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NEWSWIRE_DATABASE_URL=db_url)
    return subprocess.run(
        [sys.executable, "-m", "newswire", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_adds_merges_and_the_running_server_sees_it(wire: Wire) -> None:
    added = _cli(
        wire.db_url,
        "entity",
        "add",
        "Brightwater Bank",
        "--type",
        "organisation",
        "--alias",
        "Brightwater",
    )
    assert added.returncode == 0, added.stderr
    other = _cli(wire.db_url, "entity", "add", "Brightwater Group", "--type", "organisation")
    assert other.returncode == 0, other.stderr
    first_id = added.stdout.split()[1]
    second_id = other.stdout.split()[1]
    merged = _cli(wire.db_url, "entity", "merge", second_id, first_id)
    assert merged.returncode == 0, merged.stderr
    listed = _cli(wire.db_url, "entity", "list", "bright")
    assert listed.stdout.count("\n") == 1 and "Brightwater Group" in listed.stdout

    bad = _cli(wire.db_url, "entity", "merge", first_id, first_id)
    assert bad.returncode != 0 and bad.stderr.count("\n") == 1 and "itself" in bad.stderr
    bad_type = _cli(wire.db_url, "entity", "add", "X", "--type", "company")
    assert bad_type.returncode != 0

    wire.product("news")
    story = _story("Brightwater Group buys insurer")
    story["bodies"][0]["value"] = "<p>Brightwater Group agreed to buy an insurer on Monday.</p>"
    done = wire.publish(story, ["news"])
    uri = "urn:newswire:entity:organisation:brightwater-bank"
    assert _names(wire, done["uri"], "organisations") == {"Brightwater Bank": uri}
