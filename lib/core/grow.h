/*
 * grow.h: growing a malloc'd array by doubling.
 *
 * The array stays the caller's; on failure it is left as it was.
 */
#ifndef BRUL_GROW_H
#define BRUL_GROW_H

#include <stddef.h>

/* Grows *pp (an array of *cap elements of size sz, possibly NULL) to hold
 * at least need elements.  0, or -1 out of memory or on overflow. */
int brul_grow(void *pp, size_t *cap, size_t need, size_t sz);

#endif
