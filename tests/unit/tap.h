/*
 * tap.h: the smallest TAP producer, for the C unit tests (run under prove).
 * Header-only; each test program has one struct tap on main's stack.
 */
#ifndef BRUL_TAP_H
#define BRUL_TAP_H

#include <math.h>
#include <stdio.h>
#include <string.h>

struct tap { int n, failed; };

static inline int tap_ok(struct tap *t, int cond, const char *name)
{
	t->n++;
	if (!cond)
		t->failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", t->n, name);
	return cond;
}

/* |got - want| <= tol, with both values shown on failure. */
static inline int tap_near(struct tap *t, double got, double want, double tol,
			   const char *name)
{
	int ok = fabs(got - want) <= tol;
	tap_ok(t, ok, name);
	if (!ok)
		printf("#   got %.17g, want %.17g (+-%g)\n", got, want, tol);
	return ok;
}

static inline int tap_streq(struct tap *t, const char *got, const char *want,
			    const char *name)
{
	int ok = strcmp(got, want) == 0;
	tap_ok(t, ok, name);
	if (!ok)
		printf("#   got \"%s\", want \"%s\"\n", got, want);
	return ok;
}

/* Prints the plan and returns main's exit status. */
static inline int tap_done(struct tap *t)
{
	printf("1..%d\n", t->n);
	return t->failed ? 1 : 0;
}

#endif
