/*
 * test-pghash.c: PostgreSQL's extended hash functions, against what a
 * PostgreSQL 15 server answers (SELECT hashint8extended(5, 1), ...).
 * tests/load.bats holds the loader's digests to the server's on every
 * hour of the 90-day dataset.
 */
#include <math.h>
#include <stdint.h>

#include "db/pghash.h"
#include "tap.h"

int
main(void)
{
	struct tap t = { 0 };

	tap_ok(&t, (int64_t)brul_pghash_int8(5, 0) ==
	       INT64_C(-9138765687874534020), "hashint8extended(5, 0)");
	tap_ok(&t, (int64_t)brul_pghash_int8(5, 1) ==
	       INT64_C(1473811485915220926), "hashint8extended(5, 1)");
	tap_ok(&t, (int64_t)brul_pghash_int8(INT64_C(-123456789012345),
	       UINT64_C(987654321987654321)) == INT64_C(-6446946691913689273),
	       "hashint8extended: a negative value, a 64-bit seed");
	/* timestamp_hash_extended('2026-01-01 00:01:00', 2) */
	tap_ok(&t, (int64_t)brul_pghash_int8((INT64_C(1767225660) -
	       INT64_C(946684800)) * 1000000, 2) ==
	       INT64_C(2879726076076792534),
	       "a timestamp: its microseconds since 2000-01-01");
	tap_ok(&t, (int64_t)brul_pghash_float8(13.5, 0) ==
	       INT64_C(-1348193247358964566), "hashfloat8extended(13.5, 0)");
	tap_ok(&t, (int64_t)brul_pghash_float8(-2.5e-300, (uint64_t)-5) ==
	       INT64_C(4516986913985326548),
	       "hashfloat8extended(-2.5e-300, -5)");
	tap_ok(&t, brul_pghash_float8(0.0, 77) == 77 &&
	       brul_pghash_float8(-0.0, 77) == 77,
	       "0 and -0 give the seed itself");
	tap_ok(&t, (int64_t)brul_pghash_float8(NAN, 3) ==
	       INT64_C(8232049380549144131) &&
	       brul_pghash_float8(-NAN, 3) == brul_pghash_float8(NAN, 3),
	       "every NaN hashes as PostgreSQL's one NaN");
	tap_ok(&t, brul_pghash_float8(13.5, 1) != brul_pghash_float8(13.5, 2),
	       "the seed matters");
	return tap_done(&t);
}
