#!/bin/sh
# serve.sh DIR: make serve.  brul-serve over the demo's database (make
# demo's dataset in DIR, loaded into a throwaway PostgreSQL under DIR/..,
# or the database the environment names), kept running until Ctrl-C, with
# a demo admin to sign in as.
set -eu
bin=${BRUL_BIN:-build/bin}
dir=${1:-build/demo}
# The throwaway cluster is the tests' (tests/helpers/pg.sh).
pg_sh=$(cd "$(dirname "$0")/.." && pwd)/tests/helpers/pg.sh
port=${SERVE_PORT:-8080}

if [ ! -f "$dir/telemetry.csv.gz" ]; then
	echo "serve: no dataset in $dir: run make demo first" >&2
	exit 1
fi
dir=$(cd "$dir" && pwd)
if [ -z "${DATABASE_URL:-}${PGHOST:-}${PGDATABASE:-}" ]; then
	pg=$(cd "$dir/.." && pwd)/pg
	export PG_PORT=${PG_PORT:-5433}
	export PGHOST=$pg/c PGPORT=$PG_PORT PGUSER=postgres PGDATABASE=postgres
	if [ -d "$pg/c/data" ]; then
		sh "$pg_sh" restart "$pg/c"
	else
		mkdir -p "$pg"
		[ "$(id -u)" != 0 ] || chmod 755 "$pg"
		sh "$pg_sh" start "$pg/c" >/dev/null
		"$bin"/brul-load --migrate -q
		"$bin"/brul-load --dataset "$dir"
		"$bin"/brul-load -q predictions "$dir/latest.csv"
		"$bin"/brul-load -q alerts "$dir/alerts.csv.gz"
	fi
	trap 'sh "$pg_sh" stop "$pg/c"' EXIT
fi
if [ ! -s "$dir/demo-password" ]; then
	printf 'demo-password-1\n' > "$dir/demo-password"
fi
"$bin"/brul-serve --create-user demo --role admin \
    --password-file "$dir/demo-password" 2>/dev/null || true
if [ ! -s "$dir/demo-secret" ]; then
	head -c 48 /dev/urandom | base64 > "$dir/demo-secret"
fi
chmod 600 "$dir/demo-secret"
cat <<EOM
brul-serve on http://127.0.0.1:$port/ (Ctrl-C stops it and the database)
  the dashboard: open http://127.0.0.1:$port/ and sign in as demo, password $(cat "$dir/demo-password")
  sign in:  curl -s -H 'Content-Type: application/json' \\
              -d '{"username":"demo","password":"$(cat "$dir/demo-password")"}' \\
              http://127.0.0.1:$port/api/v1/auth/login
  then:     curl -s -H "Authorization: Bearer \$TOKEN" http://127.0.0.1:$port/api/v1/predictions/latest
  the API:  http://127.0.0.1:$port/api/openapi.json   (brul-serve(1))
EOM
# The demo's model, for the dashboard's model page.
set --
if [ -f "$dir/model.json" ]; then
	set -- --model "$dir/model.json"
fi
"$bin"/brul-serve --listen "127.0.0.1:$port" --secret-file "$dir/demo-secret" "$@" || true
