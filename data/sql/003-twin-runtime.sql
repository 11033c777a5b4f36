-- 003: the twin's runtime (brul-twin(1)): the minutes to the cut-off at
-- the present load while a block discharges (or, with brul-twin --load,
-- at the design load between discharges), with a 90 % interval; what an
-- operator asks during an outage, served with the block.
ALTER TABLE twin
	ADD COLUMN runtime_min double precision,
	ADD COLUMN runtime_lo_min double precision,
	ADD COLUMN runtime_hi_min double precision;
