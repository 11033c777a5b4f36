/* apiusers.c: user management, for admins (/api/v1/auth/users). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/api.h"
#include "serve/passwd.h"
#include "serve/username.h"

static const struct brul_stmt list = { "users_list",
    "WITH f AS (SELECT * FROM users u WHERE ($3::text IS NULL OR "
    "  u.role = $3) AND ($4::boolean IS NULL OR u.active = $4)) "
    "SELECT json_build_object('items', coalesce((SELECT json_agg(" USER_JSON
    "  ORDER BY u.user_id) FROM (SELECT * FROM f ORDER BY user_id "
    "  LIMIT $1::integer OFFSET $2::integer) u), '[]'::json), "
    "  'total', (SELECT count(*) FROM f), 'limit', $1::integer, "
    "  'offset', $2::integer)::text" };
static const struct brul_stmt create = { "users_create",
    "INSERT INTO users AS u (username, password_hash, role, full_name, "
    "  email) VALUES ($1, $2, $3, $4, $5) RETURNING " USER_JSON "::text" };
static const struct brul_stmt get = { "users_get",
    "SELECT " USER_JSON "::text FROM users u WHERE u.user_id = $1::bigint" };
/* Disabled or given a new password: the user's sessions end too. */
static const struct brul_stmt patch = { "users_patch",
    "WITH x AS (UPDATE refresh_tokens SET revoked_at = now() "
    "  WHERE user_id = $1::bigint AND revoked_at IS NULL "
    "  AND ($3::boolean = false OR $8::text IS NOT NULL)) "
    "UPDATE users AS u SET role = coalesce($2, u.role), "
    "  active = coalesce($3::boolean, u.active), "
    "  full_name = CASE WHEN $4::boolean THEN $5 ELSE u.full_name END, "
    "  email = CASE WHEN $6::boolean THEN $7 ELSE u.email END, "
    "  password_hash = coalesce($8, u.password_hash), updated_at = now() "
    "WHERE u.user_id = $1::bigint RETURNING " USER_JSON "::text" };
static const struct brul_stmt del = { "users_delete",
    "DELETE FROM users WHERE user_id = $1::bigint RETURNING user_id" };

static const char *const roles[] = { "viewer", "engineer", "admin" };

int
brul_api_users_list(struct brul_req *r)
{
	int role = -1, active = -1;
	const char *v[4] = { NULL };
	char ls[24], os[24];

	if (brul_arg_page(r, ls, os) < 0 ||
	    brul_arg_enum(r, "role", roles, 3, &role) < 0 ||
	    brul_arg_bool(r, "active", &active) < 0)
		return r->ret;
	v[0] = ls;
	v[1] = os;
	v[2] = role >= 0 ? roles[role] : NULL;
	v[3] = active < 0 ? NULL : active ? "true" : "false";
	return brul_reply_query(r, &list, 4, v, 200, "no users");
}

static int
role_of(struct brul_req *r, json_t *b, const char **role, int required)
{
	if (brul_body_str(r, b, "role", 16, required, role) < 0)
		return -1;
	if (*role && brul_role_parse(*role) == BRUL_ROLE_NONE) {
		brul_reply_error(r, 400, "bad_body", "role: expected viewer, "
		    "engineer or admin");
		return -1;
	}
	return 0;
}

int
brul_api_users_create(struct brul_req *r)
{
	const char *name, *pw, *role, *full, *email, *why;
	char hash[BRUL_PASSWD_HASH_MAX];
	const char *v[5];
	PGresult *res;
	json_t *b;
	int conflict, ret;

	if ((b = brul_body(r)) == NULL)
		return r->ret;
	if (brul_body_str(r, b, "username", BRUL_USERNAME_MAX, 1,
	    &name) < 0 ||
	    brul_body_str(r, b, "password", BRUL_PASSWD_MAX, 1, &pw) < 0 ||
	    role_of(r, b, &role, 1) < 0 ||
	    brul_body_str(r, b, "full_name", 200, 0, &full) < 0 ||
	    brul_body_str(r, b, "email", 200, 0, &email) < 0) {
		json_decref(b);
		return r->ret;
	}
	if (!brul_username_ok(name)) {
		json_decref(b);
		return brul_reply_error(r, 400, "bad_body", "username: "
		    BRUL_USERNAME_RULE);
	}
	if ((why = brul_passwd_weak(pw)) != NULL) {
		json_decref(b);
		return brul_reply_error(r, 400, "weak_password", "password: %s",
		    why);
	}
	if (brul_passwd_hash(pw, hash) < 0) {
		json_decref(b);
		return brul_reply_error(r, 500, "internal", "out of memory");
	}
	v[0] = name;
	v[1] = hash;
	v[2] = role;
	v[3] = full;
	v[4] = email;
	res = brul_query(r, &create, 5, v, &conflict);
	if (res == NULL) {
		ret = conflict ? brul_reply_error(r, 409, "conflict", "the user "
		    "name \"%s\" is taken", name) : r->ret;
		json_decref(b);
		return ret;
	}
	json_decref(b);
	ret = brul_reply_pgjson(r, 201, res, 0, 0);
	PQclear(res);
	return ret;
}

/* The {user_id} parameter, or -1 having answered 404. */
static long long
user_id(struct brul_req *r)
{
	const char *s = brul_param(r, 0);
	char *end;
	long long id;

	errno = 0;
	id = strtoll(s, &end, 10);
	if (*end != '\0' || id <= 0 || errno == ERANGE) {
		brul_reply_error(r, 404, "not_found", "no such user");
		return -1;
	}
	return id;
}

int
brul_api_user_get(struct brul_req *r)
{
	const char *v[1] = { brul_param(r, 0) };

	if (user_id(r) < 0)
		return r->ret;
	return brul_reply_query(r, &get, 1, v, 200, "no such user");
}

int
brul_api_user_patch(struct brul_req *r)
{
	const char *role = NULL, *full = NULL, *email = NULL, *pw = NULL, *why;
	char hash[BRUL_PASSWD_HASH_MAX];
	const char *v[8];
	long long id;
	json_t *b, *x;
	int active = -1, ret;

	if ((id = user_id(r)) < 0 || (b = brul_body(r)) == NULL)
		return r->ret;
	if (role_of(r, b, &role, 0) < 0 ||
	    brul_body_str(r, b, "password", BRUL_PASSWD_MAX, 0, &pw) < 0)
		goto out;
	if ((x = json_object_get(b, "active")) != NULL) {
		if (!json_is_boolean(x)) {
			brul_reply_error(r, 400, "bad_body", "active: expected "
			    "true or false");
			goto out;
		}
		active = json_is_true(x);
	}
	/* full_name and email may be set to null to clear them. */
	if (brul_body_str(r, b, "full_name", 200, 0, &full) < 0 ||
	    brul_body_str(r, b, "email", 200, 0, &email) < 0)
		goto out;
	if (id == r->who.user_id && (active == 0 || (role &&
	    brul_role_parse(role) != BRUL_ROLE_ADMIN))) {
		brul_reply_error(r, 409, "conflict", "you cannot disable or "
		    "demote yourself: ask another admin");
		goto out;
	}
	if (pw && (why = brul_passwd_weak(pw)) != NULL) {
		brul_reply_error(r, 400, "weak_password", "password: %s", why);
		goto out;
	}
	if (pw && brul_passwd_hash(pw, hash) < 0) {
		brul_reply_error(r, 500, "internal", "out of memory");
		goto out;
	}
	v[0] = brul_param(r, 0);
	v[1] = role;
	v[2] = active < 0 ? NULL : active ? "true" : "false";
	v[3] = json_object_get(b, "full_name") ? "true" : "false";
	v[4] = full;
	v[5] = json_object_get(b, "email") ? "true" : "false";
	v[6] = email;
	v[7] = pw ? hash : NULL;
	ret = brul_reply_query(r, &patch, 8, v, 200, "no such user");
	/* Disabled, a new password or a role: the user's access tokens
	 * are refused at once (refresh gives one with the new role). */
	if (r->status == 200 && (active == 0 || pw || role))
		brul_denylist_user(r->app->deny, id, time(NULL));
	brul_app_forget_user(r->app, id);
	json_decref(b);
	return ret;
out:
	json_decref(b);
	return r->ret;
}

int
brul_api_user_delete(struct brul_req *r)
{
	const char *v[1] = { brul_param(r, 0) };
	long long id;
	PGresult *res;
	int gone;

	if ((id = user_id(r)) < 0)
		return r->ret;
	if (id == r->who.user_id)
		return brul_reply_error(r, 409, "conflict", "you cannot delete "
		    "yourself: ask another admin");
	if ((res = brul_query(r, &del, 1, v, NULL)) == NULL)
		return r->ret;
	gone = PQntuples(res) == 1;
	PQclear(res);
	if (gone)
		brul_denylist_user(r->app->deny, id, time(NULL));
	brul_app_forget_user(r->app, id);
	return gone ? brul_reply_none(r) : brul_reply_error(r, 404,
	    "not_found", "no such user");
}
