"""portal.vendor installs what package-lock.json pins, and nothing else."""

import base64
import hashlib
import io
import json
import tarfile

import pytest

from portal.vendor import install


def tarball(files: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with tarfile.open(fileobj=output, mode="w:gz") as archive:
        for name, content in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return output.getvalue()


def lock_for(tmp_path, content: bytes, integrity: bytes | None = None):
    (tmp_path / "pkg.tgz").write_bytes(content)
    digest = base64.b64encode(hashlib.sha512(integrity or content).digest()).decode()
    lock = tmp_path / "package-lock.json"
    lock.write_text(
        json.dumps(
            {
                "packages": {
                    "": {"name": "x"},
                    "node_modules/demo": {
                        "version": "1.0.0",
                        "resolved": (tmp_path / "pkg.tgz").as_uri(),
                        "integrity": f"sha512-{digest}",
                    },
                }
            }
        )
    )
    return lock


def test_a_package_is_unpacked_where_npm_puts_it(tmp_path):
    lock = lock_for(tmp_path, tarball({"package/dist/demo.js": b"ok();"}))

    installed = install(lock, tmp_path / "node_modules", "https://registry.invalid")

    assert installed == ["demo@1.0.0"]
    assert (tmp_path / "node_modules/demo/dist/demo.js").read_bytes() == b"ok();"


def test_a_tarball_that_differs_from_the_lock_is_refused(tmp_path):
    lock = lock_for(tmp_path, tarball({"package/a.js": b"evil();"}), b"other")

    with pytest.raises(SystemExit, match="does not match"):
        install(lock, tmp_path / "node_modules", "https://registry.invalid")
    assert not (tmp_path / "node_modules/demo/a.js").exists()


def test_a_path_out_of_the_package_is_refused(tmp_path):
    lock = lock_for(tmp_path, tarball({"package/../../escape.js": b"x"}))

    with pytest.raises(SystemExit, match="outside the package"):
        install(lock, tmp_path / "node_modules", "https://registry.invalid")
    assert not (tmp_path / "escape.js").exists()
