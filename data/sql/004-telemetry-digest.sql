-- 004: a digest of each hour's rows in the rollup.  brul-load hashes the
-- rows of a file that the table may already hold (a reload, an overlap)
-- an hour at a time, as below, and compares with the digest: only hours
-- that differ are merged row by row (brul-load(1), "Reloading").
--
-- A row's hash chains PostgreSQL's own hash functions (those hash
-- partitioning relies on, stable across versions), each field's hash the
-- next one's seed; a reading missing hashes as NaN, which brul-load never
-- stores.  An hour's digest is its rows' hashes XORed: any order of rows
-- gives it, and a row changed, added or taken away changes it.
CREATE FUNCTION brul_telemetry_row_hash(string_id text, ts timestamptz,
	voltage_v double precision, current_a double precision,
	temperature_c double precision, resistance_mohm double precision)
RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT hashfloat8extended(coalesce(resistance_mohm, 'NaN'),
	       hashfloat8extended(coalesce(temperature_c, 'NaN'),
	       hashfloat8extended(coalesce(current_a, 'NaN'),
	       hashfloat8extended(coalesce(voltage_v, 'NaN'),
	       timestamp_hash_extended(ts AT TIME ZONE 'UTC',
		   CASE WHEN string_id IS NULL THEN 1 ELSE 2 END)))))
$$;

ALTER TABLE telemetry_hourly ADD COLUMN digest bigint;

-- The rollup's definition, with the digest (see 001).
DROP FUNCTION brul_telemetry_hourly_of(text, timestamptz, timestamptz);
CREATE FUNCTION brul_telemetry_hourly_of(b text, lo timestamptz, hi timestamptz)
RETURNS SETOF telemetry_hourly
LANGUAGE sql STABLE AS $$
	SELECT battery_id, date_trunc('hour', ts, 'UTC'), count(*)::integer,
	       min(voltage_v), max(voltage_v), avg(voltage_v ORDER BY ts),
	       min(current_a), max(current_a), avg(current_a ORDER BY ts),
	       min(temperature_c), max(temperature_c),
	       avg(temperature_c ORDER BY ts),
	       (array_agg(resistance_mohm ORDER BY ts DESC)
		    FILTER (WHERE resistance_mohm IS NOT NULL))[1],
	       bit_xor(brul_telemetry_row_hash(string_id, ts, voltage_v,
		   current_a, temperature_c, resistance_mohm))
	FROM telemetry
	WHERE battery_id = b AND ts >= lo AND ts < hi
	GROUP BY battery_id, date_trunc('hour', ts, 'UTC')
$$;

-- Hours already rolled up get their digest where their raw rows are
-- all still there (retention may have dropped them: NULL, never equal).
UPDATE telemetry_hourly h SET digest = d.digest
FROM (SELECT battery_id, date_trunc('hour', ts, 'UTC') AS hour,
	     count(*) AS n,
	     bit_xor(brul_telemetry_row_hash(string_id, ts, voltage_v,
		 current_a, temperature_c, resistance_mohm)) AS digest
      FROM telemetry GROUP BY 1, 2) AS d
WHERE d.battery_id = h.battery_id AND d.hour = h.hour AND d.n = h.samples;
