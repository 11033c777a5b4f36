-- 006: what brul-predict says of a prediction beside its remaining life
-- (brul-formats(5), predictions): p_sudden_90d, the probability that the
-- block fails suddenly (an open or shorted cell, thermal runaway) within
-- 90 days, the sudden part of p_fail_90d; and, with brul-predict
-- --explain, the prediction's three main reasons as text.  Files written
-- before have none of them: the columns stay null, and a load of such a
-- file leaves them as they are (a load replaces only the columns it has).
ALTER TABLE predictions
	ADD COLUMN p_sudden_90d double precision,
	ADD COLUMN reason_1 text,
	ADD COLUMN reason_2 text,
	ADD COLUMN reason_3 text;

-- A prediction's reasons as brul-serve answers them: a JSON array of
-- those given, in order, [] when there are none.
CREATE FUNCTION brul_prediction_reasons(r1 text, r2 text, r3 text)
RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT to_jsonb(array_remove(ARRAY[nullif(r1, ''), nullif(r2, ''),
	       nullif(r3, '')], NULL))
$$;
