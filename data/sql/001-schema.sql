-- 001-schema.sql: brul's schema, version 1.
--
-- brul-load --migrate runs each data/sql/NNN-*.sql not yet recorded in
-- schema_migrations, in order, one transaction each.  Never edit a
-- migration that has shipped: add the next one.
--
-- Columns are named and typed as in brul-formats(5); times are timestamptz
-- (brul-load sets the session to UTC), measurements double precision.

-- The fleet: sites > systems > strings > batteries.
CREATE TABLE sites (
	site_id		text PRIMARY KEY,
	name		text NOT NULL,
	province	text,
	region		text,
	latitude	double precision,
	longitude	double precision,
	timezone	text
);

CREATE TABLE systems (
	system_id	text PRIMARY KEY,
	site_id		text NOT NULL REFERENCES sites,
	kind		text NOT NULL,
	strings		integer,
	float_v		double precision,
	boost_v		double precision,
	load_c_rate	double precision
);

CREATE TABLE strings (
	string_id	text PRIMARY KEY,
	system_id	text NOT NULL REFERENCES systems,
	site_id		text NOT NULL REFERENCES sites,
	blocks		integer,
	model		text,
	capacity_ah	double precision,
	install_date	date
);

CREATE TABLE batteries (
	battery_id	text PRIMARY KEY,
	site_id		text NOT NULL REFERENCES sites,
	system_id	text NOT NULL REFERENCES systems,
	string_id	text NOT NULL REFERENCES strings,
	position	integer,
	model		text,
	capacity_ah	double precision,
	install_date	date,
	removed_date	date,
	baseline_mohm	double precision
);
CREATE INDEX batteries_string ON batteries (string_id);

-- Measurements, partitioned by month on ts; brul_partition_for() creates
-- a month's partition when rows for it arrive, and brul-load --retain
-- drops whole ones.  battery_id is not a foreign key: a per-row trigger
-- would cost more than the load itself, so brul-load checks every row
-- against batteries before it sends it.
CREATE TABLE telemetry (
	ts		timestamptz NOT NULL,
	battery_id	text NOT NULL,
	string_id	text,
	voltage_v	double precision,
	current_a	double precision,
	temperature_c	double precision,
	resistance_mohm	double precision,
	PRIMARY KEY (battery_id, ts)
) PARTITION BY RANGE (ts);

CREATE TABLE string_telemetry (
	ts		timestamptz NOT NULL,
	string_id	text NOT NULL,
	voltage_v	double precision,
	current_a	double precision,
	mode		text,
	ambient_c	double precision,
	PRIMARY KEY (string_id, ts)
) PARTITION BY RANGE (ts);

-- The hourly rollup of telemetry (hour: its start, UTC).  brul-load
-- recomputes every hour a load touches from the raw rows, so it always
-- equals the GROUP BY below (brul_telemetry_hourly_of) over what was
-- loaded; retention drops raw rows and keeps it.  samples counts rows;
-- min, max and mean are over the readings present.
CREATE TABLE telemetry_hourly (
	battery_id	text NOT NULL,
	hour		timestamptz NOT NULL,
	samples		integer NOT NULL,
	voltage_min_v	double precision,
	voltage_max_v	double precision,
	voltage_mean_v	double precision,
	current_min_a	double precision,
	current_max_a	double precision,
	current_mean_a	double precision,
	temperature_min_c	double precision,
	temperature_max_c	double precision,
	temperature_mean_c	double precision,
	resistance_mohm	double precision,	-- the hour's latest reading
	PRIMARY KEY (battery_id, hour)
);

-- The rollup's definition, for the loader and for anyone who checks it:
-- the hours of battery b in [lo, hi).  Means are summed in time order, so
-- that they come out the same to the last bit however the rows lie on
-- disk (brul-load sums the hours it sees whole in the same order).
CREATE FUNCTION brul_telemetry_hourly_of(b text, lo timestamptz, hi timestamptz)
RETURNS SETOF telemetry_hourly
LANGUAGE sql STABLE AS $$
	SELECT battery_id, date_trunc('hour', ts, 'UTC'), count(*)::integer,
	       min(voltage_v), max(voltage_v), avg(voltage_v ORDER BY ts),
	       min(current_a), max(current_a), avg(current_a ORDER BY ts),
	       min(temperature_c), max(temperature_c),
	       avg(temperature_c ORDER BY ts),
	       (array_agg(resistance_mohm ORDER BY ts DESC)
		    FILTER (WHERE resistance_mohm IS NOT NULL))[1]
	FROM telemetry
	WHERE battery_id = b AND ts >= lo AND ts < hi
	GROUP BY battery_id, date_trunc('hour', ts, 'UTC')
$$;

-- Creates (once) the month partition of a range-partitioned table that
-- holds ts, named <table>_YYYY_MM.  It is created apart and then attached,
-- which locks the parent only against other DDL (SHARE UPDATE EXCLUSIVE):
-- CREATE TABLE ... PARTITION OF would lock out every reader of the table
-- until the load that needs the month commits.  Concurrent loaders
-- serialise on an advisory lock, held until their transaction ends.
CREATE FUNCTION brul_partition_for(parent text, ts timestamptz)
RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	lo timestamptz := date_trunc('month', ts, 'UTC');
	hi timestamptz := lo + interval '1 month';
	name text := parent || to_char(lo AT TIME ZONE 'UTC', '_YYYY_MM');
BEGIN
	IF to_regclass(name) IS NULL THEN
		PERFORM pg_advisory_xact_lock(hashtext('brul_partition'));
		IF to_regclass(name) IS NULL THEN
			EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS '
				       'INCLUDING CONSTRAINTS)', name, parent);
			EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I '
				       'FOR VALUES FROM (%L) TO (%L)', parent, name,
				       lo, hi);
		END IF;
	END IF;
	RETURN name;
END
$$;

-- What retention dropped: raw rows before dropped_before are gone from
-- the table, and their hours live on in the rollup only.  brul-load
-- refuses telemetry from before it, which would recompute those hours
-- from a part of their rows.
CREATE TABLE retention (
	table_name	text PRIMARY KEY,
	dropped_before	timestamptz NOT NULL
);

-- What only a simulator knows, and what happened.
CREATE TABLE labels (
	date		date NOT NULL,
	battery_id	text NOT NULL REFERENCES batteries,
	soh_pct		double precision,
	rul_days	integer,
	eol_date	date,
	censored	smallint,
	failure_mode	text,
	PRIMARY KEY (battery_id, date)
);

CREATE TABLE events (
	ts_start	timestamptz NOT NULL,
	ts_end		timestamptz,
	scope		text NOT NULL,
	kind		text NOT NULL,
	detail		text,
	PRIMARY KEY (ts_start, scope, kind)
);
CREATE INDEX events_scope ON events (scope, ts_start);

-- The feature store: one row per battery and window (brul-features(1)).
CREATE TABLE features (
	battery_id	text NOT NULL REFERENCES batteries,
	string_id	text,
	date		date NOT NULL,
	ts		timestamptz NOT NULL,
	window_s	integer NOT NULL,
	samples double precision, coverage_pct double precision,
	v_mean_v double precision, v_min_v double precision,
	v_max_v double precision, v_sd_v double precision,
	i_mean_a double precision, i_min_a double precision,
	i_max_a double precision,
	t_mean_c double precision, t_min_c double precision,
	t_max_c double precision,
	float_v_dev_v double precision, float_i_a double precision,
	float_i_trend_a_per_day double precision,
	t_above_30_h double precision, t_above_35_h double precision,
	t_above_40_h double precision, t_rise_c double precision,
	r_latest_mohm double precision, r_ratio double precision,
	r_slope_mohm_per_day double precision,
	age_days double precision, eq_age_days double precision,
	dis_count double precision, dis_ah double precision,
	dis_depth_pct double precision, dis_min_v double precision,
	dis_r_mohm double precision, v_dev_string_v double precision,
	life_used_pct double precision, r_ratio_7d double precision,
	PRIMARY KEY (battery_id, window_s, ts)
);

-- brul-predict's output, by model and date.
CREATE TABLE predictions (
	battery_id	text NOT NULL REFERENCES batteries,
	date		date NOT NULL,
	rul_days	double precision,
	rul_p10_days	double precision,
	rul_p90_days	double precision,
	p_fail_30d	double precision,
	p_fail_90d	double precision,
	p_fail_180d	double precision,
	risk		text,
	model_id	text NOT NULL,
	PRIMARY KEY (battery_id, date, model_id)
);
CREATE INDEX predictions_date ON predictions (date);

-- Alerts: brul-alert's stream of alert events (open, update, clear), as
-- written, and each alert's present state, which a load of events
-- advances.  The operator's side of an alert (acknowledgement and
-- resolution) is written by brul-serve; a load never overwrites it.
CREATE TABLE alert_events (
	ts		timestamptz NOT NULL,
	alert_id	text NOT NULL,
	event		text NOT NULL CHECK (event IN ('open', 'update', 'clear')),
	site_id		text,
	string_id	text,
	battery_id	text,
	kind		text NOT NULL,
	severity	text,
	value		double precision,
	threshold	double precision,
	ts_open		timestamptz,
	ts_clear	timestamptz,
	message		text,
	PRIMARY KEY (alert_id, ts, event)
);
CREATE INDEX alert_events_ts ON alert_events (ts);

CREATE TABLE alerts (
	alert_id	text PRIMARY KEY,
	site_id		text,
	string_id	text,
	battery_id	text,
	kind		text NOT NULL,
	severity	text,
	state		text NOT NULL CHECK (state IN ('open', 'cleared')),
	value		double precision,
	threshold	double precision,
	message		text,
	ts_open		timestamptz NOT NULL,
	ts_update	timestamptz NOT NULL,
	ts_clear	timestamptz,
	acknowledged_by	text,
	acknowledged_at	timestamptz,
	ack_note	text,
	resolved_by	text,
	resolved_at	timestamptz,
	resolution	text
);
CREATE INDEX alerts_battery ON alerts (battery_id, ts_open);
CREATE INDEX alerts_open ON alerts (ts_open) WHERE state = 'open';

-- The API's accounts (brul-serve): roles admin, engineer, viewer.
CREATE TABLE users (
	user_id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	username	text NOT NULL UNIQUE,
	full_name	text,
	email		text,
	role		text NOT NULL CHECK (role IN ('admin', 'engineer', 'viewer')),
	password_hash	text NOT NULL,
	active		boolean NOT NULL DEFAULT true,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now(),
	last_login_at	timestamptz
);
