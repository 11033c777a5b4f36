/* usercache.c: see usercache.h. */
#include <stdio.h>
#include <string.h>

#include "serve/usercache.h"

void
brul_usercache_init(struct brul_usercache *c)
{
	memset(c->u, 0, sizeof c->u);
	pthread_mutex_init(&c->mu, NULL);
}

void
brul_usercache_release(struct brul_usercache *c)
{
	pthread_mutex_destroy(&c->mu);
}

int
brul_usercache_role(struct brul_usercache *c, struct brul_pool *pool,
		    long long id)
{
	static const struct brul_stmt st = { "user_role",
	    "SELECT role, active FROM users WHERE user_id = $1" };
	int k = (int)((unsigned long long)id % BRUL_USER_CACHE);
	time_t now = time(NULL);
	struct brul_pgconn *pc;
	struct brul_err err;
	char ids[24];
	const char *v[1] = { ids };
	PGresult *res;
	int role = BRUL_ROLE_NONE;

	pthread_mutex_lock(&c->mu);
	if (c->u[k].id == id && now - c->u[k].at < BRUL_USER_TTL) {
		role = c->u[k].active ? (int)c->u[k].role : BRUL_ROLE_NONE;
		pthread_mutex_unlock(&c->mu);
		return role;
	}
	pthread_mutex_unlock(&c->mu);
	if ((pc = brul_pool_get(pool, 2000, &err)) == NULL)
		return -1;
	snprintf(ids, sizeof ids, "%lld", id);
	res = brul_pool_exec(pc, &st, 1, v, &err);
	brul_pool_put(pool, pc);
	if (res == NULL)
		return -1;
	pthread_mutex_lock(&c->mu);
	c->u[k].id = id;
	c->u[k].at = now;
	c->u[k].active = PQntuples(res) == 1 &&
	    PQgetvalue(res, 0, 1)[0] == 't';
	c->u[k].role = PQntuples(res) == 1 ?
	    brul_role_parse(PQgetvalue(res, 0, 0)) : BRUL_ROLE_NONE;
	role = c->u[k].active ? (int)c->u[k].role : BRUL_ROLE_NONE;
	pthread_mutex_unlock(&c->mu);
	PQclear(res);
	return role;
}

void
brul_usercache_forget(struct brul_usercache *c, long long id)
{
	int k = (int)((unsigned long long)id % BRUL_USER_CACHE);

	pthread_mutex_lock(&c->mu);
	if (c->u[k].id == id)
		c->u[k].id = 0;
	pthread_mutex_unlock(&c->mu);
}
