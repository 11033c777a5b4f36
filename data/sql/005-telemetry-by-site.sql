-- 005: telemetry and its rollup partitioned by site first, so that the
-- sites an operator chooses can keep their telemetry on other servers,
-- attached here as foreign partitions through postgres_fdw
-- (brul-load --add-shard; brul-scale(7)).  The rows this server holds are
-- in telemetry_here and telemetry_hourly_here, the DEFAULT partitions:
-- every site not on a shard.  telemetry_here is partitioned by month as
-- telemetry was.  Loaders write into the _here tables of the server that
-- holds a site; everyone reads the parents.
--
-- Each row carries its battery's site.  The parents have no primary key
-- (PostgreSQL refuses a unique index over foreign partitions); each
-- server's _here tables keep theirs, and a battery is on one server.
ALTER TABLE telemetry ADD COLUMN site_id text;
UPDATE telemetry t SET site_id = b.site_id
FROM batteries b WHERE b.battery_id = t.battery_id;
ALTER TABLE telemetry ALTER COLUMN site_id SET NOT NULL;
ALTER TABLE telemetry RENAME TO telemetry_here;
ALTER INDEX telemetry_pkey RENAME TO telemetry_here_pkey;
DO $$
DECLARE
	r record;
BEGIN
	FOR r IN SELECT c.relname FROM pg_inherits i
		 JOIN pg_class c ON c.oid = i.inhrelid
		 WHERE i.inhparent = 'telemetry_here'::regclass
	LOOP
		EXECUTE format('ALTER TABLE %I RENAME TO %I', r.relname,
			       'telemetry_here' || substr(r.relname, 10));
	END LOOP;
END
$$;
CREATE TABLE telemetry (LIKE telemetry_here INCLUDING DEFAULTS)
	PARTITION BY LIST (site_id);
ALTER TABLE telemetry ATTACH PARTITION telemetry_here DEFAULT;

ALTER TABLE telemetry_hourly ADD COLUMN site_id text;
UPDATE telemetry_hourly h SET site_id = b.site_id
FROM batteries b WHERE b.battery_id = h.battery_id;
ALTER TABLE telemetry_hourly ALTER COLUMN site_id SET NOT NULL;
ALTER TABLE telemetry_hourly RENAME TO telemetry_hourly_here;
ALTER INDEX telemetry_hourly_pkey RENAME TO telemetry_hourly_here_pkey;
CREATE TABLE telemetry_hourly (LIKE telemetry_hourly_here INCLUDING DEFAULTS)
	PARTITION BY LIST (site_id);
ALTER TABLE telemetry_hourly ATTACH PARTITION telemetry_hourly_here DEFAULT;

-- The rollup's definition over the rows this server holds (see 004).
DROP FUNCTION brul_telemetry_hourly_of(text, timestamptz, timestamptz);
CREATE FUNCTION brul_telemetry_hourly_of(b text, lo timestamptz, hi timestamptz)
RETURNS SETOF telemetry_hourly_here
LANGUAGE sql STABLE AS $$
	SELECT battery_id, date_trunc('hour', ts, 'UTC'), count(*)::integer,
	       min(voltage_v), max(voltage_v), avg(voltage_v ORDER BY ts),
	       min(current_a), max(current_a), avg(current_a ORDER BY ts),
	       min(temperature_c), max(temperature_c),
	       avg(temperature_c ORDER BY ts),
	       (array_agg(resistance_mohm ORDER BY ts DESC)
		    FILTER (WHERE resistance_mohm IS NOT NULL))[1],
	       bit_xor(brul_telemetry_row_hash(string_id, ts, voltage_v,
		   current_a, temperature_c, resistance_mohm)),
	       min(site_id)
	FROM telemetry_here
	WHERE battery_id = b AND ts >= lo AND ts < hi
	GROUP BY battery_id, date_trunc('hour', ts, 'UTC')
$$;

-- The shards: servers holding some sites' telemetry, each a brul
-- database of its own (the same schema), reached by the loaders at
-- conninfo and by this server through the foreign server of the name.
CREATE TABLE shards (
	name		text PRIMARY KEY,
	conninfo	text NOT NULL,
	added_at	timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE shard_sites (
	site_id		text PRIMARY KEY REFERENCES sites,
	shard		text NOT NULL REFERENCES shards
);

-- Retention is per server, of the rows it holds.
UPDATE retention SET table_name = 'telemetry_here'
WHERE table_name = 'telemetry';

-- Whether each shard answers, through its foreign partition: what
-- brul-serve's /health/ready reports.
CREATE FUNCTION brul_shards_ready()
RETURNS TABLE (name text, ok boolean, reason text)
LANGUAGE plpgsql AS $$
BEGIN
	FOR name IN SELECT s.name FROM shards s ORDER BY s.name LOOP
		BEGIN
			EXECUTE format('SELECT 1 FROM %I LIMIT 1',
				       'telemetry_hourly_on_' || name);
			ok := true;
			reason := NULL;
		EXCEPTION WHEN OTHERS THEN
			ok := false;
			reason := SQLERRM;
		END;
		RETURN NEXT;
	END LOOP;
END
$$;
