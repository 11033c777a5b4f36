/*
 * inflate.h: gzip members inflated, by ISA-L where the build found it
 * (BRUL_HAVE_ISAL: a tenth of zlib's CPU time), by zlib otherwise.
 * input.c reads through it; nothing else needs to know which it is.
 *
 * One member at a time: brul_inflate_run ends at the member's trailer,
 * checked, leaving the bytes after it (another member, or garbage) to the
 * caller, who calls brul_inflate_reset before the next member.
 *
 * Ownership: brul_inflate_new returns an inflater the caller frees with
 * brul_inflate_free.
 */
#ifndef BRUL_INFLATE_H
#define BRUL_INFLATE_H

#include <stddef.h>

enum brul_inflate_ret {
	BRUL_INFLATE_MORE,	/* wants more input or more room */
	BRUL_INFLATE_END,	/* the member ended, its CRC and size right */
	BRUL_INFLATE_BAD,	/* corrupt data: *msg says what */
	BRUL_INFLATE_NOMEM
};

struct brul_inflate;

/* NULL when out of memory. */
struct brul_inflate *brul_inflate_new(void);
/* Inflates from *in (*in_len bytes) into *out (*out_len bytes of room),
 * moving both on by what it used and made.  Progress is whatever it could
 * make; MORE with neither moved means it needs input (or room). */
enum brul_inflate_ret brul_inflate_run(struct brul_inflate *z,
				       const unsigned char **in,
				       size_t *in_len, unsigned char **out,
				       size_t *out_len, const char **msg);
/* Ready for the next member. */
void brul_inflate_reset(struct brul_inflate *z);
void brul_inflate_free(struct brul_inflate *z);
/* "ISA-L" or "zlib": which one the build uses, for --version. */
const char *brul_inflate_engine(void);

#endif
