"""The build-time helpers of packaging/umcr-console.spec whose output only Windows uses.

The Linux CI build writes the icon and the version resource but never puts
them in an executable, so they are checked here.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_bundle_support() -> ModuleType:
    # By path: packaging/ is not a package (its name would shadow PyPI's "packaging").
    spec = importlib.util.spec_from_file_location(
        "bundle_support", ROOT / "packaging" / "bundle_support.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


support = load_bundle_support()


@pytest.mark.parametrize(
    ("version", "numbers"),
    [("0.1.0", (0, 1, 0, 0)), ("2.3", (2, 3, 0, 0)), ("1.2.3.dev4+g1a2b", (1, 2, 3, 0))],
)
def test_windows_version_numbers(version: str, numbers: tuple[int, ...]) -> None:
    assert support.release_tuple(version) == numbers


def test_a_version_windows_cannot_hold_is_refused() -> None:
    with pytest.raises(ValueError, match="65536"):
        support.release_tuple("70000.1")


def test_the_version_resource_text_describes_the_version() -> None:
    # Evaluated the way PyInstaller does, with recorders for its classes.
    def record(name: str):
        return lambda *args, **kwargs: (name, args, kwargs)

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable")
    namespace = {n: record(n) for n in (*names, "StringStruct", "VarFileInfo", "VarStruct")}
    info = eval(support.windows_version_text("1.4.0rc2", "umcr-console"), namespace)
    fixed = info[2]["ffi"][2]
    assert fixed["filevers"] == (1, 4, 0, 0)
    assert fixed["flags"] == 0x2  # a release candidate is marked pre-release
    strings = dict(s[1] for s in info[2]["kids"][0][1][0][0][1][1])
    assert strings["FileVersion"] == "1.4.0rc2"
    assert strings["OriginalFilename"] == "umcr-console.exe"


def test_the_icon_holds_every_size(qapp, tmp_path: Path) -> None:
    from PySide6.QtGui import QImageReader

    path = support.write_icon(tmp_path / "umcr-console.ico")
    reader = QImageReader(str(path))
    sizes = []
    for index in range(reader.imageCount()):
        reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), reader.errorString()
        sizes.append(image.width())
        # Transparent corner, opaque artwork in the middle.
        assert image.pixelColor(0, 0).alpha() == 0
        assert image.pixelColor(image.width() // 2, image.height() // 2).alpha() == 255
    assert sizes == list(support.ICON_SIZES)


@pytest.mark.parametrize(
    ("path", "unwanted"),
    [
        ("plugins/imageformats/libqsvg.so", True),
        ("plugins/imageformats/qsvg.dll", True),
        ("plugins/egldeviceintegrations/libqeglfs-kms-integration.so", True),
        ("plugins/platforms/qwindows.dll", False),
        ("plugins/platforms/libqxcb.so", False),
        ("plugins/imageformats/qico.dll", False),
    ],
)
def test_unused_qt_plugins(path: str, unwanted: bool) -> None:
    assert support.unwanted_qt_plugin(path) is unwanted


@pytest.mark.parametrize(
    ("path", "unwanted"),
    [
        ("PySide6/opengl32sw.dll", True),
        ("PySide6\\OPENGL32SW.DLL", True),
        ("PySide6/Qt6OpenGL.dll", False),
        ("PySide6/Qt6Core.dll", False),
    ],
)
def test_dropped_binaries(path: str, unwanted: bool) -> None:
    assert support.unwanted_binary(path) is unwanted
