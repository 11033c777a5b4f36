/* routes.c: the API's routes, the one table of them (api.h): what
 * brul-serve answers, who may ask, which handler answers, the query
 * arguments it takes (any other is refused) and, last, whether its
 * answers may be remembered until the data change (READ) or it changes
 * the data (WRITE; answers.h).
 * openapi.json describes the same routes and arguments; tests keep the
 * two equal. */
#include "serve/api.h"

#define READ	BRUL_KEEP_READ
#define WRITE	BRUL_KEEP_WRITE

const struct brul_route brul_routes[] = {
	{ "GET", "/health", BRUL_ROLE_NONE, brul_api_health, "", 0 },
	{ "GET", "/health/ready", BRUL_ROLE_NONE, brul_api_ready, "", 0 },
	{ "GET", "/metrics", BRUL_ROLE_NONE, brul_api_metrics, "", 0 },
	{ "GET", "/api/openapi.json", BRUL_ROLE_NONE, brul_api_openapi, "",
	  0 },
	{ "POST", "/api/v1/auth/login", BRUL_ROLE_NONE, brul_api_login, "",
	  0 },
	{ "POST", "/api/v1/auth/refresh", BRUL_ROLE_NONE, brul_api_refresh,
	  "", 0 },
	{ "POST", "/api/v1/auth/logout", BRUL_ROLE_VIEWER, brul_api_logout,
	  "", 0 },
	{ "GET", "/api/v1/auth/me", BRUL_ROLE_VIEWER, brul_api_me, "", 0 },
	{ "POST", "/api/v1/auth/change-password", BRUL_ROLE_VIEWER,
	  brul_api_change_password, "", 0 },
	{ "GET", "/api/v1/auth/users", BRUL_ROLE_ADMIN, brul_api_users_list,
	  "limit offset role active", 0 },
	{ "POST", "/api/v1/auth/users", BRUL_ROLE_ADMIN,
	  brul_api_users_create, "", 0 },
	{ "GET", "/api/v1/auth/users/{user_id}", BRUL_ROLE_ADMIN,
	  brul_api_user_get, "", 0 },
	{ "PATCH", "/api/v1/auth/users/{user_id}", BRUL_ROLE_ADMIN,
	  brul_api_user_patch, "", 0 },
	{ "DELETE", "/api/v1/auth/users/{user_id}", BRUL_ROLE_ADMIN,
	  brul_api_user_delete, "", 0 },
	{ "GET", "/api/v1/summary", BRUL_ROLE_VIEWER, brul_api_summary, "",
	  READ },
	{ "GET", "/api/v1/sites", BRUL_ROLE_VIEWER, brul_api_sites,
	  "limit offset region include", READ },
	{ "GET", "/api/v1/sites/{site_id}", BRUL_ROLE_VIEWER, brul_api_site,
	  "", READ },
	{ "GET", "/api/v1/sites/{site_id}/batteries", BRUL_ROLE_VIEWER,
	  brul_api_site_batteries, "limit offset string status risk sort",
	  READ },
	{ "GET", "/api/v1/sites/{site_id}/blocks", BRUL_ROLE_VIEWER,
	  brul_api_site_blocks, "", READ },
	{ "GET", "/api/v1/batteries", BRUL_ROLE_VIEWER, brul_api_batteries,
	  "limit offset site string status risk sort", READ },
	{ "GET", "/api/v1/batteries/{battery_id}", BRUL_ROLE_VIEWER,
	  brul_api_battery, "", READ },
	{ "GET", "/api/v1/batteries/{battery_id}/telemetry", BRUL_ROLE_VIEWER,
	  brul_api_battery_telemetry, "from to resolution", READ },
	{ "GET", "/api/v1/batteries/{battery_id}/predictions",
	  BRUL_ROLE_VIEWER, brul_api_battery_predictions,
	  "limit offset from to", READ },
	{ "GET", "/api/v1/batteries/{battery_id}/twin", BRUL_ROLE_VIEWER,
	  brul_api_battery_twin, "from to", READ },
	{ "GET", "/api/v1/batteries/{battery_id}/events", BRUL_ROLE_VIEWER,
	  brul_api_battery_events, "limit offset from to kind", READ },
	{ "GET", "/api/v1/predictions/latest", BRUL_ROLE_VIEWER,
	  brul_api_predictions_latest, "limit offset site risk sort", READ },
	{ "GET", "/api/v1/discharges", BRUL_ROLE_VIEWER, brul_api_discharges,
	  "from to site string", READ },
	{ "GET", "/api/v1/digest", BRUL_ROLE_VIEWER, brul_api_digest,
	  "from to site", READ },
	{ "GET", "/api/v1/model", BRUL_ROLE_VIEWER, brul_api_model, "", 0 },
	{ "GET", "/api/v1/alerts", BRUL_ROLE_VIEWER, brul_api_alerts,
	  "limit offset site battery string kind severity state acknowledged "
	  "from to sort", READ },
	{ "GET", "/api/v1/alert-rules", BRUL_ROLE_VIEWER, brul_api_rules, "",
	  0 },
	{ "GET", "/api/v1/alerts/stats", BRUL_ROLE_VIEWER,
	  brul_api_alert_stats, "days until site", READ },
	{ "GET", "/api/v1/alerts/{alert_id}", BRUL_ROLE_VIEWER,
	  brul_api_alert, "", READ },
	{ "POST", "/api/v1/alerts/{alert_id}/acknowledge", BRUL_ROLE_ENGINEER,
	  brul_api_alert_ack, "", WRITE },
	{ "POST", "/api/v1/alerts/{alert_id}/resolve", BRUL_ROLE_ENGINEER,
	  brul_api_alert_resolve, "", WRITE },
	/* access_token: EventSource cannot send an Authorization header. */
	{ "GET", "/api/v1/stream", BRUL_ROLE_VIEWER, brul_api_stream,
	  "site battery access_token", 0 },
};
const int brul_nroutes = (int)(sizeof brul_routes / sizeof brul_routes[0]);
