/* route.c: see route.h; the table of routes is the API's surface. */
#include <stdio.h>
#include <string.h>

#include "serve/route.h"

const struct brul_route brul_routes[] = {
	{ "GET", "/health", BRUL_ROLE_NONE, brul_api_health },
	{ "GET", "/health/ready", BRUL_ROLE_NONE, brul_api_ready },
	{ "GET", "/metrics", BRUL_ROLE_NONE, brul_api_metrics },
	{ "GET", "/api/openapi.json", BRUL_ROLE_NONE, brul_api_openapi },
	{ "POST", "/api/v1/auth/login", BRUL_ROLE_NONE, brul_api_login },
	{ "POST", "/api/v1/auth/refresh", BRUL_ROLE_NONE, brul_api_refresh },
	{ "POST", "/api/v1/auth/logout", BRUL_ROLE_VIEWER, brul_api_logout },
	{ "GET", "/api/v1/auth/me", BRUL_ROLE_VIEWER, brul_api_me },
	{ "POST", "/api/v1/auth/change-password", BRUL_ROLE_VIEWER,
	  brul_api_change_password },
	{ "GET", "/api/v1/auth/users", BRUL_ROLE_ADMIN, brul_api_users_list },
	{ "POST", "/api/v1/auth/users", BRUL_ROLE_ADMIN,
	  brul_api_users_create },
	{ "GET", "/api/v1/auth/users/{user_id}", BRUL_ROLE_ADMIN,
	  brul_api_user_get },
	{ "PATCH", "/api/v1/auth/users/{user_id}", BRUL_ROLE_ADMIN,
	  brul_api_user_patch },
	{ "DELETE", "/api/v1/auth/users/{user_id}", BRUL_ROLE_ADMIN,
	  brul_api_user_delete },
	{ "GET", "/api/v1/summary", BRUL_ROLE_VIEWER, brul_api_summary },
	{ "GET", "/api/v1/sites", BRUL_ROLE_VIEWER, brul_api_sites },
	{ "GET", "/api/v1/sites/{site_id}", BRUL_ROLE_VIEWER, brul_api_site },
	{ "GET", "/api/v1/sites/{site_id}/batteries", BRUL_ROLE_VIEWER,
	  brul_api_site_batteries },
	{ "GET", "/api/v1/sites/{site_id}/blocks", BRUL_ROLE_VIEWER,
	  brul_api_site_blocks },
	{ "GET", "/api/v1/batteries", BRUL_ROLE_VIEWER, brul_api_batteries },
	{ "GET", "/api/v1/batteries/{battery_id}", BRUL_ROLE_VIEWER,
	  brul_api_battery },
	{ "GET", "/api/v1/batteries/{battery_id}/telemetry", BRUL_ROLE_VIEWER,
	  brul_api_battery_telemetry },
	{ "GET", "/api/v1/batteries/{battery_id}/predictions",
	  BRUL_ROLE_VIEWER, brul_api_battery_predictions },
	{ "GET", "/api/v1/batteries/{battery_id}/twin", BRUL_ROLE_VIEWER,
	  brul_api_battery_twin },
	{ "GET", "/api/v1/batteries/{battery_id}/events", BRUL_ROLE_VIEWER,
	  brul_api_battery_events },
	{ "GET", "/api/v1/predictions/latest", BRUL_ROLE_VIEWER,
	  brul_api_predictions_latest },
	{ "GET", "/api/v1/model", BRUL_ROLE_VIEWER, brul_api_model },
	{ "GET", "/api/v1/alerts", BRUL_ROLE_VIEWER, brul_api_alerts },
	{ "GET", "/api/v1/alert-rules", BRUL_ROLE_VIEWER, brul_api_rules },
	{ "GET", "/api/v1/alerts/stats", BRUL_ROLE_VIEWER,
	  brul_api_alert_stats },
	{ "GET", "/api/v1/alerts/{alert_id}", BRUL_ROLE_VIEWER,
	  brul_api_alert },
	{ "POST", "/api/v1/alerts/{alert_id}/acknowledge", BRUL_ROLE_ENGINEER,
	  brul_api_alert_ack },
	{ "POST", "/api/v1/alerts/{alert_id}/resolve", BRUL_ROLE_ENGINEER,
	  brul_api_alert_resolve },
	{ "GET", "/api/v1/stream", BRUL_ROLE_VIEWER, brul_api_stream },
};
const int brul_nroutes = (int)(sizeof brul_routes / sizeof brul_routes[0]);

/* Whether path matches pattern, copying parameters into r. */
static int
match(const char *pattern, const char *path, struct brul_req *r)
{
	const char *p = pattern, *s = path;
	size_t used = 0;
	int np = 0;

	while (*p && *s) {
		if (*p == '{') {
			size_t n = strcspn(s, "/");

			if (n == 0 || np == BRUL_PARAMS ||
			    used + n + 1 > sizeof r->pbuf)
				return 0;
			memcpy(r->pbuf + used, s, n);
			r->pbuf[used + n] = '\0';
			r->param[np++] = r->pbuf + used;
			used += n + 1;
			s += n;
			p = strchr(p, '}') + 1;
		} else if (*p++ != *s++)
			return 0;
	}
	return *p == '\0' && *s == '\0';
}

int
brul_route_match(const char *method, const char *path, struct brul_req *r,
		 char *allow, size_t n)
{
	int path_seen = 0;
	size_t at = 0;

	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	allow[0] = '\0';
	for (int i = 0; i < brul_nroutes; i++) {
		if (!match(brul_routes[i].pattern, path, r))
			continue;
		if (strcmp(brul_routes[i].method, method) == 0)
			return i;
		path_seen = 1;
		if (at < n)
			at += (size_t)snprintf(allow + at, n - at, "%s%s",
			    at ? ", " : "", brul_routes[i].method);
	}
	return path_seen ? -2 : -1;
}
