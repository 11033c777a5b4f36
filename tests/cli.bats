#!/usr/bin/env bats
# The command-line conventions of brul(7), one rule for every tool: what
# tools/cli.c applies for all of them.  Each tool's own tests check its
# values and streams; these check that the tools agree.

bats_require_minimum_version 1.5.0
load helpers/common

TOOLS="brul-gen brul-features brul-train brul-predict brul-twin brul-alert
brul-serve brul-load"

# usage_error TOOL ARGS...: status 2, nothing on stdout, and on stderr one
# message of TOOL's, then its usage line.
usage_error() {
	local t=$1
	shift
	run --separate-stderr "$t" "$@"
	[ "$status" -eq 2 ] || { echo "$t $*: status $status: $stderr"; return 1; }
	[ -z "$output" ] || { echo "$t $*: stdout: $output"; return 1; }
	[ "${#stderr_lines[@]}" -eq 2 ] &&
	    [[ "${stderr_lines[0]}" == "$t: "* ]] &&
	    [[ "${stderr_lines[1]}" == "usage: $t "*" --help lists them)" ]] ||
	    { echo "$t $*: stderr: $stderr"; return 1; }
}

@test "a bad option: status 2, getopt's message, then the usage line" {
	for t in $TOOLS; do
		usage_error "$t" --no-such-option
		[[ "${stderr_lines[0]}" == *"--no-such-option"* ]]
		usage_error "$t" --help=x
	done
}

@test "a bad value of an option: status 2, a message naming it, the usage line" {
	while read -r t opt args; do
		usage_error "$t" $args
		[[ "${stderr_lines[0]}" == "$t: $opt: "* ]] ||
		    { echo "$t $args: ${stderr_lines[0]}"; false; }
	done <<-EOF
	brul-gen --days --days 0
	brul-gen --interval --interval 90
	brul-gen --site --site XYZ
	brul-gen --scenario --scenario boom,start=2026-01-01T00:00:00Z
	brul-gen --format --format xml
	brul-features --window --window week
	brul-features --float-v --float-v 20
	brul-train --folds --labels l.csv --folds 1
	brul-train --objective --labels l.csv --objective cox
	brul-predict --critical -m m.json --critical 2
	brul-twin --every --fleet f.csv --every 0
	brul-alert --fail-on --fleet f.csv --fail-on never
	brul-alert --float-v --fleet f.csv --float-v 99
	brul-serve --threads --threads 0
	brul-serve --listen --listen nowhere
	brul-serve --create-user --create-user a/b --role viewer
	brul-load --batch-rows --batch-rows 0 telemetry
	brul-load --format --format xml telemetry
	brul-load --export --export everything
	EOF
}

@test "an unexpected operand, a missing or refused combination of options: status 2, one message, the usage line" {
	while read -r t args; do
		usage_error "$t" $args
	done <<-EOF
	brul-gen stray
	brul-gen --dataset d -o x.csv
	brul-gen --live --dataset d
	brul-train f.csv
	brul-train --labels l.csv --test-labels t.csv f.csv
	brul-predict f.csv
	brul-twin t.csv
	brul-alert t.csv
	brul-alert --fleet f.csv a.csv b.csv
	brul-serve stray
	brul-serve --create-user x
	brul-load
	brul-load --migrate --retain 90d
	brul-load --db host=/nonexistent fleet x.csv
	EOF
}
