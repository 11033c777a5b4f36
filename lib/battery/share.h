/*
 * share.h: a share of a fleet (--shard I/N), the same for every tool: the
 * I-th of N shares holds the sites whose id hashes to I (64-bit FNV-1a
 * of the id, modulo N).  Whole sites, because a site's blocks are judged
 * together (a string's median, a room's temperature), so that the tools'
 * outputs on the N shares concatenate into exactly what one run writes;
 * by a hash of the id, so that a filter reading a stream places a row as
 * brul-gen placed it, with no other knowledge than the fleet.
 *
 * A filter builds a share from the batteries stream as it reads it
 * (brul_share_note each battery) and then asks of each telemetry row's
 * battery whether it is the share's.
 *
 * Ownership: brul_share_new's share is freed by brul_share_free.
 */
#ifndef BRUL_SHARE_H
#define BRUL_SHARE_H

#include <stddef.h>

#include "battery/batteries.h"
#include "core/err.h"

/* The share, of n, that holds site id s[0..len). */
int brul_share_of_site(const char *s, size_t len, int n);

struct brul_share;

/* The i-th of n shares (0 <= i < n), knowing no battery yet; NULL when
 * out of memory. */
struct brul_share *brul_share_new(int i, int n);
void brul_share_free(struct brul_share *s);

/* Notes battery b of t (read with its site_id): 1 when it is the share's,
 * 0 when another's, -1 with err when it has no site or out of memory. */
int brul_share_note(struct brul_share *s, const struct brul_batteries *t,
		    const struct brul_battery *b, struct brul_err *err);

/* Whether battery id[0..n) is another share's: 1 when noted as such, 0
 * when the share's or never noted (the tool then treats it as a battery
 * it does not know, as without a share). */
int brul_share_other(const struct brul_share *s, const char *id, size_t n);
/* The same for string id[0..n): 1 when one of those batteries' string. */
int brul_share_other_string(const struct brul_share *s, const char *id,
			    size_t n);

#define BRUL_SHARES_MAX	10000

/* "I/N" parsed into *i and *n (0 <= I < N <= BRUL_SHARES_MAX): 0 or -1. */
int brul_share_parse(const char *arg, int *i, int *n);

#endif
