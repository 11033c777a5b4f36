# fleet.bash: the database the API's tests (serve.bats) and the
# dashboard's (browser.bats) share: a throwaway PostgreSQL holding a
# simulated fleet with what the other tools make of it.
#
#   fleet_setup DIR PORT BRUL-GEN-ARGS...   in setup_file
#   fleet_teardown DIR PORT                 in teardown_file
#
# fleet_setup starts a cluster on PORT (its directory, under /tmp, named
# in DIR/pgdir; its conninfo in DIR/conninfo, exported as DATABASE_URL),
# simulates a dataset into DIR/ds (brul-gen --dataset with the arguments
# given) and loads it with the twin's hourly estimates, predictions made
# from the labels (a fixture of known values), brul-alert's alerts over
# all of them (its digest in DIR/digest.csv) and a small model trained on daily features (DIR/model.json).  It
# writes a signing secret (DIR/secret) and creates the users eng
# (engineer), view (viewer) and admin (admin) with the password in
# DIR/pw.

FLEET_PW='correct horse battery staple'

fleet_setup() {
	local d=$1 port=$2 pgdir
	shift 2
	pgdir=$(mktemp -d /tmp/brul-fleet.XXXXXX)
	chmod 755 "$pgdir"	# the cluster runs as postgres
	echo "$pgdir" > "$d/pgdir"
	PG_PORT=$port sh "$BATS_TEST_DIRNAME/helpers/pg.sh" start "$pgdir/c" > "$d/conninfo"
	export DATABASE_URL=$(cat "$d/conninfo")
	brul-gen --dataset "$d/ds" --quiet "$@"
	brul-load --migrate -q
	brul-load -q --dataset "$d/ds"
	brul-twin --fleet "$d/ds/batteries.csv" --every 1h \
	    "$d/ds/telemetry.csv" > "$d/twin.csv"
	brul-load -q twin "$d/twin.csv"
	fleet_predictions "$d/ds/labels.csv" > "$d/predictions.csv"
	brul-load -q predictions "$d/predictions.csv"
	brul-alert --fleet "$d/ds/batteries.csv" --systems "$d/ds/systems.csv" \
	    --string-telemetry "$d/ds/string_telemetry.csv" \
	    --twin "$d/twin.csv" --predictions "$d/predictions.csv" \
	    --digest "$d/digest.csv" "$d/ds/telemetry.csv" |
	    brul-load -q alerts
	brul-features --window day --fleet "$d/ds/batteries.csv" \
	    "$d/ds/telemetry.csv" > "$d/features.csv"
	brul-train --quiet --folds 3 --rounds 20 --threads 2 \
	    --labels "$d/ds/labels.csv" -o "$d/model.json" "$d/features.csv"
	head -c 48 /dev/urandom | base64 > "$d/secret"
	chmod 600 "$d/secret"
	printf '%s\n' "$FLEET_PW" > "$d/pw"
	for u in eng:engineer view:viewer admin:admin; do
		brul-serve --create-user "${u%%:*}" --role "${u#*:}" \
		    --password-file "$d/pw" 2>/dev/null
	done
}

# fleet_serve DIR [OPTION...]: brul-serve over the fleet of fleet_setup
# DIR, with its secret and the options given, on a free port: its log in
# DIR/log, its pid in DIR/pid, its port in DIR/port.
fleet_serve() {
	local d=$1 i
	shift
	"$BRUL_BIN"/brul-serve --listen 127.0.0.1:0 --secret-file "$d/secret" \
	    --threads 2 "$@" 2> "$d/log" &
	echo $! > "$d/pid"
	for i in $(seq 50); do
		grep -q 'listening on' "$d/log" 2>/dev/null && break
		sleep 0.1
	done
	sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\).*/\1/p' "$d/log" > "$d/port"
	[ -s "$d/port" ]
}

fleet_teardown() {
	local pgdir
	pgdir=$(cat "$1/pgdir" 2>/dev/null) || return 0
	PG_PORT=$2 sh "$BATS_TEST_DIRNAME/helpers/pg.sh" stop "$pgdir/c" || true
	rm -rf "$pgdir"
}

# fleet_predictions LABELS: the predictions stream from the labels: each
# day's true RUL as the prediction, p10 and p90 at 0.7 and 1.3 of it, and
# the risk and 30-day probability that go with it.
fleet_predictions() {
	awk -f "$BATS_TEST_DIRNAME/helpers/predictions.awk" "$1"
}
