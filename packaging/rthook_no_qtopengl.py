"""PyInstaller runtime hook: stand-ins for Qt's OpenGL modules, which the bundle leaves out.

pyqtgraph (0.14) imports ``PySide6.QtOpenGL`` and ``PySide6.QtOpenGLWidgets``
when it is imported, for its OpenGL drawing path, and subclasses
``QOpenGLWidget`` at import time. The console never switches that path on
(``useOpenGL`` stays off: the map and the wall charts are drawn with QPainter),
and the two modules cost about 11 MB in a Windows bundle (the QtOpenGL binding
alone is 8.8 MB). So the bundle leaves them out (``bundle_support.UNUSED_QT``)
and this hook, run before the console's own code, answers those two imports:

- ``QtOpenGLWidgets.QOpenGLWidget`` is a plain ``QWidget`` subclass that cannot
  be created, so pyqtgraph's ``isinstance(viewport, GraphicsViewGLWidget)``
  checks are simply false, as they are in a checkout;
- any name taken from ``QtOpenGL`` raises.

Using OpenGL anyway (``pg.setConfigOptions(useOpenGL=True)``) fails at once
with ``OpenGLLeftOut`` naming docs/packaging.md, never by drawing nothing.
Qt itself is imported only when one of the two modules is (the embedded
server child never imports it). Built and checked by tests/test_packaging.py
and by the bundle's own --self-test, which draws the map and the wall.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types

LEFT_OUT = ("PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets")


class OpenGLLeftOut(RuntimeError):
    """Qt's OpenGL modules are not in this bundle."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"{what}: Qt's OpenGL modules are left out of this bundle, the console draws "
            "with QPainter (docs/packaging.md, 'What is left out')"
        )


def _opengl_widgets() -> types.ModuleType:
    from PySide6.QtWidgets import QWidget

    class QOpenGLWidget(QWidget):
        def __init__(self, *args: object, **kwargs: object) -> None:
            raise OpenGLLeftOut("QOpenGLWidget")

    module = types.ModuleType("PySide6.QtOpenGLWidgets", __doc__)
    module.QOpenGLWidget = QOpenGLWidget  # type: ignore[attr-defined]
    return module


def _opengl() -> types.ModuleType:
    module = types.ModuleType("PySide6.QtOpenGL", __doc__)

    def __getattr__(name: str) -> object:
        if name.startswith("__"):  # import machinery and introspection
            raise AttributeError(name)
        raise OpenGLLeftOut(f"PySide6.QtOpenGL.{name}")

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]
    return module


class _StandIns(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(self, fullname, path=None, target=None):
        if fullname in LEFT_OUT:
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        return _opengl_widgets() if spec.name.endswith("Widgets") else _opengl()

    def exec_module(self, module):
        module.LEFT_OUT_OF_BUNDLE = True


def install() -> None:
    if not any(isinstance(finder, _StandIns) for finder in sys.meta_path):
        # First: a real module of that name must not be half-found elsewhere.
        sys.meta_path.insert(0, _StandIns())


install()
