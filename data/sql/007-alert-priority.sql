-- 007: an alert's priority (brul-formats(5), alerts), 1 (act first) to 4,
-- from what its rule threatens (safety, a string's load, the data,
-- ageing) and its severity, as brul-alert writes it; and its urgency
-- now, which brul-serve sorts lists by: the priority, one step more
-- urgent once the alert has waited a day open and unacknowledged.
-- Events written before have no priority: their alerts take the one a
-- rule on a string's load would give (critical 2, warning 3).
ALTER TABLE alert_events
	ADD COLUMN priority smallint CHECK (priority BETWEEN 1 AND 4);
ALTER TABLE alerts
	ADD COLUMN priority smallint CHECK (priority BETWEEN 1 AND 4);
UPDATE alerts SET priority = CASE severity WHEN 'critical' THEN 2 ELSE 3 END;

CREATE FUNCTION brul_alert_urgency(a alerts, at timestamptz)
RETURNS integer
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT greatest(1, coalesce(a.priority,
	       CASE a.severity WHEN 'critical' THEN 2 ELSE 3 END) -
	       CASE WHEN a.state = 'open' AND a.acknowledged_at IS NULL
	            AND a.resolved_at IS NULL
	            AND at - a.ts_open >= interval '1 day' THEN 1 ELSE 0 END)
$$;
