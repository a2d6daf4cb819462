/* bcryptprimitives.dll for Wine 8.0, which lacks it (docs/packaging.md, "Building
 * on Linux under Wine"). Rust's standard library (in pydantic-core and
 * cryptography) imports ProcessPrng from it; this forwards to RtlGenRandom
 * (advapi32's SystemFunction036), the system CSPRNG Wine does have.
 *
 * Build machine only: packaging/wine-build.sh compiles it with mingw-w64 into the
 * Wine prefix's system32. It is never part of the bundle or the installer (a
 * real Windows 10/11 has its own), and the build checks that it is not.
 */
#include <windows.h>
#include <ntsecapi.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (!RtlGenRandom(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
