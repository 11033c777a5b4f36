/* apiauth.c: signing in and out, refreshing, the signed-in user
 * (/api/v1/auth/...). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/pgjson.h"
#include "serve/api.h"
#include "serve/passwd.h"
#include "serve/throttle.h"
#include "serve/username.h"

static const struct brul_stmt find_user = { "auth_find_user",
    "SELECT u.user_id, u.username, u.role, u.active, u.password_hash, "
    USER_JSON " FROM users u WHERE lower(u.username) = lower($1)" };
static const struct brul_stmt new_refresh = { "auth_new_refresh",
    "WITH t AS (INSERT INTO refresh_tokens (token_hash, family, user_id, "
    "  expires_at) VALUES ($1::bytea, gen_random_uuid(), $2::bigint, "
    "  now() + $3::integer * interval '1 second')) "
    "UPDATE users SET last_login_at = now() WHERE user_id = $2::bigint" };
static const struct brul_stmt rotate = { "auth_rotate",
    "SELECT outcome, user_id, username, role "
    "FROM brul_refresh_rotate($1::bytea, $2::bytea, $3::integer)" };
static const struct brul_stmt revoke_family = { "auth_revoke_family",
    "UPDATE refresh_tokens SET revoked_at = now() WHERE family = "
    "(SELECT family FROM refresh_tokens WHERE token_hash = $1::bytea "
    " AND user_id = $2::bigint) AND revoked_at IS NULL" };
static const struct brul_stmt revoke_all = { "auth_revoke_all",
    "UPDATE refresh_tokens SET revoked_at = now() "
    "WHERE user_id = $1::bigint AND revoked_at IS NULL" };
static const struct brul_stmt me = { "auth_me",
    "SELECT " USER_JSON "::text FROM users u WHERE u.user_id = $1::bigint" };
static const struct brul_stmt user_hash = { "auth_user_hash",
    "SELECT password_hash FROM users WHERE user_id = $1::bigint" };
/* A new password: every session ends, and the caller's goes on in a new
 * one, at once (the new refresh token is not among those revoked). */
static const struct brul_stmt new_password = { "auth_new_password",
    "WITH h AS (UPDATE users SET password_hash = $2, updated_at = now() "
    "  WHERE user_id = $1::bigint), "
    "x AS (UPDATE refresh_tokens SET revoked_at = now() "
    "  WHERE user_id = $1::bigint AND revoked_at IS NULL) "
    "INSERT INTO refresh_tokens (token_hash, family, user_id, expires_at) "
    "VALUES ($3::bytea, gen_random_uuid(), $1::bigint, "
    "  now() + $4::integer * interval '1 second')" };

/* Whom a sign-in counts against in the throttle: "u:" and the user's id,
 * so that every spelling of a name is one user; for a name no user has,
 * "n:" and the name lowercased (the rule keeps it ASCII, where this and
 * PostgreSQL's lower() agree), counted the same way so that the throttle
 * does not tell which names exist. */
#define TUSER_MAX (BRUL_USERNAME_MAX + 3)	/* "n:", the name, NUL */

static void
throttle_user(PGresult *res, const char *name, char out[TUSER_MAX])
{
	size_t i;

	if (PQntuples(res) == 1) {
		snprintf(out, TUSER_MAX, "u:%s", PQgetvalue(res, 0, 0));
		return;
	}
	out[0] = 'n';
	out[1] = ':';
	for (i = 0; name[i] && i < BRUL_USERNAME_MAX; i++)
		out[2 + i] = (char)tolower((unsigned char)name[i]);
	out[2 + i] = '\0';
}

/* The answer of a sign-in, a refresh or a new password: a new access
 * token beside the refresh token (already recorded), and the user when
 * known. */
static int
tokens(struct brul_req *r, long long id, const char *name, const char *role,
       const char *user_json, const char *refresh)
{
	struct brul_claims c = { .user_id = id };
	char access[BRUL_TOKEN_MAX];
	json_t *o;

	snprintf(c.name, sizeof c.name, "%s", name);
	snprintf(c.role, sizeof c.role, "%s", role);
	/* Made after the user's tokens were last revoked, even in the same
	 * second, so that it is not revoked with them. */
	if (brul_token_issue(r->app->secret, r->app->secret_len, &c,
	    brul_denylist_iat(r->app->deny, id, time(NULL)),
	    r->app->access_ttl, access) < 0)
		return brul_reply_error(r, 500, "internal", "out of memory");
	o = json_pack("{s:s,s:s,s:i,s:s,s:i}", "access_token", access,
	    "token_type", "bearer", "expires_in",
	    r->app->access_ttl, "refresh_token", refresh,
	    "refresh_expires_in", r->app->refresh_ttl);
	if (o && user_json) {
		struct brul_sbuf u = { 0 };

		/* PostgreSQL's JSON: its times as the streams write them. */
		brul_sbuf_str(&u, user_json);
		if (!u.oom) {
			u.n = brul_pgjson_utc(u.s, u.n);
			json_object_set_new(o, "user", json_loadb(u.s, u.n, 0,
			    NULL));
		}
		free(u.s);
	}
	return brul_reply_jansson(r, 200, o);
}

int
brul_api_login(struct brul_req *r)
{
	struct brul_throttle *t = r->app->throttle;
	const char *user, *pw, *hash = NULL;
	char ku[TUSER_MAX], ids[24], ttl[16];
	char refresh[BRUL_REFRESH_LEN], rhash[67];
	PGresult *res;
	json_t *b;
	time_t now = time(NULL);
	int wait, ok, ret;

	if ((b = brul_body(r)) == NULL)
		return r->ret;
	if (brul_body_str(r, b, "username", BRUL_USERNAME_MAX, 1, &user) < 0 ||
	    brul_body_str(r, b, "password", BRUL_PASSWD_MAX, 1, &pw) < 0) {
		json_decref(b);
		return r->ret;
	}
	/* A name that could not have been created is not looked up: the
	 * throttle and PostgreSQL's lower() would not agree on it. */
	if (!brul_username_ok(user)) {
		json_decref(b);
		return brul_reply_error(r, 400, "bad_body", "username: "
		    BRUL_USERNAME_RULE);
	}
	if ((res = brul_query(r, &find_user, 1, &user, NULL)) == NULL) {
		json_decref(b);
		return r->ret;
	}
	throttle_user(res, user, ku);
	if ((wait = brul_throttle_wait(t, ku, r->remote, now)) > 0) {
		PQclear(res);
		json_decref(b);
		return brul_reply_throttled(r, wait);
	}
	/* An unknown or disabled user costs a check against a dummy hash,
	 * and gets the same answer as a wrong password. */
	if (PQntuples(res) == 1 && PQgetvalue(res, 0, 3)[0] == 't')
		hash = PQgetvalue(res, 0, 4);
	ok = brul_passwd_verify(hash, pw);
	json_decref(b);
	if (!ok) {
		PQclear(res);
		brul_throttle_fail(t, ku, r->remote, now);
		return brul_reply_error(r, 401, "unauthorized", "wrong user "
		    "name or password");
	}
	brul_throttle_pass(t, ku, r->remote, now);
	brul_token_refresh(refresh);
	brul_token_hash(refresh, rhash);
	snprintf(ids, sizeof ids, "%s", PQgetvalue(res, 0, 0));
	snprintf(ttl, sizeof ttl, "%d", r->app->refresh_ttl);
	{
		const char *v[3] = { rhash, ids, ttl };
		PGresult *x = brul_query(r, &new_refresh, 3, v, NULL);

		if (x == NULL) {
			PQclear(res);
			return r->ret;
		}
		PQclear(x);
	}
	ret = tokens(r, strtoll(ids, NULL, 10), PQgetvalue(res, 0, 1),
	    PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 5), refresh);
	PQclear(res);
	return ret;
}

int
brul_api_refresh(struct brul_req *r)
{
	const char *old;
	char oh[67], nh[67], refresh[BRUL_REFRESH_LEN], ttl[16];
	const char *v[3] = { oh, nh, ttl };
	const char *outcome;
	PGresult *res;
	json_t *b;
	int ret;

	if ((b = brul_body(r)) == NULL)
		return r->ret;
	if (brul_body_str(r, b, "refresh_token", 256, 1, &old) < 0) {
		json_decref(b);
		return r->ret;
	}
	brul_token_hash(old, oh);
	json_decref(b);
	brul_token_refresh(refresh);
	brul_token_hash(refresh, nh);
	snprintf(ttl, sizeof ttl, "%d", r->app->refresh_ttl);
	if ((res = brul_query(r, &rotate, 3, v, NULL)) == NULL)
		return r->ret;
	outcome = PQgetvalue(res, 0, 0);
	if (strcmp(outcome, "ok") != 0) {
		ret = brul_reply_error(r, 401, "unauthorized", "refresh "
		    "token %s%s", strcmp(outcome, "reused") == 0 ?
		    "used twice: every session it belongs to is signed out" :
		    outcome, strcmp(outcome, "reused") == 0 ? "" :
		    "; sign in again");
		PQclear(res);
		return ret;
	}
	ret = tokens(r, strtoll(PQgetvalue(res, 0, 1), NULL, 10),
	    PQgetvalue(res, 0, 2), PQgetvalue(res, 0, 3), NULL, refresh);
	PQclear(res);
	return ret;
}

int
brul_api_logout(struct brul_req *r)
{
	char ids[24], h[67];
	const char *tok = NULL;
	PGresult *res;
	json_t *b = NULL;

	snprintf(ids, sizeof ids, "%lld", (long long)r->who.user_id);
	/* With a refresh token, that session; without, every one. */
	if (r->nbody > 0) {
		if ((b = brul_body(r)) == NULL)
			return r->ret;
		if (brul_body_str(r, b, "refresh_token", 256, 0, &tok) < 0) {
			json_decref(b);
			return r->ret;
		}
	}
	if (tok) {
		const char *v[2] = { h, ids };

		brul_token_hash(tok, h);
		res = brul_query(r, &revoke_family, 2, v, NULL);
	} else {
		const char *v[1] = { ids };

		res = brul_query(r, &revoke_all, 1, v, NULL);
	}
	json_decref(b);
	if (res == NULL)
		return r->ret;
	PQclear(res);
	/* The access tokens go too: this one, or every one of the user. */
	if (tok)
		brul_denylist_token(r->app->deny, &r->who, time(NULL));
	else
		brul_denylist_user(r->app->deny, r->who.user_id, time(NULL));
	brul_live_recheck(r->app->live);
	return brul_reply_none(r);
}

int
brul_api_me(struct brul_req *r)
{
	char ids[24];
	const char *v[1] = { ids };

	snprintf(ids, sizeof ids, "%lld", (long long)r->who.user_id);
	return brul_reply_query(r, &me, 1, v, 200, "no such user");
}

int
brul_api_change_password(struct brul_req *r)
{
	struct brul_throttle *t = r->app->throttle;
	const char *cur, *new_, *why;
	char ids[24], hash[BRUL_PASSWD_HASH_MAX], ku[32], ka[80];
	char refresh[BRUL_REFRESH_LEN], rhash[67], ttl[16];
	const char *v[4] = { ids, hash, rhash, ttl };
	PGresult *res;
	json_t *b;
	int ok, wait;

	snprintf(ids, sizeof ids, "%lld", (long long)r->who.user_id);
	if ((b = brul_body(r)) == NULL)
		return r->ret;
	if (brul_body_str(r, b, "current_password", BRUL_PASSWD_MAX, 1,
	    &cur) < 0 ||
	    brul_body_str(r, b, "new_password", BRUL_PASSWD_MAX, 1,
	    &new_) < 0) {
		json_decref(b);
		return r->ret;
	}
	/* Its own keys: guessing here must not hold up signing in, nor go
	 * unthrottled from one address. */
	snprintf(ku, sizeof ku, "c:%s", ids);
	snprintf(ka, sizeof ka, "c:%s", r->remote);
	if ((wait = brul_throttle_wait(t, ku, ka, time(NULL))) > 0) {
		json_decref(b);
		return brul_reply_throttled(r, wait);
	}
	if ((why = brul_passwd_weak(new_)) != NULL) {
		json_decref(b);
		return brul_reply_error(r, 400, "weak_password", "new_password: "
		    "%s", why);
	}
	if ((res = brul_query(r, &user_hash, 1, v, NULL)) == NULL) {
		json_decref(b);
		return r->ret;
	}
	ok = PQntuples(res) == 1 &&
	    brul_passwd_verify(PQgetvalue(res, 0, 0), cur);
	PQclear(res);
	if (!ok) {
		json_decref(b);
		brul_throttle_fail(t, ku, ka, time(NULL));
		return brul_reply_error(r, 400, "wrong_password",
		    "current_password is not the password");
	}
	brul_throttle_pass(t, ku, ka, time(NULL));
	ok = brul_passwd_hash(new_, hash) == 0;
	json_decref(b);
	if (!ok)
		return brul_reply_error(r, 500, "internal", "out of memory");
	brul_token_refresh(refresh);
	brul_token_hash(refresh, rhash);
	snprintf(ttl, sizeof ttl, "%d", r->app->refresh_ttl);
	if ((res = brul_query(r, &new_password, 4, v, NULL)) == NULL)
		return r->ret;
	PQclear(res);
	/* Every access token made so far goes, the caller's too: it may be
	 * a copy.  The caller's new one is made after. */
	brul_denylist_user(r->app->deny, r->who.user_id, time(NULL));
	brul_live_recheck(r->app->live);
	return tokens(r, r->who.user_id, r->who.name, brul_role_name(r->role),
	    NULL, refresh);
}
