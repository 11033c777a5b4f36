#!/bin/sh
# pg.sh start|restart|stop DIR: a throwaway PostgreSQL 15 cluster in DIR,
# listening on a unix socket in DIR only (no TCP), for tests and the demo.
# `start` creates it and prints the libpq connection string; `restart`
# starts one that was stopped.  As root (CI), the cluster
# runs as postgres, since initdb refuses root; DIR is then given to it.
set -eu
bin=/usr/lib/postgresql/15/bin
cmd=${1:?usage: pg.sh start|restart|stop DIR}
dir=${2:?usage: pg.sh start|restart|stop DIR}
port=${PG_PORT:-5433}

as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

run() {
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
	    -o "-k $dir -p $port -c listen_addresses='' -c fsync=off" start \
	    >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
}

case $cmd in
start)
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
	as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust \
	    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
	run
	echo "host=$dir port=$port user=postgres dbname=postgres"
	;;
restart)
	dir=$(cd "$dir" && pwd)
	run
	;;
stop)
	dir=$(cd "$dir" && pwd)
	as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	;;
*)
	echo "usage: pg.sh start|restart|stop DIR" >&2
	exit 2
	;;
esac
