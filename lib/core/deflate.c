/*
 * deflate.c: blocks deflated by ISA-L or zlib, gzip's CRC-32 (see
 * deflate.h).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#ifdef BRUL_HAVE_ISAL
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#endif

#include "core/deflate.h"

struct brul_deflate {
	int level;
	z_stream zs;		/* levels zlib does */
	int zinit;
#ifdef BRUL_HAVE_ISAL
	struct isal_zstream is;	/* levels ISA-L does */
	unsigned char *level_buf;
#endif
};

#ifdef BRUL_HAVE_ISAL
static const uint32_t isal_level_buf[] = {
	0, ISAL_DEF_LVL1_DEFAULT, ISAL_DEF_LVL2_DEFAULT, ISAL_DEF_LVL3_DEFAULT
};
#define ISAL_LEVEL(lv)	((lv) >= 1 && (lv) <= ISAL_DEF_MAX_LEVEL)
#else
#define ISAL_LEVEL(lv)	0
#endif

struct brul_deflate *
brul_deflate_new(int level)
{
	struct brul_deflate *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->level = level >= 1 && level <= 9 ? level : BRUL_DEFLATE_DEFAULT;
#ifdef BRUL_HAVE_ISAL
	if (ISAL_LEVEL(d->level)) {
		if ((d->level_buf = malloc(isal_level_buf[d->level])) ==
		    NULL) {
			free(d);
			return NULL;
		}
		return d;
	}
#endif
	/* -15: raw deflate, a 32 KiB window; 8: zlib's usual memory. */
	if (deflateInit2(&d->zs, d->level, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(d);
		return NULL;
	}
	d->zinit = 1;
	return d;
}

void
brul_deflate_free(struct brul_deflate *d)
{
	if (d == NULL)
		return;
	if (d->zinit)
		deflateEnd(&d->zs);
#ifdef BRUL_HAVE_ISAL
	free(d->level_buf);
#endif
	free(d);
}

/* Room for at least need more bytes after *len: 0 or -1. */
static int
grow(unsigned char **z, size_t *cap, size_t len, size_t need)
{
	unsigned char *p;

	if (*cap - len >= need)
		return 0;
	if ((p = realloc(*z, len + need)) == NULL)
		return -1;
	*z = p;
	*cap = len + need;
	return 0;
}

#ifdef BRUL_HAVE_ISAL
static int
isal_block(struct brul_deflate *d, const unsigned char *dict,
	   size_t dict_len, const unsigned char *in, size_t n, int last,
	   unsigned char **z, size_t *cap, size_t *len)
{
	struct isal_zstream *s = &d->is;
	/* Stored blocks at worst, and the headers. */
	size_t need = n + n / 16 + 1024;

	isal_deflate_init(s);
	s->level = (uint32_t)d->level;
	s->level_buf = d->level_buf;
	s->level_buf_size = isal_level_buf[d->level];
	s->gzip_flag = IGZIP_DEFLATE;
	s->flush = SYNC_FLUSH;
	s->end_of_stream = (uint16_t)(last != 0);
	if (dict_len > 0 &&
	    isal_deflate_set_dict(s, (uint8_t *)dict, (uint32_t)dict_len) !=
	    COMP_OK)
		return -1;
	s->next_in = (uint8_t *)in;
	s->avail_in = (uint32_t)n;
	*len = 0;
	/* Done when the call leaves room: all input and the flush written. */
	for (;;) {
		if (grow(z, cap, *len, need) == -1)
			return -1;
		s->next_out = *z + *len;
		s->avail_out = (uint32_t)(*cap - *len > UINT32_MAX ?
		    UINT32_MAX : *cap - *len);
		if (isal_deflate(s) != COMP_OK)
			return -1;
		*len = (size_t)(s->next_out - *z);
		if (s->avail_out > 0 && s->avail_in == 0)
			return 0;
		need = 4096;
	}
}
#endif

static int
zlib_block(struct brul_deflate *d, const unsigned char *dict,
	   size_t dict_len, const unsigned char *in, size_t n, int last,
	   unsigned char **z, size_t *cap, size_t *len)
{
	z_stream *zs = &d->zs;
	int flush = last ? Z_FINISH : Z_SYNC_FLUSH, ret;
	size_t need;

	if (deflateReset(zs) != Z_OK)
		return -1;
	if (dict_len > 0 &&
	    deflateSetDictionary(zs, dict, (uInt)dict_len) != Z_OK)
		return -1;
	zs->next_in = (unsigned char *)in;
	zs->avail_in = (uInt)n;
	*len = 0;
	need = deflateBound(zs, (uLong)n) + 64;
	for (;;) {
		if (grow(z, cap, *len, need) == -1)
			return -1;
		zs->next_out = *z + *len;
		zs->avail_out = (uInt)(*cap - *len > UINT_MAX ? UINT_MAX :
		    *cap - *len);
		ret = deflate(zs, flush);
		*len = (size_t)(zs->next_out - *z);
		if (ret == Z_STREAM_ERROR)
			return -1;
		if (last ? ret == Z_STREAM_END : zs->avail_out > 0)
			return 0;
		need = 4096;
	}
}

int
brul_deflate_block(struct brul_deflate *d, const unsigned char *dict,
		   size_t dict_len, const unsigned char *in, size_t n,
		   int last, unsigned char **z, size_t *cap, size_t *len)
{
#ifdef BRUL_HAVE_ISAL
	if (ISAL_LEVEL(d->level))
		return isal_block(d, dict, dict_len, in, n, last, z, cap, len);
#endif
	return zlib_block(d, dict, dict_len, in, n, last, z, cap, len);
}

uint32_t
brul_crc32(uint32_t crc, const void *p, size_t n)
{
#ifdef BRUL_HAVE_ISAL
	/* Up to 2^63 bytes; PCLMUL where the processor has it. */
	return crc32_gzip_refl(crc, p, n);
#else
	const unsigned char *b = p;

	while (n > UINT_MAX) {
		crc = (uint32_t)crc32(crc, b, UINT_MAX);
		b += UINT_MAX;
		n -= UINT_MAX;
	}
	return (uint32_t)crc32(crc, b, (uInt)n);
#endif
}

uint32_t
brul_crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b)
{
	return (uint32_t)crc32_combine(crc_a, crc_b, (z_off_t)len_b);
}
