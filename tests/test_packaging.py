"""The build-time helpers of packaging/umcr-console.spec, and the bundle's size.

The Linux CI build writes the icon and the version resource but never puts
them in an executable, so they are checked here; so are the stand-ins for
Qt's OpenGL modules and, on the bundle CI builds, the size budget.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.installs import bundle_from_env

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
        ("plugins/imageformats/qjpeg.dll", True),
        ("plugins/imageformats/libqjpeg.so", True),
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


@pytest.mark.parametrize(
    ("path", "left_out"),
    [
        ("_internal/pyqtgraph/icons/peegee/peegee_512px.png", True),
        ("_internal/PySide6/translations/qtbase_fr.qm", True),
        # Qt's own words in the console's other language (docs/i18n.md) stay.
        ("_internal/PySide6/translations/qtbase_es.qm", False),
        ("_internal/PySide6/plugins/imageformats/qjpeg.dll", True),
        ("_internal/PySide6/Qt6OpenGL.dll", True),
        ("_internal/numpy/random/mtrand.cp311-win_amd64.pyd", True),
        ("_internal/mypy/nodes.cpython-311-x86_64-linux-gnu.so", True),
        ("_internal/numpy/_core/_multiarray_umath.cp311-win_amd64.pyd", False),
        # numpy's licences name the sources of numpy.random; they stay.
        ("_internal/numpy-2.4.6.dist-info/licenses/numpy/random/src/LICENSE.md", False),
        # pyqtgraph's plot buttons draw these icons; they stay.
        ("_internal/pyqtgraph/icons/auto.png", False),
        ("_internal/PySide6/plugins/imageformats/qico.dll", False),
        ("_internal/PySide6/Qt6Widgets.dll", False),
    ],
)
def test_what_is_left_out_of_the_bundle(path: str, left_out: bool) -> None:
    assert support.left_out_of_bundle(path) is left_out


# The stand-ins for Qt's OpenGL modules (packaging/rthook_no_qtopengl.py), run
# the way the bundle runs them: the hook first, then pyqtgraph, in a fresh
# interpreter (this one may hold the real modules already). The map's kind of
# drawing (filled paths, outlines through PlotCurveItem, scatter markers,
# text) must come out on an image, and OpenGL asked for must fail loudly.
STAND_IN_CHECK = r"""
import runpy, sys
runpy.run_path(sys.argv[1])
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication
import numpy as np
import pyqtgraph as pg
from PySide6 import QtOpenGL, QtOpenGLWidgets
assert QtOpenGL.LEFT_OUT_OF_BUNDLE and QtOpenGLWidgets.LEFT_OUT_OF_BUNDLE
app = QApplication([])
plot = pg.PlotWidget(background="#0d1117")
plot.addItem(pg.PlotDataItem(np.array([0.0, 1.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0, 1.0]),
                             pen=pg.mkPen("#8b949e", width=3)))
plot.addItem(pg.ScatterPlotItem(x=[0.5], y=[0.5], size=18, brush="#f4a259"))
plot.addItem(pg.TextItem("77th Street", color="#c9d1d9"))
plot.resize(320, 240)
plot.show()
app.processEvents()
image = QImage(plot.size(), QImage.Format.Format_ARGB32)
image.fill(0)
painter = QPainter(image)
plot.render(painter)
painter.end()
colours = {image.pixel(x, y) for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)}
assert QColor("#f4a259").rgb() in colours, "the marker was not drawn"
assert QColor("#0d1117").rgb() in colours, "the background was not drawn"
assert len(colours) > 10, f"only {len(colours)} colours: nothing drawn"
try:
    plot.useOpenGL(True)
except Exception as exc:
    assert type(exc).__name__ == "OpenGLLeftOut", repr(exc)
    print("OPENGL REFUSED:", exc)
else:
    raise AssertionError("useOpenGL(True) worked without Qt's OpenGL modules")
try:
    QtOpenGL.QOpenGLBuffer
except Exception as exc:
    assert type(exc).__name__ == "OpenGLLeftOut", repr(exc)
else:
    raise AssertionError("QtOpenGL.QOpenGLBuffer exists in the stand-in")
print("DRAWN", len(colours))
"""


@pytest.mark.slow
def test_pyqtgraph_draws_without_qt_opengl(tmp_path: Path) -> None:
    script = tmp_path / "check.py"
    script.write_text(STAND_IN_CHECK, encoding="utf-8")
    hook = ROOT / "packaging" / "rthook_no_qtopengl.py"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(script), str(hook)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "DRAWN" in result.stdout
    assert "docs/packaging.md" in result.stdout  # the refusal says where to look


def test_the_spec_leaves_qt_opengl_out_and_installs_the_stand_ins() -> None:
    assert {"PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets"} <= set(support.EXCLUDES)
    [hook] = support.RUNTIME_HOOKS
    assert Path(hook).is_file()


# The size budget (issue 20): checked on the bundle CI builds
# ($UMCR_BUNDLE_DIR, the Linux one here; packaging/wine-build.sh checks the
# Windows one against the same table), and that what is left out stays out.


def test_the_bundle_is_within_its_size_budget() -> None:
    bundle = bundle_from_env()
    size, files = support.bundle_size(bundle)
    budget = support.SIZE_BUDGET_BYTES[support.bundle_platform(bundle)]
    assert size <= budget, (
        f"{bundle} is {size / 1e6:.1f} MB in {files} files, over its budget of "
        f"{budget / 1e6:.0f} MB (docs/packaging.md, 'Size of the bundle')"
    )


def test_the_bundle_holds_nothing_left_out() -> None:
    bundle = bundle_from_env()
    found = [
        path.relative_to(bundle).as_posix()
        for path in bundle.rglob("*")
        if support.left_out_of_bundle(path.relative_to(bundle).as_posix())
    ]
    assert found == []


def test_the_bundle_holds_the_field_page() -> None:
    """The embedded server serves the phone page from package data (issue 24)."""
    bundle = bundle_from_env()
    pages = {p.name for p in bundle.rglob("field_static/*")}
    assert {"field.html", "field.js", "field.css", "sw.js", "manifest.json"} <= pages, pages


@pytest.mark.parametrize(
    ("dest", "dropped"),
    [
        ("PySide6/Qt/translations/qtbase_es.qm", False),
        ("PySide6/Qt/translations/qtbase_fr.qm", True),
        ("PySide6/Qt/translations/qt_help_es.qm", True),
        ("PySide6\\Qt\\translations\\qtbase_es.qm", False),
        ("umcr_console/resources/i18n/umcr_es_US.qm", False),
    ],
)
def test_qt_translations_kept_only_for_the_shipped_languages(dest: str, dropped: bool) -> None:
    """The spec drops Qt's translations except Spanish (docs/i18n.md)."""
    assert support.dropped_data(dest) is dropped
    assert support.left_out_of_bundle(dest.replace("\\", "/")) is dropped


def test_the_spec_keeps_the_shipped_qt_translations() -> None:
    spec = (ROOT / "packaging" / "umcr-console.spec").read_text(encoding="utf-8")
    assert "support.dropped_data(" in spec


def test_the_bundle_holds_the_translations() -> None:
    """The Spanish interface (issue 23): the console's catalogue and Qt's own."""
    bundle = bundle_from_env()
    names = {p.name for p in bundle.rglob("*.qm")}
    assert {"umcr_es_US.qm", "qtbase_es.qm"} <= names, sorted(names)
