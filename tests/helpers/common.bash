# common.bash: loaded by every bats file.  The tools under test come from
# $BRUL_BIN (set by make check), else from the build tree.
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

BRUL_BIN=${BRUL_BIN:-$BATS_TEST_DIRNAME/../build/bin}
PATH=$BRUL_BIN:$PATH
export LC_ALL=C

# zcat that also takes plain input
unz() { gzip -dcf "$@"; }

# The schema version this tree's migrations (data/sql/NNN-*.sql) reach.
schema_version() {
	ls "$BATS_TEST_DIRNAME"/../data/sql |
	    sed -n 's/^0*\([0-9][0-9]*\)-.*\.sql$/\1/p' | sort -n | tail -n 1
}

# until_in FILE REGEX: waits (at most 10 s) until a line of FILE matches.
until_in() {
	local i
	for i in $(seq 100); do
		grep -q "$2" "$1" && return 0
		sleep 0.1
	done
	grep -q "$2" "$1"
}
