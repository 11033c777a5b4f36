-- 002: what brul-serve needs beside the streams: the twin's estimates,
-- served with each battery, and the refresh tokens of signed-in users.

-- brul-twin's stream (brul-twin(1)): each block's estimated state.
CREATE TABLE twin (
	battery_id	text NOT NULL REFERENCES batteries,
	ts		timestamptz NOT NULL,
	soc_pct		double precision,
	soc_sd_pct	double precision,
	soh_pct		double precision,
	soh_sd_pct	double precision,
	r0_mohm		double precision,
	v_pred_v	double precision,
	residual_v	double precision,
	innovation_z	double precision,
	rul_twin_days	double precision,
	rul_twin_sd_days double precision,
	rul_days	double precision,
	rul_sd_days	double precision,
	PRIMARY KEY (battery_id, ts)
);

-- Refresh tokens, only as SHA-256 hashes.  A token is used once: a
-- refresh replaces it by the next of its family; a used one presented
-- again means it was stolen, and revokes the whole family.
CREATE TABLE refresh_tokens (
	token_hash	bytea PRIMARY KEY,
	family		uuid NOT NULL,
	user_id		bigint NOT NULL REFERENCES users ON DELETE CASCADE,
	issued_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	used_at		timestamptz,
	revoked_at	timestamptz
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- Who acknowledged or resolved an alert is a user's name; the latest
-- prediction per battery is what the morning list reads.
CREATE INDEX predictions_battery_date ON predictions (battery_id, date DESC);
CREATE INDEX alerts_site ON alerts (site_id, ts_open);

-- A refresh: the presented token (by hash) is used up and the next of its
-- family issued, atomically.  A token used before means a copy is in
-- someone else's hands: the whole family is revoked.  The outcome, and
-- the user's name and role when it is 'ok'.
CREATE FUNCTION brul_refresh_rotate(old_hash bytea, new_hash bytea,
				    ttl integer)
RETURNS TABLE (outcome text, user_id bigint, username text, role text)
LANGUAGE plpgsql AS $$
DECLARE
	t refresh_tokens;
	u users;
BEGIN
	SELECT * INTO t FROM refresh_tokens r WHERE r.token_hash = old_hash
	    FOR UPDATE;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 'unknown'::text, NULL::bigint, NULL::text,
		    NULL::text;
		RETURN;
	END IF;
	IF t.revoked_at IS NOT NULL THEN
		RETURN QUERY SELECT 'revoked'::text, t.user_id, NULL::text,
		    NULL::text;
		RETURN;
	END IF;
	IF t.used_at IS NOT NULL THEN
		UPDATE refresh_tokens r SET revoked_at = now()
		    WHERE r.family = t.family AND r.revoked_at IS NULL;
		RETURN QUERY SELECT 'reused'::text, t.user_id, NULL::text,
		    NULL::text;
		RETURN;
	END IF;
	IF t.expires_at <= now() THEN
		RETURN QUERY SELECT 'expired'::text, t.user_id, NULL::text,
		    NULL::text;
		RETURN;
	END IF;
	SELECT * INTO u FROM users x WHERE x.user_id = t.user_id;
	IF NOT FOUND OR NOT u.active THEN
		RETURN QUERY SELECT 'disabled'::text, t.user_id, NULL::text,
		    NULL::text;
		RETURN;
	END IF;
	UPDATE refresh_tokens r SET used_at = now()
	    WHERE r.token_hash = old_hash;
	INSERT INTO refresh_tokens (token_hash, family, user_id, expires_at)
	    VALUES (new_hash, t.family, t.user_id,
		    now() + ttl * interval '1 second');
	RETURN QUERY SELECT 'ok'::text, u.user_id, u.username, u.role;
END
$$;

-- User names are unique whatever their case: sign-in looks them up so.
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));
