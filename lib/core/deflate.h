/*
 * deflate.h: gzip output's blocks deflated, each on its own (gzpool.c runs
 * one deflater per thread), by ISA-L where the build found it
 * (BRUL_HAVE_ISAL) for the fast levels, by zlib for the others; and the
 * CRC-32 of gzip.
 *
 * Levels are zlib's 1 (fastest) to 9 (smallest).  With ISA-L, 1 to 3 are
 * its own three levels, four to seven times zlib's speed at those levels
 * and smaller than zlib's 1 to 4; 4 to 9 stay zlib's.  The default
 * (BRUL_DEFLATE_DEFAULT) is zlib's 5: on telemetry its files are 1.01x
 * level 6's in 0.7x the time, where ISA-L's best is 1.25x level 6's.
 *
 * Ownership: brul_deflate_new returns a deflater the caller frees with
 * brul_deflate_free; brul_deflate_block grows the caller's buffer with
 * realloc, the caller frees it.
 */
#ifndef BRUL_DEFLATE_H
#define BRUL_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

#define BRUL_DEFLATE_DEFAULT	5

struct brul_deflate;

/* A deflater at level (1-9); NULL when out of memory. */
struct brul_deflate *brul_deflate_new(int level);
/* Raw deflate of in (n bytes), as if the dict_len bytes at dict had come
 * just before it, into *z (capacity *cap, grown as needed): ended on a
 * byte boundary (a sync flush) so that blocks concatenate, or, when last,
 * with deflate's final block.  *len is the compressed length.  0, or -1
 * when out of memory. */
int brul_deflate_block(struct brul_deflate *d, const unsigned char *dict,
		       size_t dict_len, const unsigned char *in, size_t n,
		       int last, unsigned char **z, size_t *cap, size_t *len);
void brul_deflate_free(struct brul_deflate *d);
/* gzip's CRC-32 of n bytes at p, continuing crc (0 to start). */
uint32_t brul_crc32(uint32_t crc, const void *p, size_t n);
/* The CRC-32 of a then b, from a's, b's and b's length. */
uint32_t brul_crc32_combine(uint32_t crc_a, uint32_t crc_b, uint64_t len_b);

#endif
