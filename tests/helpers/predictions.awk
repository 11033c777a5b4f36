# predictions.awk LABELS: the predictions stream from brul-gen's labels,
# a fixture of known values for tests and benchmarks: each day's true RUL
# as the prediction, p10 and p90 at 0.7 and 1.3 of it, and the risk and
# 30-day probability that go with it.  -v model=ID names the model
# (default: fixture).
BEGIN {
	FS = OFS = ","
	if (model == "")
		model = "fixture"
	print "battery_id,date,rul_days,rul_p10_days,rul_p90_days,p_fail_30d,risk,model_id"
}
NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
$col["rul_days"] != "" {
	r = $col["rul_days"]
	risk = r < 30 ? "critical" : r < 90 ? "high" : r < 180 ? "medium" : "low"
	print $col["battery_id"], $col["date"], r, r * 0.7, r * 1.3, (r < 30 ? 0.6 : 0.01), risk, model
}
