/*
 * hash.h: 64-bit FNV-1a, for hash tables and fingerprints (not for
 * security).
 */
#ifndef BRUL_HASH_H
#define BRUL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define BRUL_FNV_OFFSET	14695981039346656037ULL

/* h updated with the n bytes at p; start from BRUL_FNV_OFFSET. */
static inline uint64_t
brul_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--) {
		h ^= *s++;
		h *= 1099511628211ULL;
	}
	return h;
}

#endif
