/* grow.c: see grow.h. */
#include <stdint.h>
#include <stdlib.h>

#include "core/grow.h"

int
brul_grow(void *pp, size_t *cap, size_t need, size_t sz)
{
	void **p = pp;
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2 / sz)
			return -1;
		n *= 2;
	}
	if ((q = realloc(*p, n * sz)) == NULL)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}
