# ecm-discharge.awk -v soc0=S: telemetry of one block B1 (VRLA-12V100 of
# data/ecm.csv, R0 4 mOhm, 90 of its 100 Ah usable) drawn from the twin's
# own circuit (ecm.h): two hours at rest at state of charge S, then 10 A
# down to 5 %.  What --fit should find is known exactly.
BEGIN {
	OFS = ","; C = 90; s = soc0; r0 = 0.004; v1 = 0; v2 = 0
	print "ts,battery_id,voltage_v,current_a,temperature_c"
	for (k = 0; s > 0.05; k++) {
		i = k < 120 ? 0 : -10
		if (k >= 120) s += i / 60 / C
		e1 = exp(-60 / 90); e2 = exp(-60 / 1800)
		v1 = v1 * e1 + 0.6 * r0 * i * (1 - e1)
		v2 = v2 * e2 + 1.0 * r0 * i * (1 - e2)
		c = -i / 100; eod = 0.24 * c / (s * s); if (eod > 1.6) eod = 1.6
		v = 11.70 + 1.32 * s + i * r0 + v1 + v2 - eod
		printf "2026-01-%02dT%02d:%02d:00Z,B1,%.3f,%.2f,25\n", 1 + int(k / 1440), int(k / 60) % 24, k % 60, v, i
	}
}
