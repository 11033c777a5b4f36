-- 008: each site's time zone (an IANA name), in which the dashboard shows
-- its times; the API keeps UTC.  The fleet is in Thailand: a site loaded
-- without one is in Asia/Bangkok, and so are those loaded before.  A name
-- PostgreSQL does not know is refused, so that no page is drawn in a zone
-- nobody can read.
ALTER TABLE sites ALTER COLUMN timezone SET DEFAULT 'Asia/Bangkok';
UPDATE sites SET timezone = 'Asia/Bangkok' WHERE timezone IS NULL OR timezone = '';

CREATE FUNCTION brul_timezone_known(z text)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = z)
$$;
ALTER TABLE sites ADD CONSTRAINT sites_timezone_known
	CHECK (timezone IS NULL OR brul_timezone_known(timezone));
