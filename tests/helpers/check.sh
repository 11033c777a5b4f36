#!/bin/sh
# check.sh UNITS...: make check's runner.  Every test under prove -j2 but
# the dashboard's, which then runs alone: it times pages in a real browser
# ("the fleet in under a second"), which two other test files loading both
# cores would make a matter of luck.  Ends with one line for both runs:
# "N passed, N failed".
out=$(mktemp) && rc=$(mktemp) || exit 1
trap 'rm -f "$out" "$rc"' EXIT
# (sh has no pipefail: prove's status goes through a file)
{ prove -j2 --exec tests/helpers/run-test "$@" \
    $(ls tests/*.bats | grep -v '^tests/browser\.bats$') || echo 1 > "$rc"; } |
    tee "$out"
{ prove --exec tests/helpers/run-test tests/browser.bats || echo 1 > "$rc"; } |
    tee -a "$out"
# prove's summaries: "Files=F, Tests=N, ..." and, per failed file,
# "(Wstat: ... Tests: N Failed: M)".
awk '/^Files=/ { sub(/.*Tests=/, ""); n += $0 + 0 }
    /Tests: [0-9]+ Failed: [0-9]+\)/ { sub(/.*Failed: /, ""); f += $0 + 0 }
    END { printf "%d passed, %d failed\n", n - f, f }' "$out"
[ ! -s "$rc" ]
