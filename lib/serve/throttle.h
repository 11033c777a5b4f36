/*
 * throttle.h: failed sign-ins counted so that guessing a password is
 * slow while its owner still signs in, in memory that stays bounded
 * whatever an attacker sends.
 *
 * Three counts are kept for each failure: the user from that address
 * (the pair), the address (whatever the user), and the user (from every
 * address).  Past its free failures, a count makes its next attempt wait
 * BRUL_THROTTLE_FIRST seconds from the last failure, twice as long after
 * each further one, up to its longest wait:
 *
 *	count		free	longest wait
 *	pair		5	15 min
 *	address		20	15 min
 *	user		20	5 min, and not for the user's known addresses
 *
 * so that one address guesses slowly at one user or many, many addresses
 * guess slowly at one user, and none of them can lock the user out: from
 * another address the user is held up only by the user's count, at most
 * 5 minutes, and from an address the user signed in from within 30 days
 * (a known address) not at all.  A success resets the pair's count and
 * makes the address known; it leaves the others alone, so that signing
 * in to one's own account does not buy guesses at others.  A count is
 * forgotten an hour after its last failure.
 *
 * Counts are kept in BRUL_THROTTLE_SLOTS slots as SipHash-2-4 values
 * under a key drawn for each table, so that no one outside the process
 * can choose names that share slots; a key may take one of 16.  A count
 * that makes an attempt wait is never forgotten to make room: when every
 * slot a new count may take holds one, the attempt waits too.
 *
 * The user and the address are strings the caller chooses (a user id,
 * or the name when there is no such user; the address as text); a
 * caller that checks passwords for another purpose gives its own, so
 * that the two do not share counts.
 *
 * Ownership: brul_throttle_new returns a table freed by brul_throttle_free;
 * it is safe to share between threads.
 */
#ifndef BRUL_THROTTLE_H
#define BRUL_THROTTLE_H

#include <time.h>

/* Free failures of a user from an address, of an address, of a user. */
#define BRUL_THROTTLE_PAIR 5
#define BRUL_THROTTLE_ADDRESS 20
#define BRUL_THROTTLE_USER 20
#define BRUL_THROTTLE_FIRST 30		/* seconds: the first wait */
#define BRUL_THROTTLE_LONGEST 900	/* seconds: a pair's or address's */
#define BRUL_THROTTLE_USER_LONGEST 300	/* seconds: a user's */
#define BRUL_THROTTLE_FORGET 3600	/* seconds after the last failure */
#define BRUL_THROTTLE_KNOWN (30 * 86400)	/* seconds after a success */
#define BRUL_THROTTLE_SLOTS 16384

struct brul_throttle;

/* NULL when out of memory or libsodium cannot start. */
struct brul_throttle *brul_throttle_new(void);
void brul_throttle_free(struct brul_throttle *t);

/* 0 when user may try from addr now, else the seconds until it may. */
int brul_throttle_wait(struct brul_throttle *t, const char *user,
		       const char *addr, time_t now);
/* A wrong password for user from addr. */
void brul_throttle_fail(struct brul_throttle *t, const char *user,
			const char *addr, time_t now);
/* The right one: the pair's count is reset and addr is known. */
void brul_throttle_pass(struct brul_throttle *t, const char *user,
			const char *addr, time_t now);

#endif
