/* apisearch.c: where an identifier is (/api/v1/search): the block,
 * string or site it names, so that a page can go to it.  An id that
 * names nothing is an empty list, not a 404: nothing is wrong with the
 * request.
 *
 * Ownership: the statement is static; the answer is PostgreSQL's JSON,
 * sent through brul_reply_query. */
#include "serve/api.h"

/* Exactly as given, or in capitals (the fleet's ids are; a technician
 * types "b0005-1"): each a probe of a primary key. */
static const struct brul_stmt search = { "search_id",
    "WITH k AS (SELECT DISTINCT unnest(ARRAY[$1::text, upper($1)]) AS id), "
    "f AS (SELECT 'battery' AS kind, b.battery_id AS id, b.site_id, "
    "  b.string_id, " IN_SERVICE("b") " AS in_service FROM batteries b "
    "  JOIN k ON b.battery_id = k.id "
    "UNION ALL SELECT 'string', s.string_id, s.site_id, s.string_id, true "
    "  FROM strings s JOIN k ON s.string_id = k.id "
    "UNION ALL SELECT 'site', s.site_id, s.site_id, NULL, true FROM sites "
    "  s JOIN k ON s.site_id = k.id) "
    "SELECT json_build_object('q', $1::text, 'items', coalesce((SELECT "
    "  json_agg(json_build_object('kind', f.kind, 'id', f.id, 'site_id', "
    "  f.site_id, 'string_id', f.string_id, 'in_service', f.in_service) "
    "  ORDER BY f.id = $1 DESC, f.kind, f.id) FROM f), '[]'::json))::text" };

int
brul_api_search(struct brul_req *r)
{
	const char *v[1] = { NULL };

	if (brul_arg_id(r, "q", &v[0]) < 0)
		return r->ret;
	if (v[0] == NULL)
		return brul_reply_error(r, 400, "bad_argument",
		    "q: expected a block, string or site id");
	return brul_reply_query(r, &search, 1, v, 200, "no answer");
}
