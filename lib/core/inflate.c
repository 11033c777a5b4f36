/*
 * inflate.c: gzip members inflated by ISA-L or zlib (see inflate.h).
 *
 * Both take at most UINT32_MAX bytes a call; the caller loops anyway.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/inflate.h"

#ifdef BRUL_HAVE_ISAL
#include <isa-l/igzip_lib.h>

struct brul_inflate {
	struct inflate_state st;
};

static uint32_t
clamp32(size_t n)
{
	return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

struct brul_inflate *
brul_inflate_new(void)
{
	struct brul_inflate *z;

	if ((z = malloc(sizeof(*z))) == NULL)
		return NULL;
	brul_inflate_reset(z);
	return z;
}

void
brul_inflate_reset(struct brul_inflate *z)
{
	isal_inflate_init(&z->st);
	z->st.crc_flag = ISAL_GZIP;
}

enum brul_inflate_ret
brul_inflate_run(struct brul_inflate *z, const unsigned char **in,
		 size_t *in_len, unsigned char **out, size_t *out_len,
		 const char **msg)
{
	struct inflate_state *st = &z->st;
	uint32_t ain = clamp32(*in_len), aout = clamp32(*out_len);
	int ret;

	st->next_in = (uint8_t *)*in;
	st->avail_in = ain;
	st->next_out = *out;
	st->avail_out = aout;
	ret = isal_inflate(st);
	*in += ain - st->avail_in;
	*in_len -= ain - st->avail_in;
	*out += aout - st->avail_out;
	*out_len -= aout - st->avail_out;
	switch (ret) {
	case ISAL_DECOMP_OK:
	case ISAL_END_INPUT:
	case ISAL_OUT_OVERFLOW:
		/* At the member's end ISA-L hands back the bytes it read
		 * past the trailer. */
		return st->block_state == ISAL_BLOCK_FINISH ?
		    BRUL_INFLATE_END : BRUL_INFLATE_MORE;
	case ISAL_INVALID_WRAPPER:
		*msg = "not a gzip header";
		break;
	case ISAL_UNSUPPORTED_METHOD:
		*msg = "unknown compression method";
		break;
	case ISAL_INCORRECT_CHECKSUM:
		*msg = "incorrect data check";
		break;
	case ISAL_INVALID_LOOKBACK:
		*msg = "invalid distance too far back";
		break;
	case ISAL_INVALID_SYMBOL:
		*msg = "invalid code";
		break;
	case ISAL_INVALID_BLOCK:
		*msg = "invalid block";
		break;
	default:
		*msg = "unexpected header field";
		break;
	}
	return BRUL_INFLATE_BAD;
}

void
brul_inflate_free(struct brul_inflate *z)
{
	free(z);
}

const char *
brul_inflate_engine(void)
{
	return "ISA-L";
}

#else /* zlib */
#include <limits.h>
#include <zlib.h>

struct brul_inflate {
	z_stream zs;
};

static uInt
clampu(size_t n)
{
	return n > UINT_MAX ? UINT_MAX : (uInt)n;
}

struct brul_inflate *
brul_inflate_new(void)
{
	struct brul_inflate *z;

	if ((z = calloc(1, sizeof(*z))) == NULL)
		return NULL;
	/* 15 + 16: a gzip wrapper, a 32 KiB window. */
	if (inflateInit2(&z->zs, 15 + 16) != Z_OK) {
		free(z);
		return NULL;
	}
	return z;
}

void
brul_inflate_reset(struct brul_inflate *z)
{
	inflateReset(&z->zs);
}

enum brul_inflate_ret
brul_inflate_run(struct brul_inflate *z, const unsigned char **in,
		 size_t *in_len, unsigned char **out, size_t *out_len,
		 const char **msg)
{
	z_stream *zs = &z->zs;
	uInt ain = clampu(*in_len), aout = clampu(*out_len);
	int ret;

	zs->next_in = (unsigned char *)*in;
	zs->avail_in = ain;
	zs->next_out = *out;
	zs->avail_out = aout;
	ret = inflate(zs, Z_NO_FLUSH);
	*in += ain - zs->avail_in;
	*in_len -= ain - zs->avail_in;
	*out += aout - zs->avail_out;
	*out_len -= aout - zs->avail_out;
	switch (ret) {
	case Z_OK:
	case Z_BUF_ERROR:
		return BRUL_INFLATE_MORE;
	case Z_STREAM_END:
		return BRUL_INFLATE_END;
	case Z_MEM_ERROR:
		return BRUL_INFLATE_NOMEM;
	default:
		*msg = zs->msg != NULL ? zs->msg : "unknown error";
		return BRUL_INFLATE_BAD;
	}
}

void
brul_inflate_free(struct brul_inflate *z)
{
	if (z == NULL)
		return;
	inflateEnd(&z->zs);
	free(z);
}

const char *
brul_inflate_engine(void)
{
	return "zlib";
}
#endif
