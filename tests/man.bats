#!/usr/bin/env bats
# The manual pages: they render without warnings, and they cannot drift from
# the tools (every tool's options, brul-gen's streams and their columns in
# brul-formats(5)).
# Run from the project root; the tools are in $BRUL_BIN, else build/bin.

setup() {
	bin=${BRUL_BIN:-build/bin}
	gen=$bin/brul-gen
}

need_gen() {
	[ -x "$gen" ] || { echo "no $gen: build it first (make)"; false; }
}

# The section from ".Sh NAME" to the next ".Sh" of man page $2.
section() {
	sed -n "/^\\.Sh $1\$/,/^\\.Sh /p" "$2"
}

# The stream names listed by brul-gen --help after --emit, one a line.
emit_streams() {
	"$gen" --help | sed -n '/^ *--emit /,/^ *--dataset /p' | sed '$d' |
	    sed 's/--emit STREAM//; s/(default)//' | tr ', ' '\n\n' |
	    grep -E '^[a-z_]+$'
}

@test "every manual page passes mandoc -T lint -W style, brul's pages all found" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	command -v makewhatis >/dev/null || skip "makewhatis (mandoc) is not installed"
	# brul's pages as a manual of their own, so that -W style finds them;
	# other systems' pages (gzip, cron ...) depend on what is installed.
	mp=$BATS_TEST_TMPDIR/man
	for s in 1 5 7; do mkdir -p "$mp/man$s"; cp man/*.$s "$mp/man$s/"; done
	makewhatis "$mp"
	bad=0
	for page in man/*.[157]; do
		out=$(MANPATH=$mp mandoc -T lint -W style "$page" 2>&1 |
		    grep -vE 'referenced manual not found: Xr (gzip|pigz|createdb|psql|cron|crontab|parallel|ssh|sort|awk|jq|mlr|systemd|nginx|mv|nohup|fsync) [0-9]') || true
		[ -z "$out" ] || { echo "$out"; bad=1; }
	done
	[ "$bad" -eq 0 ]
}

@test "no page renders doubled or nested quotes" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	bad=0
	for page in man/*.[157]; do
		# a quote opened inside another, or two closed together
		out=$(mandoc -T utf8 "$page" | col -b |
		    grep -nE "‘[^’]*‘|’’|“[^”]*“|””|''" ) || true
		[ -z "$out" ] || { echo "$page: $out"; bad=1; }
	done
	[ "$bad" -eq 0 ]
}

# The long options of TOOL --help and of the OPTIONS of TOOL(1) are the
# same: each one's help names every option its page describes, and the
# page describes every option its help names.
same_options() {
	tool=$1
	[ -x "$bin/$tool" ] || { echo "no $bin/$tool: build it first (make)"; false; }
	help=$("$bin/$tool" --help)
	page=man/$tool.1
	bad=0
	# The options of the usage lines, and of the lines that begin with
	# one (what follows two spaces there is prose, which may name other
	# tools' options).
	for opt in $(printf '%s\n' "$help" | awk 'NR == 1, /^$/ { print; next }
	    /^ +(-[A-Za-z], )?--[a-z]/ { sub(/^ +/, ""); sub(/  .*/, ""); print }' |
	    grep -oE -- '--[a-z][a-z-]*' | sort -u); do
		name=${opt#--}
		if ! section OPTIONS "$page" |
		    grep -qE "Fl \\\\?-$name([^a-z-]|\$)"; then
			echo "$tool --help has $opt, OPTIONS of $tool.1 does not"
			bad=1
		fi
	done
	opts=$(section OPTIONS "$page" |
	    grep -oE 'Fl \\?-[a-z][a-z-]*' | sed 's/^Fl \\\{0,1\}-//' |
	    sort -u)
	[ -n "$opts" ] || { echo "no Fl -option in OPTIONS of $page"; false; }
	for name in $opts; do
		if ! printf '%s\n' "$help" |
		    grep -qE -- "--$name([^a-z-]|\$)"; then
			echo "OPTIONS of $tool.1 has --$name, $tool --help does not"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "brul-gen --help and the OPTIONS of brul-gen(1) list the same long options" {
	same_options brul-gen
}

@test "brul-features --help and brul-features(1) list the same long options" {
	same_options brul-features
}

@test "brul-train --help and brul-train(1) list the same long options" {
	same_options brul-train
}

@test "brul-predict --help and brul-predict(1) list the same long options" {
	same_options brul-predict
}

@test "brul-load --help and brul-load(1) list the same long options" {
	same_options brul-load
}

@test "brul-alert --help and brul-alert(1) list the same long options" {
	same_options brul-alert
}

@test "brul-twin --help and brul-twin(1) list the same long options" {
	same_options brul-twin
}

@test "brul-import --help and brul-import(1) list the same long options" {
	same_options brul-import
}

@test "brul-serve --help and brul-serve(1) list the same long options" {
	same_options brul-serve
}

@test "every tool answers --help on stdout and --version, status 0" {
	for t in gen features train predict load alert twin serve import; do
		run "$bin/brul-$t" --help
		[ "$status" -eq 0 ] || { echo "brul-$t --help: $status"; false; }
		[[ "${lines[0]}" == "usage: brul-$t"* ]] ||
		    { echo "brul-$t --help: ${lines[0]}"; false; }
		run "$bin/brul-$t" --version
		[ "$status" -eq 0 ] && [[ "$output" == "brul-$t "* ]] ||
		    { echo "brul-$t --version: $output"; false; }
	done
}

@test "every stream of brul-gen --emit has its section in brul-formats(5)" {
	need_gen
	streams=$(emit_streams)
	[ "$(printf '%s\n' "$streams" | wc -l)" -eq 9 ] ||
	    { echo "expected 9 streams in --help, got: $streams"; false; }
	bad=0
	for s in $streams; do
		if ! grep -qx "\\.Ss $s" man/brul-formats.5; then
			echo "stream $s has no .Ss section in brul-formats.5"
			bad=1
		fi
	done
	[ "$bad" -eq 0 ]
}

@test "every column that brul-gen writes is documented in brul-formats(5)" {
	need_gen
	bad=0
	for s in $(emit_streams); do
		header=$("$gen" --emit "$s" --days 1 --batteries 1 | head -n 1)
		[ -n "$header" ] || { echo "$s: no header row"; bad=1; continue; }
		# The columns within the stream's own section.
		doc=$(sed -n "/^\\.Ss $s\$/,/^\\.S[sh] /p" man/brul-formats.5)
		for col in $(printf '%s\n' "$header" | tr ',' ' '); do
			if ! printf '%s\n' "$doc" | grep -qx "\\.It Cm $col"; then
				echo "$s: column $col is not documented"
				bad=1
			fi
		done
	done
	[ "$bad" -eq 0 ]
}
