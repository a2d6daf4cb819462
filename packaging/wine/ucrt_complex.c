/* The C99 complex-math functions of ucrtbase.dll, for Wine 8.0, whose ucrtbase
 * exports them only as stubs that abort the process when called (numpy 2 calls
 * crealf, cexp, cpow, ... ; docs/packaging.md, "The Windows lock").
 *
 * Build machine only, like processprng.c: packaging/wine-build.sh links this
 * into a ucrtbase.dll for the Wine prefix's system32 whose every other export
 * forwards to Wine's own ucrtbase (copied beside it as ucrtwine.dll), and makes
 * the prefix load it for python.exe and umcr-console.exe only. It is never part
 * of the bundle or the installer (a real Windows has a complete ucrtbase), and
 * the build checks that it is not.
 *
 * The ABI is Microsoft's, not C99's: <complex.h> of the UCRT declares
 * _Dcomplex, _Fcomplex and _Lcomplex as structs of two doubles, two floats and
 * two long doubles (which MSVC makes doubles). mingw-w64's GCC passes and
 * returns such structs the way MSVC does (8 bytes in a register, 16 bytes by
 * reference), so the functions below take and return the same structs and do
 * the arithmetic with mingw-w64's own C99 functions. The "l" variants use the
 * double ones, as MSVC's long double is a double.
 */
#include <complex.h>

typedef struct { double v[2]; } dcx;
typedef struct { float v[2]; } fcx;

static double _Complex from_d(dcx z) { return __builtin_complex(z.v[0], z.v[1]); }
static float _Complex from_f(fcx z) { return __builtin_complex(z.v[0], z.v[1]); }
static dcx to_d(double _Complex c) { dcx r = {{creal(c), cimag(c)}}; return r; }
static fcx to_f(float _Complex c) { fcx r = {{crealf(c), cimagf(c)}}; return r; }

/* complex -> complex: name, namef, namel */
#define UNARY(name)                                                              \
    dcx shim_##name(dcx z) { return to_d(name(from_d(z))); }                     \
    fcx shim_##name##f(fcx z) { return to_f(name##f(from_f(z))); }               \
    dcx shim_##name##l(dcx z) { return to_d(name(from_d(z))); }

/* complex -> real */
#define TO_REAL(name)                                                            \
    double shim_##name(dcx z) { return name(from_d(z)); }                        \
    float shim_##name##f(fcx z) { return name##f(from_f(z)); }                   \
    double shim_##name##l(dcx z) { return name(from_d(z)); }

UNARY(cacos)
UNARY(cacosh)
UNARY(casin)
UNARY(casinh)
UNARY(catan)
UNARY(catanh)
UNARY(ccos)
UNARY(ccosh)
UNARY(cexp)
UNARY(clog)
UNARY(conj)
UNARY(cproj)
UNARY(csin)
UNARY(csinh)
UNARY(csqrt)
UNARY(ctan)
UNARY(ctanh)

TO_REAL(cabs)
TO_REAL(carg)
TO_REAL(cimag)
TO_REAL(creal)

dcx shim_cpow(dcx x, dcx y) { return to_d(cpow(from_d(x), from_d(y))); }
fcx shim_cpowf(fcx x, fcx y) { return to_f(cpowf(from_f(x), from_f(y))); }
dcx shim_cpowl(dcx x, dcx y) { return to_d(cpow(from_d(x), from_d(y))); }

/* clog10 and norm are Microsoft's additions: log10 of z, and |z| squared. */
static const double LN10 = 2.302585092994045684;
dcx shim_clog10(dcx z) { return to_d(clog(from_d(z)) / LN10); }
fcx shim_clog10f(fcx z) { return to_f(clogf(from_f(z)) / (float)LN10); }
dcx shim_clog10l(dcx z) { return to_d(clog(from_d(z)) / LN10); }
double shim_norm(dcx z) { return z.v[0] * z.v[0] + z.v[1] * z.v[1]; }
float shim_normf(fcx z) { return z.v[0] * z.v[0] + z.v[1] * z.v[1]; }
double shim_norml(dcx z) { return z.v[0] * z.v[0] + z.v[1] * z.v[1]; }
