"""Enrichment never reaches the network: the whole pipeline, models loaded from scratch,
runs in a fresh interpreter where any connection that is not loopback raises."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

GUARDED_RUN = textwrap.dedent(
    """
    import json, socket, sys
    from pathlib import Path

    attempts = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo
    LOCAL = {"127.0.0.1", "::1", "localhost"}

    def _local(sock, address):
        if sock.family == getattr(socket, "AF_UNIX", None):
            return True
        return isinstance(address, tuple) and str(address[0]) in LOCAL

    def connect(sock, address):
        if not _local(sock, address):
            attempts.append(repr(address))
            raise OSError(f"network blocked by the test: {address!r}")
        return real_connect(sock, address)

    def connect_ex(sock, address):
        if not _local(sock, address):
            attempts.append(repr(address))
            raise OSError(f"network blocked by the test: {address!r}")
        return real_connect_ex(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOCAL and host is not None:
            attempts.append(f"resolve {host}")
            raise socket.gaierror(f"name resolution blocked by the test: {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
    socket.getaddrinfo = getaddrinfo

    from newswire.enrich.pipeline import enrich_with_provenance, warm_up
    from newswire.model import Item

    warm_up()
    results = {}
    for path in sorted(Path(sys.argv[1]).glob("*.json")):
        data = json.loads(path.read_text())
        item = Item(headlines=[{"value": data["headline"]}], bodies=[{"value": data["body"]}])
        enriched, provenance = enrich_with_provenance(item)
        results[path.stem] = sorted(provenance)
    print(json.dumps({"attempts": attempts, "results": results}))
    """
)


def test_the_pipeline_fetches_nothing_with_the_network_blocked(tmp_path: Path) -> None:
    testdata = Path(__file__).parent / "testdata"
    done = subprocess.run(
        [sys.executable, "-c", GUARDED_RUN, str(testdata)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["attempts"] == []
    assert len(out["results"]) >= 10
    for stem, fields in out["results"].items():
        assert {"language", "descriptions", "subjects"} <= set(fields), stem
    assert {"people", "organisations", "places"} <= set(out["results"]["en_defence"])


def test_the_guard_does_block(tmp_path: Path) -> None:
    probe = GUARDED_RUN.split("from newswire.enrich.pipeline")[0] + textwrap.dedent(
        """
        for probe in (
            lambda: socket.socket().connect(("192.0.2.1", 80)),
            lambda: socket.create_connection(("example.org", 443), timeout=1),
        ):
            try:
                probe()
            except OSError:
                pass
        print(json.dumps(attempts))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert json.loads(done.stdout) == ["('192.0.2.1', 80)", "resolve example.org"]
