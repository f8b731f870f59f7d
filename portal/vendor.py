"""Install the front-end packages of package-lock.json into node_modules/.

``npm ci`` does the same where Node.js is installed; this needs only Python,
as ``make setup`` does on a fresh machine. Each package's tarball comes from
the npm registry (``NPM_CONFIG_REGISTRY``, by default registry.npmjs.org) at
the version the lock file pins, and is refused unless its SHA-512 matches the
lock file's ``integrity``. Nothing is run from the packages.

    python -m portal.vendor [--lock package-lock.json] [--into node_modules]
"""

import argparse
import base64
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_REGISTRY = "https://registry.npmjs.org"


def tarball_url(registry: str, name: str, version: str) -> str:
    basename = name.rsplit("/", 1)[-1]
    return f"{registry.rstrip('/')}/{name}/-/{basename}-{version}.tgz"


def integrity_check(content: bytes, integrity: str, name: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise SystemExit(f"{name}: unsupported integrity {algorithm!r}")
    digest = base64.b64encode(hashlib.sha512(content).digest()).decode()
    if digest != expected:
        raise SystemExit(f"{name}: the tarball does not match package-lock.json")


def extract(content: bytes, target: Path) -> None:
    """Unpack the tarball's ``package/`` into ``target``, refusing any path
    that would land outside it."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    root = target.resolve()
    with tarfile.open(fileobj=io.BytesIO(content), mode="r:gz") as archive:
        for member in archive.getmembers():
            if not (member.isfile() or member.isdir()):
                continue
            relative = Path(*Path(member.name).parts[1:])  # drop "package/"
            if not relative.parts:
                continue
            destination = (root / relative).resolve()
            if not destination.is_relative_to(root):
                raise SystemExit(f"refusing {member.name}: outside the package")
            if member.isdir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.extractfile(member).read())


def install(lock: Path, into: Path, registry: str) -> list[str]:
    packages = json.loads(lock.read_text(encoding="utf-8"))["packages"]
    done = []
    for path, meta in packages.items():
        if not path.startswith("node_modules/"):
            continue
        name = path.removeprefix("node_modules/")
        url = meta.get("resolved") or tarball_url(registry, name, meta["version"])
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - https registry
            content = response.read()
        integrity_check(content, meta["integrity"], name)
        extract(content, into / name)
        done.append(f"{name}@{meta['version']}")
    return done


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lock", type=Path, default=BASE_DIR / "package-lock.json")
    parser.add_argument("--into", type=Path, default=BASE_DIR / "node_modules")
    args = parser.parse_args(argv)
    registry = os.environ.get("NPM_CONFIG_REGISTRY", DEFAULT_REGISTRY)
    for package in install(args.lock, args.into, registry):
        print(f"installed {package}")
    (args.into / ".installed").write_text(
        hashlib.sha256(args.lock.read_bytes()).hexdigest(), encoding="utf-8"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
