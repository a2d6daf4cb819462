"""Build-time helpers of ``umcr-console.spec`` (imported by the spec, not shipped).

Not named ``packaging``-anything on purpose: this folder is put on
``sys.path`` by the spec, and a module called ``packaging`` would shadow the
PyPI library that PyInstaller itself imports.
"""

from __future__ import annotations

import importlib.metadata
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

DIST_NAME = "umcr-console"
PRODUCT = "UMCR Dispatch Console"
COMPANY = "UMCR"

# What the project's files need to build its wheel (pyproject.toml's
# readme, package-dir and packages); copied so stale setuptools output in the
# checkout's build/ can never leak into the bundle.
_WHEEL_INPUTS = ("pyproject.toml", "README.md", "src", "resources")
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")

# Qt modules the console does not use. PyInstaller only collects modules that
# something imports, but pyqtgraph tries QtSvg and QtTest at import time (it
# runs without them), and each one drags in its Qt libraries and plugins. The
# rest are listed so a stray import cannot add tens of MB unnoticed;
# docs/packaging.md says how to take one back.
UNUSED_QT = frozenset(
    {
        "Qt3DAnimation",
        "Qt3DCore",
        "Qt3DExtras",
        "Qt3DInput",
        "Qt3DLogic",
        "Qt3DRender",
        "QtBluetooth",
        "QtCharts",
        "QtConcurrent",
        "QtDataVisualization",
        "QtDBus",
        "QtDesigner",
        "QtGraphs",
        "QtHelp",
        "QtHttpServer",
        "QtLabsStyleKit",
        "QtLocation",
        "QtMultimedia",
        "QtMultimediaWidgets",
        "QtNetwork",
        "QtNetworkAuth",
        "QtNfc",
        # pyqtgraph imports these two, and they are left out all the same: stand-ins
        # answer the import (rthook_no_qtopengl.py, RUNTIME_HOOKS below).
        "QtOpenGL",
        "QtOpenGLWidgets",
        "QtPdf",
        "QtPdfWidgets",
        "QtPositioning",
        "QtPrintSupport",
        "QtQml",
        "QtQmlFeatures",
        "QtQuick",
        "QtQuick3D",
        "QtQuickControls2",
        "QtQuickTest",
        "QtQuickWidgets",
        "QtRemoteObjects",
        "QtScxml",
        "QtSensors",
        "QtSerialBus",
        "QtSerialPort",
        "QtSpatialAudio",
        "QtSql",
        "QtStateMachine",
        "QtSvg",
        "QtSvgWidgets",
        "QtTest",
        "QtTextToSpeech",
        "QtUiTools",
        "QtWebChannel",
        "QtWebEngineCore",
        "QtWebEngineQuick",
        "QtWebEngineWidgets",
        "QtWebSockets",
        "QtWebView",
        "QtXml",
    }
)

# Qt plugins the console does not need, by file name without "lib" and the
# extension. Dropped before PyInstaller resolves their libraries, so what only
# they link (QtSvg, QtDBus, GTK and EGL stacks) stays out too. Kept: the
# platforms a workstation uses (windows, xcb, wayland) plus offscreen and
# minimal, the image formats of icons (png is built in, ico, gif), the
# compose input context (dead keys) and the styles.
UNUSED_QT_PLUGINS = frozenset(
    {
        # image formats and icon engines the console never loads (its images
        # are PNG, built into QtGui; ico stays for Windows icons, gif is small)
        "qjpeg",
        "qsvg",
        "qsvgicon",
        "qpdf",
        "qtiff",
        "qwebp",
        "qicns",
        "qtga",
        "qwbmp",
        # embedded and remote platforms, and Windows' Direct2D platform
        # (the console runs on the standard "windows" platform)
        "qdirect2d",
        "qeglfs",
        "qlinuxfb",
        "qminimalegl",
        "qvnc",
        "qvkkhrdisplay",
        "qdirectfb",
        "qbsdfb",
        # desktop themes over D-Bus and GTK, and the IBus input method (D-Bus)
        "qgtk3",
        "qxdgdesktopportal",
        "ibusplatforminputcontextplugin",
        # Wayland's hardware buffer sharing for OpenGL and Vulkan windows (the
        # console's windows are raster, shared memory); they link QtOpenGL
        "qt-plugin-wayland-egl",
        "dmabuf-server",
        "drm-egl-server",
        "shm-emulation-server",
        "vulkan-server",
        # touch screens and raw input devices of kiosk systems
        "qevdevkeyboardplugin",
        "qevdevmouseplugin",
        "qevdevtabletplugin",
        "qevdevtouchplugin",
        "qtuiotouchplugin",
    }
)


def unwanted_qt_plugin(path: str) -> bool:
    """True for a plugin file of ``UNUSED_QT_PLUGINS`` (``libqsvg.so``, ``qsvg.dll``)."""
    stem = Path(path).name.split(".")[0]
    stem = stem.removeprefix("lib")
    # eglfs has a family of device integrations: qeglfs-kms-integration, ...
    return stem in UNUSED_QT_PLUGINS or stem.startswith("qeglfs-")


# pyqtgraph (0.14) imports PySide6.QtOpenGL and QtOpenGLWidgets when it is
# imported, for an OpenGL drawing path the console never switches on. They
# are left out (UNUSED_QT, 11 MB on Windows), and this runtime hook, run in
# the bundle before the console's code, gives pyqtgraph stand-ins that fail
# loudly if OpenGL drawing is ever asked for.
RUNTIME_HOOKS = (str(Path(__file__).with_name("rthook_no_qtopengl.py")),)

# Python packages that may sit in the build environment (test tools, the
# PostgreSQL driver of the test extra, other Qt bindings) but that the console
# and its embedded SQLite server never import.
EXCLUDES = (
    *(f"PySide6.{name}" for name in sorted(UNUSED_QT)),
    "PyQt5",
    "PyQt6",
    "PySide2",
    "tkinter",
    "_tkinter",
    "IPython",
    "matplotlib",
    "scipy",
    "PIL",
    "OpenGL",
    "pyqtgraph.opengl",  # 3-D views; needs PyOpenGL, unused
    "pyqtgraph.examples",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "importlinter",
    "grimp",
    "psycopg",
    "psycopg_binary",
    "psycopg2",
    "asyncpg",
    "pymysql",
    "MySQLdb",
    # Optional imports of uvicorn (YAML logging configs) and of HTTP
    # libraries (charset guessing) that the console never uses; present
    # only when the test extra is installed in the build environment.
    "yaml",
    "charset_normalizer",
    # Collected by hooks, imported by nothing the console runs (rich: a hook's
    # hidden import; pygments: Mako's optional syntax-highlighting plugin);
    # present only in a build environment with the test extra.
    "rich",
    "pygments",
    "markdown_it",
    # setuptools and distutils (1.2 MB on Windows): cffi's build-time helper
    # (cffi._shimmed_dist_utils, for compiling C code) imports them, and
    # PyInstaller's setuptools hook follows; at run time cffi only loads
    # argon2's compiled module, which needs neither.
    # numpy's random generators (2.0 MB of compiled modules on Windows):
    # numpy imports them only when asked for numpy.random, which the console
    # never is; of pyqtgraph only pseudoScatter (beeswarm plots) would.
    "numpy.random",
    "setuptools",
    "pkg_resources",
    "_distutils_hack",
    "distutils",
    # pydantic's mypy plugin (pydantic's hook collects every submodule) and
    # mypy, compiled, with its ast_serialize and librt (4.1 MB), and trio, an
    # anyio backend the console never selects: present only in a build
    # environment with the test extra (Linux CI); none is in the Windows lock.
    "pydantic.mypy",
    "pydantic.v1.mypy",
    "mypy",
    "ast_serialize",
    "librt",
    "trio",
)

# Data files under these bundle paths are dropped after the analysis: Qt's
# own translations of its standard dialogs, except those of the languages the
# console ships (KEPT_QT_TRANSLATIONS, docs/i18n.md), and pyqtgraph's logo
# (0.9 MB of PNGs), which only pyqtgraph's mkQApp() puts on the application it
# creates; the console makes its own QApplication.
DROPPED_DATA_PREFIXES = (
    "PySide6/Qt/translations/",
    "PySide6/translations/",
    "pyqtgraph/icons/peegee/",
)
# Qt's standard buttons and dialogs (OK, Cancel, file dialogs) in the console's
# other languages: ui/i18n.py loads qtbase_<lang>.qm beside its own catalogue.
KEPT_QT_TRANSLATIONS = frozenset({"qtbase_es.qm"})


def dropped_data(dest: str) -> bool:
    """True for a data file (its path inside the bundle) the spec leaves out."""
    path = dest.replace("\\", "/")
    if path.rsplit("/", 1)[-1] in KEPT_QT_TRANSLATIONS:
        return False
    return path.startswith(DROPPED_DATA_PREFIXES)


# Libraries dropped from the analysis by file name (docs/packaging.md, "What is
# left out"): Qt's software OpenGL (Mesa llvmpipe, 20 MB), the fallback for
# machines without an OpenGL driver; the console draws with QPainter, and
# pyqtgraph's OpenGL path is never switched on.
DROPPED_BINARIES = frozenset({"opengl32sw.dll"})


def unwanted_binary(dest: str) -> bool:
    """True for a library of ``DROPPED_BINARIES``, by its path inside the bundle."""
    return dest.replace("\\", "/").rsplit("/", 1)[-1].lower() in DROPPED_BINARIES


# The size ceiling of a bundle (the whole one-folder bundle, in bytes,
# symlinks not counted: what an installer copies), by platform, enforced by
# packaging/wine-build.sh (the Windows build fails above it) and by
# tests/test_packaging.py on the bundle named by $UMCR_BUNDLE_DIR (CI's Linux
# bundle). Windows: issue 20's target, 120 MB (reached with numpy 2 in the
# Windows lock; docs/packaging.md, "Size of the bundle"). Linux: today's size
# with under 2 % of room, so growth fails a build instead of creeping in; it
# carries Qt's own ICU (38 MB), which Windows takes from the system. Lower a
# ceiling when a change makes a bundle smaller.
SIZE_BUDGET_BYTES = {"windows": 120_000_000, "linux": 219_000_000}


def bundle_platform(bundle: Path) -> str:
    """``windows`` for a bundle with ``umcr-console.exe``, else ``linux``."""
    return "windows" if (bundle / f"{DIST_NAME}.exe").is_file() else "linux"


def bundle_size(bundle: Path) -> tuple[int, int]:
    """Bytes and number of files, symlinks not followed (what an installer copies)."""
    total = files = 0
    for item in bundle.rglob("*"):
        if item.is_file() and not item.is_symlink():
            total += item.stat().st_size
            files += 1
    return total, files


def left_out_of_bundle(path: str) -> bool:
    """True for a file (path inside the bundle) that this module leaves out on purpose."""
    path = path.replace("\\", "/")
    name = path.rsplit("/", 1)[-1]
    if name.lower() in DROPPED_BINARIES:
        return True
    if name not in KEPT_QT_TRANSLATIONS and any(
        f"/{prefix}" in f"/{path}" for prefix in DROPPED_DATA_PREFIXES
    ):
        return True
    if "/plugins/" in f"/{path}" and unwanted_qt_plugin(name):
        return True
    # The files of an excluded package (numpy/random/*.pyd, mypy/*.so, ...),
    # where PyInstaller puts packages (not licence files under a dist-info).
    inside = path.removeprefix("_internal/")
    if any(inside.startswith(f"{module.replace('.', '/')}/") for module in EXCLUDES):
        return True
    # The Qt modules of UNUSED_QT: the binding (QtOpenGL.pyd, QtOpenGL.abi3.so)
    # and Qt's library (Qt6OpenGL.dll, libQt6OpenGL.so.6), except the libraries
    # that kept parts of Qt link on Linux (QtGui: QtDBus; the Adwaita window
    # decoration of Wayland: QtSvg).
    stem = name.split(".")[0]
    if stem in UNUSED_QT and name.endswith((".pyd", ".abi3.so")):
        return True
    library = stem.removeprefix("lib").replace("Qt6", "Qt", 1)
    return stem.removeprefix("lib").startswith("Qt6") and library in UNUSED_QT - {
        "QtDBus",
        "QtSvg",
    }


def stripped_libpython(entry: tuple[str, str, str], dest: Path) -> tuple[str, str, str]:
    """A TOC entry of the analysis, with libpython (Linux) replaced by a stripped copy."""
    name, source, kind = entry
    if not Path(name).name.startswith("libpython") or shutil.which("strip") is None:
        return entry
    dest.mkdir(parents=True, exist_ok=True)
    copy = dest / Path(name).name
    shutil.copy2(source, copy)
    subprocess.run(["strip", "--strip-unneeded", str(copy)], check=True)
    return name, str(copy), kind


def stage_package(root: Path, dest: Path) -> Path:
    """Install the project into ``dest`` the way its wheel lays it out, without dependencies.

    PyInstaller cannot see an editable install (setuptools' import finder),
    and ``umcr_console.resources`` only exists as a package in the wheel's
    layout, so the bundle is analysed from this folder, not from ``src/``.
    """
    if dest.exists():
        shutil.rmtree(dest)
    with tempfile.TemporaryDirectory(prefix="umcr-stage-src-") as tmp:
        source = Path(tmp)
        for name in _WHEEL_INPUTS:
            path = root / name
            if path.is_dir():
                shutil.copytree(path, source / name, ignore=_IGNORED)
            else:
                shutil.copy2(path, source / name)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--no-deps",
                "--no-compile",
                "--disable-pip-version-check",
                "--target",
                str(dest),
                str(source),
            ],
            check=True,
        )
    return dest


def staged_version(staged: Path) -> str:
    """The version in the staged package's metadata (what ``__version__`` reports)."""
    for dist in importlib.metadata.distributions(path=[str(staged)]):
        if dist.metadata["Name"] == DIST_NAME:
            return dist.version
    raise LookupError(f"no {DIST_NAME} metadata in {staged}")


def release_tuple(version: str) -> tuple[int, int, int, int]:
    """``0.1.0.dev3+g12ab`` -> ``(0, 1, 0, 0)``: Windows wants four 16-bit numbers."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    if match is None:
        raise ValueError(f"not a PEP 440 release: {version!r}")
    numbers = [int(part) for part in match.group(0).split(".")][:4]
    numbers += [0] * (4 - len(numbers))
    if any(n > 0xFFFF for n in numbers):
        raise ValueError(f"a Windows version number must be below 65536: {version!r}")
    return numbers[0], numbers[1], numbers[2], numbers[3]


def windows_version_text(version: str, exe_name: str) -> str:
    """The version resource, in the text form PyInstaller's ``EXE(version=...)`` reads."""
    numbers = release_tuple(version)
    # VS_FF_PRERELEASE for dev, alpha, beta and rc builds, so Explorer says so.
    prerelease = re.search(r"(dev|a|b|rc)\d*", version.split("+")[0]) is not None
    strings = {
        "CompanyName": COMPANY,
        "FileDescription": PRODUCT,
        "FileVersion": version,
        "InternalName": exe_name,
        "LegalCopyright": f"Copyright {COMPANY}",
        "OriginalFilename": f"{exe_name}.exe",
        "ProductName": PRODUCT,
        "ProductVersion": version,
    }
    table = ",\n".join(f"        StringStruct({k!r}, {v!r})" for k, v in strings.items())
    return f"""# Generated by packaging/bundle_support.py from the package version {version}.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers!r},
    prodvers={numbers!r},
    mask=0x3f,
    flags={"0x2" if prerelease else "0x0"},
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0),
  ),
  kids=[
    StringFileInfo([
      StringTable('040904B0', [
{table},
      ]),
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])]),
  ],
)
"""


def write_windows_version_file(version: str, exe_name: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(windows_version_text(version, exe_name), encoding="utf-8")
    return path


# -- the application icon -----------------------------------------------------
#
# Drawn here rather than committed as a binary: a beacon (white ring, amber
# centre) on a deep-blue rounded square, the floor theme's colours. Written as
# a classic .ico (32-bit DIBs up to 64 px, PNG at 128 and 256 px), which
# Windows, PyInstaller and Inno Setup all read; no imaging library needed.

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256)
_BACKGROUND = (0x13, 0x4E, 0x6F)
_RING = (0xFF, 0xFF, 0xFF)
_DOT = (0xF4, 0xA2, 0x59)

RGB = tuple[int, int, int]


def _shape_at(u: float, v: float) -> RGB | None:
    """The colour of the topmost shape at (u, v) in the unit square, or None."""
    du, dv = u - 0.5, v - 0.5
    r2 = du * du + dv * dv
    if r2 <= 0.12**2:
        return _DOT
    if 0.22**2 <= r2 <= 0.32**2:
        return _RING
    # Rounded square: 3 % margin, corner radius 20 % of the side.
    half, corner = 0.47, 0.2
    qx = max(abs(du) - (half - corner), 0.0)
    qy = max(abs(dv) - (half - corner), 0.0)
    if abs(du) <= half and abs(dv) <= half and qx * qx + qy * qy <= corner * corner:
        return _BACKGROUND
    return None


def render_icon(size: int, shape_at: Callable[[float, float], RGB | None] = _shape_at) -> bytes:
    """RGBA rows, top row first, anti-aliased by supersampling."""
    n = 4 if size <= 64 else 2
    out = bytearray()
    for y in range(size):
        for x in range(size):
            r = g = b = hits = 0
            for sy in range(n):
                for sx in range(n):
                    color = shape_at((x + (sx + 0.5) / n) / size, (y + (sy + 0.5) / n) / size)
                    if color is not None:
                        r, g, b, hits = r + color[0], g + color[1], b + color[2], hits + 1
            if hits:
                out += bytes((r // hits, g // hits, b // hits, round(255 * hits / (n * n))))
            else:
                out += b"\0\0\0\0"
    return bytes(out)


def _png(size: int, rgba: bytes) -> bytes:
    def chunk(tag: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + tag
            + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
        )

    stride = size * 4
    raw = b"".join(b"\0" + rgba[y * stride : (y + 1) * stride] for y in range(size))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def _dib(size: int, rgba: bytes) -> bytes:
    """A 32-bit BGRA DIB with its AND mask, bottom row first, as in an .ico entry."""
    stride = size * 4
    pixels = bytearray()
    mask_stride = (size + 31) // 32 * 4
    mask = bytearray()
    for y in reversed(range(size)):
        row = rgba[y * stride : (y + 1) * stride]
        mask_row = bytearray(mask_stride)
        for x in range(size):
            red, green, blue, alpha = row[x * 4 : x * 4 + 4]
            pixels += bytes((blue, green, red, alpha))
            if alpha == 0:
                mask_row[x // 8] |= 0x80 >> (x % 8)
        mask += mask_row
    header = struct.pack(
        "<IiiHHIIiiII", 40, size, size * 2, 1, 32, 0, len(pixels) + len(mask), 0, 0, 0, 0
    )
    return header + bytes(pixels) + bytes(mask)


def icon_bytes(sizes: Iterable[int] = ICON_SIZES) -> bytes:
    images = []
    for size in sizes:
        rgba = render_icon(size)
        images.append((size, _png(size, rgba) if size >= 128 else _dib(size, rgba)))
    offset = 6 + 16 * len(images)
    directory = struct.pack("<HHH", 0, 1, len(images))
    for size, data in images:
        side = 0 if size >= 256 else size  # 0 means 256 in an icon directory
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return directory + b"".join(data for _size, data in images)


def write_icon(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(icon_bytes())
    return path


def write_icon_png(path: Path, size: int = 256) -> Path:
    """The same artwork as a PNG (docs, the installer's wizard image if wanted)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_png(size, render_icon(size)))
    return path
