"""UMCR dispatch console: a shared console for unarmed crisis response teams."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("umcr-console")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0+unknown"
