/*
 * usercache.h: what the server remembers of its users for a few seconds:
 * each one's role and whether the account is active.  A token says who
 * its holder is; this says what they may do now, so that disabling a user
 * or changing a role takes effect within BRUL_USER_TTL seconds without a
 * query for every request.  Safe to share between threads.
 *
 * Ownership: struct brul_usercache is the caller's storage, set up by
 * brul_usercache_init and emptied by brul_usercache_release.
 */
#ifndef BRUL_USERCACHE_H
#define BRUL_USERCACHE_H

#include <pthread.h>
#include <time.h>

#include "db/pool.h"
#include "serve/role.h"

#define BRUL_USER_CACHE 256
#define BRUL_USER_TTL 5		/* seconds */

struct brul_usercache {
	pthread_mutex_t mu;
	struct {
		long long id;		/* 0: free slot */
		enum brul_role role;
		int active;
		time_t at;
	} u[BRUL_USER_CACHE];
};

void brul_usercache_init(struct brul_usercache *c);
void brul_usercache_release(struct brul_usercache *c);
/* User id's role now, from memory or the database (pool):
 * BRUL_ROLE_NONE when the user is gone or disabled; -1 when the database
 * cannot say. */
int brul_usercache_role(struct brul_usercache *c, struct brul_pool *pool,
			long long id);
/* Forgets user id (after a change). */
void brul_usercache_forget(struct brul_usercache *c, long long id);

#endif
