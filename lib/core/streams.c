/* streams.c: see streams.h. */
#include <stddef.h>
#include <string.h>

#include "core/streams.h"

#define SIG 5

static const struct {
	const char *name;
	const char *cols[SIG];	/* that identify it, NULL-terminated */
} kinds[] = {
	{ "telemetry", { "ts", "battery_id", "voltage_v", "temperature_c" } },
	{ "string_telemetry", { "ts", "string_id", "mode", "ambient_c" } },
	{ "truth", { "ts", "battery_id", "soc_pct", "ocv_v" } },
	{ "labels", { "date", "battery_id", "rul_days", "censored" } },
	{ "events", { "ts_start", "ts_end", "scope", "kind" } },
	{ "sites", { "site_id", "name", "region" } },
	{ "systems", { "system_id", "kind", "float_v" } },
	{ "strings", { "string_id", "system_id", "blocks" } },
	{ "batteries", { "battery_id", "string_id", "position",
	    "install_date" } },
	{ "features", { "battery_id", "window_s", "samples" } },
	{ "predictions", { "battery_id", "date", "rul_days", "risk" } },
	{ "alerts", { "ts", "alert_id", "event", "severity" } },
	{ "maintenance", { "date", "kind", "threshold", "since" } },
	{ "twin", { "ts", "battery_id", "soc_pct", "soh_sd_pct" } },
	{ "circuits", { "model", "ocv_empty_v", "ocv_full_v" } },
	{ "models", { "model", "float_life_25c_years" } },
};

static int
has(const char *const *cols, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (cols[i] != NULL && strcmp(cols[i], name) == 0)
			return 1;
	return 0;
}

const char *
brul_stream_kind(const char *const *cols, int n)
{
	const char *best = NULL;
	int most = 0;

	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		int j;

		for (j = 0; j < SIG && kinds[k].cols[j]; j++)
			if (!has(cols, n, kinds[k].cols[j]))
				break;
		if ((j == SIG || kinds[k].cols[j] == NULL) && j > most) {
			best = kinds[k].name;
			most = j;
		}
	}
	return best;
}
