"""Vendor plotly.js's partial "basic" bundle (bar, pie, scatter) into the package, at plotly's own version.

Report pages draw only bar and scatter traces, so they embed this ~1.2 MB bundle instead of the 4.8 MB full
plotly.js that the plotly package ships. The bundle must be the same plotly.js version as the plotly Python
package's own (the figures' JSON is written for it); `tests/report/test_plotly_bundle.py` checks that. After upgrading
plotly, run from the repository root::

    .venv/bin/python scripts/vendor_plotly.py           # the version of plotly.offline.get_plotlyjs_version()
    .venv/bin/python scripts/vendor_plotly.py --version 4.1.1

It downloads `plotly.js-basic-dist-min@<version>` from the npm registry (its tarball, checked against the
registry's sha512 integrity), and writes into `src/analytics/report/vendor/`: `plotly-basic.min.js`, its
`LICENSE`, and `plotly-bundle.json` (package, version, integrity, the trace types the bundle contains).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import sys
import tarfile
import urllib.request
from pathlib import Path

PACKAGE = "plotly.js-basic-dist-min"
BUNDLE = "plotly-basic.min.js"
REGISTRY = "https://registry.npmjs.org"
VENDOR = Path(__file__).resolve().parents[1] / "src" / "analytics" / "report" / "vendor"
# The npm README lists the bundle's trace modules: "Contains trace modules `bar`, `pie` and `scatter`."
_TRACES = re.compile(r"Contains trace modules? (.+?)\.\s*$", re.M)


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - a fixed https registry URL
        return response.read()


def vendor(version: str, out: Path = VENDOR) -> dict:
    """Download, check and write the bundle of `version`; returns what plotly-bundle.json records."""
    dist = json.loads(_get(f"{REGISTRY}/{PACKAGE}/{version}"))["dist"]
    tarball = _get(dist["tarball"])
    algorithm, _, expected = dist["integrity"].partition("-")
    if algorithm != "sha512" or base64.b64encode(hashlib.sha512(tarball).digest()).decode() != expected:
        raise SystemExit(f"{dist['tarball']}: the download does not match the registry's integrity {dist['integrity']}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
        files = {name: tar.extractfile(f"package/{name}").read() for name in (BUNDLE, "LICENSE", "README.md")}
    header = files[BUNDLE][:300].decode("utf-8")
    if f"v{version}" not in header:
        raise SystemExit(f"{BUNDLE} of {PACKAGE}@{version} does not say v{version} in its header")
    found = _TRACES.search(files["README.md"].decode("utf-8"))
    if not found:
        raise SystemExit(f"the README of {PACKAGE}@{version} does not list its trace modules")
    traces = sorted(re.findall(r"`([a-z0-9]+)`", found.group(1)))
    info = {"package": PACKAGE, "version": version, "file": BUNDLE, "integrity": dist["integrity"], "traces": traces}
    out.mkdir(parents=True, exist_ok=True)
    (out / BUNDLE).write_bytes(files[BUNDLE])
    (out / "LICENSE").write_bytes(files["LICENSE"])
    (out / "plotly-bundle.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", help="plotly.js version (default: the plotly package's own)")
    args = parser.parse_args(argv)
    version = args.version
    if version is None:
        from plotly.offline import get_plotlyjs_version

        version = get_plotlyjs_version()
    info = vendor(version)
    print(f"{info['package']}@{info['version']} ({', '.join(info['traces'])}) -> {VENDOR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
