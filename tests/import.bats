#!/usr/bin/env bats
# brul-import: exports in their own layouts to telemetry.  Small exports
# made here for the rules (units, sign, times, columns), and every folder
# of the measured data in ../shared/data (or $BRUL_REAL_DATA), which skip,
# saying so, when it is absent.  Values are checked against the source
# files by hand (line numbers below are the source's).

bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	DATA=${BRUL_REAL_DATA:-$BATS_TEST_DIRNAME/../../shared/data}
	cd "$BATS_TEST_TMPDIR"
	cat > export.csv <<'EOF'
Site export,Room 2
Generated,2024-03-04 10:00

Timestamp,Block V (mV),String I (mA),Temp,R (uOhm)
2024-03-04 12:00:00,12850,45000,24.5,
2024-03-04 12:01:00,12790,45000,,5120
2024-03-04 12:02:00,,,24.6,
EOF
	MAP=(--column ts=Timestamp --column 'voltage_v=Block V (mV)'
	    --column 'current_a=String I (mA)' --column temperature_c=Temp
	    --column 'resistance_mohm=R (uOhm)' --battery-id B1)
	UNITS=(--unit voltage_v=mV --unit current_a=mA --unit resistance_mohm=uOhm)
}

need_data() {
	[ -d "$DATA/$1" ] ||
	    skip "no measured data in $DATA/$1: the conversion was not checked"
}

# A discharge of n rows a minute apart: the voltage falls 30 mV a row
# while the current column says +5.
discharge() {
	echo "t,v,i"
	for ((k = 0; k < $1; k++)); do
		printf '2024-01-01 00:%02d:00,%s,5\n' "$k" \
		    "$(awk -v k="$k" 'BEGIN { printf "%.3f", 12.8 - 0.03 * k }')"
	done
}

@test "--help and --version" {
	run --separate-stderr brul-import --help
	assert_success
	[[ "${lines[0]}" == "usage: brul-import "* ]]
	run --separate-stderr brul-import --version
	assert_success
	[[ "$output" == "brul-import "* ]]
}

@test "a bad option or value: the usage, status 2" {
	run --separate-stderr brul-import --bogus export.csv
	[ "$status" -eq 2 ]
	run --separate-stderr brul-import --discharge sideways export.csv
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = 'brul-import: --discharge: expected negative or positive, not "sideways"' ]
	run --separate-stderr brul-import --preset nope export.csv
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = 'brul-import: --preset: unknown preset "nope": there are digatron, digatron-eis, bboxx and tetra' ]
	run --separate-stderr brul-import --unit voltage_v=kV export.csv
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = 'brul-import: --unit: voltage_v: unknown unit "kV": it takes V, mV' ]
	run --separate-stderr brul-import --column volts=V export.csv
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == 'brul-import: --column: unknown field "volts": there are ts, '* ]]
}

@test "an unknown time zone is refused, not read as UTC" {
	run --separate-stderr brul-import "${MAP[@]}" "${UNITS[@]}" --tz Mars/Olympus export.csv
	[ "$status" -eq 2 ]
	[[ "${stderr_lines[0]}" == 'brul-import: --tz: unknown time zone "Mars/Olympus" (none such in '* ]]
}

@test "an export's columns, units, sign and local times to telemetry" {
	run --separate-stderr brul-import "${MAP[@]}" "${UNITS[@]}" \
	    --discharge positive --tz Africa/Johannesburg export.csv
	assert_success
	[ "$output" = "ts,battery_id,voltage_v,current_a,temperature_c,resistance_mohm
2024-03-04T10:00:00Z,B1,12.850,-45.000,24.5,
2024-03-04T10:01:00Z,B1,12.790,-45.000,,5.120
2024-03-04T10:02:00Z,B1,,,24.6," ]
	# the same instants given with their offset need no --tz
	sed 's/^\(2024-03-04 12:0[0-2]:00\)/\1+02:00/' export.csv > offset.csv
	run --separate-stderr brul-import "${MAP[@]}" "${UNITS[@]}" \
	    --discharge positive offset.csv
	assert_success
	[ "${lines[1]}" = "2024-03-04T10:00:00Z,B1,12.850,-45.000,24.5," ]
}

@test "NDJSON output: missing values are null" {
	run --separate-stderr brul-import "${MAP[@]}" "${UNITS[@]}" \
	    --discharge positive --format ndjson export.csv
	assert_success
	[ "${lines[1]}" = '{"ts":"2024-03-04T12:01:00Z","battery_id":"B1","voltage_v":12.790,"current_a":-45.000,"temperature_c":null,"resistance_mohm":5.120}' ]
}

@test "a column missing: named, with those the header has; nothing written" {
	run --separate-stderr brul-import --column ts=Timestamp \
	    --column 'voltage_v=Block V' --battery-id B1 -o out.csv export.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: export.csv:4: no column for voltage_v ("Block V"); this line has "Timestamp", "Block V (mV)", "String I (mA)", "Temp", "R (uOhm)"' ]
	[ ! -e out.csv ]
	run --separate-stderr brul-import --column ts=Time --column voltage_v=V \
	    --battery-id B1 export.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: export.csv:4: no column for ts ("Time"), voltage_v ("V"); this line has "Timestamp", "Block V (mV)", "String I (mA)", "Temp", "R (uOhm)"' ]
}

@test "a 12 V block's voltage in mV read as V: the column, value and unit that fits" {
	run --separate-stderr brul-import "${MAP[@]}" --unit current_a=mA \
	    --unit resistance_mohm=uOhm --discharge positive -o out.csv export.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: export.csv:5:2: voltage_v: 12850 V in column "Block V (mV)" is not the voltage of 6 cells (6 to 18 V); in mV it would be 12.85 V (--unit voltage_v=mV)' ]
	[ ! -e out.csv ]
	# a monitor of cells: 2 V each
	printf 't,v\n2024-01-01 00:00:00,2.251\n' > cell.csv
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --battery-id C1 cell.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: cell.csv:2:2: voltage_v: 2.251 V in column "v" is not the voltage of 6 cells (6 to 18 V), in any unit (--drop-bad leaves such rows out)' ]
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --battery-id C1 --cells 1 cell.csv
	assert_success
	[ "${lines[1]}" = "2024-01-01T00:00:00Z,C1,2.251,,," ]
}

@test "a current 1000 times too large: refused, above 10 C of --capacity or 1000 A" {
	run --separate-stderr brul-import "${MAP[@]}" --unit voltage_v=mV \
	    --unit resistance_mohm=uOhm --discharge positive export.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: export.csv:5:3: current_a: 45000 A in column "String I (mA)" is more than 1000 A (--capacity sets the bound); in mA it would be -45 A (--unit current_a=mA)' ]
	# 0.9 A given in mA (900) passes 1000 A; a 9 Ah block's 10 C does not
	printf 't,v,i\n2024-01-01 00:00:00,12.5,-900\n' > small.csv
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --column current_a=i --battery-id A1 --capacity 9 small.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: small.csv:2:3: current_a: -900 A in column "i" is more than 10 C of a 9 Ah block; in mA it would be -0.9 A (--unit current_a=mA)' ]
}

@test "a resistance in uOhm read as mOhm, a temperature in K read as degC" {
	run --separate-stderr brul-import "${MAP[@]}" --unit voltage_v=mV \
	    --unit current_a=mA --discharge positive export.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: export.csv:6:5: resistance_mohm: 5120 mOhm in column "R (uOhm)" is not a block'"'"'s from 0.01 to 1000 mOhm; in uOhm it would be 5.12 mOhm (--unit resistance_mohm=uOhm)' ]
	printf 't,T\n2024-01-01 00:00:00,298.15\n' > kelvin.csv
	run --separate-stderr brul-import --column ts=t --column temperature_c=T \
	    --battery-id A1 kelvin.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: kelvin.csv:2:2: temperature_c: 298.15 degC in column "T" is not a temperature from -50 to 100 degC; in K it would be 25 degC (--unit temperature_c=K)' ]
	run --separate-stderr brul-import --column ts=t --column temperature_c=T \
	    --unit temperature_c=K --battery-id A1 kelvin.csv
	assert_success
	[ "${lines[1]}" = "2024-01-01T00:00:00Z,A1,,,25.0," ]
}

@test "a sign the voltage contradicts: refused, saying which sign the data show" {
	discharge 12 > dis.csv
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --column current_a=i --battery-id A1 -o out.csv dis.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: dis.csv:13:3: current_a: in 11 of 11 steps the voltage falls while column "i" is positive or rises while it is negative: the export'"'"'s discharge current is positive (--discharge positive)' ]
	[ ! -e out.csv ]
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --column current_a=i --battery-id A1 --discharge positive dis.csv
	assert_success
	[ "${#lines[@]}" -eq 13 ]
	[ "${lines[1]}" = "2024-01-01T00:00:00Z,A1,12.800,-5.000,," ]
	[ "${lines[12]}" = "2024-01-01T00:11:00Z,A1,12.470,-5.000,," ]
	# too few moves to judge: not refused
	discharge 5 > short.csv
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --column current_a=i --battery-id A1 short.csv
	assert_success
}

@test "a long file with the wrong sign is refused early, not at its end" {
	discharge 60 > long.csv
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --column current_a=i --battery-id A1 long.csv
	[ "$status" -eq 1 ]
	[[ "$stderr" == 'brul-import: long.csv:52:3: current_a: in 50 of 50 steps'* ]]
}

@test "time going backwards: the line and both times" {
	printf 't,v\n2024-01-01 00:01:00,12.5\n2024-01-01 00:00:59,12.5\n' > back.csv
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --battery-id A1 back.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: back.csv:3: time goes backwards: 2024-01-01T00:00:59Z after 2024-01-01T00:01:00Z' ]
}

@test "a time or a number that cannot be read: the line and the column" {
	printf 't,v\n2024-13-01 00:00:00,12.5\n' > month.csv
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --battery-id A1 month.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: month.csv:2:1: ts: "2024-13-01 00:00:00" in column "t" is not a time (or not one in the zone)' ]
	printf 't,v\n2024-01-01 00:00:00,12,5\n2024-01-01 00:01:00,twelve\n' > num.csv
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --battery-id A1 num.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: num.csv:3:2: voltage_v: "twelve" in column "v" is not a number' ]
}

@test "a bench's export: preamble keys, elapsed h:mm:ss in spreadsheet quotes, a trailer" {
	printf '%s\r\n' 'Test Name:,"BENCH-7",' 'Test Date:,"2024/03/04 01:15:00 PM",' '' \
	    '"Total Time, (h:m:s)","Current, A","Voltage, V",' '' \
	    'No,="0:00:01.0",0.00,12.800,' 'No,="0:00:02.9",-0.90,12.700,' \
	    'No,="1:00:00.0",-0.90,12.400,' '' 'Notes:,"done",' > bench.csv
	sed -i 's/^No,//' bench.csv
	run --separate-stderr brul-import --preset digatron --tz Africa/Johannesburg bench.csv
	assert_success
	[ "$output" = "ts,battery_id,voltage_v,current_a,temperature_c,resistance_mohm
2024-03-04T11:15:01Z,BENCH-7,12.800,0.000,,
2024-03-04T11:15:02Z,BENCH-7,12.700,-0.900,,
2024-03-04T12:15:00Z,BENCH-7,12.400,-0.900,," ]
	# --start overrides the preamble's; --battery-id its name
	run --separate-stderr brul-import --preset digatron --start 2024-03-04T00:00:00Z \
	    --battery-id X1 bench.csv
	assert_success
	[ "${lines[1]}" = "2024-03-04T00:00:01Z,X1,12.800,0.000,," ]
}

@test "rows without times: --start and --interval; without a start, refused" {
	printf 'Current,Voltage\n5,12.5\n5,12.4\n' > tetra.csv
	run --separate-stderr brul-import --preset tetra --start 2024-01-01T00:00:00Z tetra.csv
	assert_success
	[ "$output" = "ts,battery_id,voltage_v,current_a,temperature_c,resistance_mohm
2024-01-01T00:00:00Z,tetra,12.500,-5.000,,
2024-01-01T00:01:00Z,tetra,12.400,-5.000,," ]
	run --separate-stderr brul-import --preset tetra tetra.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: tetra.csv: rows without times need a start: give --start TIME' ]
	run --separate-stderr brul-import --column voltage_v=Voltage tetra.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: no time: map ts or elapsed (--column) or give --interval' ]
}

@test "standard input needs --battery-id" {
	printf 'Current,Voltage\n5,12.5\n' > tetra.csv
	run --separate-stderr brul-import --preset tetra --start 2024-01-01T00:00:00Z < tetra.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: <stdin>: no battery id in the file: give --battery-id' ]
}

@test "--skip-lines, --where, --missing and --drop-bad" {
	printf 'junk,Voltage\nt,v,mode\n2024-01-01 00:00:00,12.5,A\n2024-01-01 00:01:00,-999,A\n2024-01-01 00:02:00,12.4,B\n2024-01-01 00:03:00,1.5,A\n' > w.csv
	run --separate-stderr brul-import --skip-lines 1 --column ts=t --column voltage_v=v \
	    --where mode=A --missing -999 --drop-bad --battery-id W1 w.csv
	assert_success
	[ "$output" = "ts,battery_id,voltage_v,current_a,temperature_c,resistance_mohm
2024-01-01T00:00:00Z,W1,12.500,,," ]
	[ "$stderr" = 'brul-import: w.csv: 1 rows left out (--drop-bad), the first at line 6' ]
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --where nomode=A --battery-id W1 w.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = 'brul-import: w.csv:2: no column for --where ("nomode"); this line has "t", "v", "mode"' ]
}

@test "a voltage held across a load step: written empty, the current kept" {
	# 25 A, then 1.6 A for three minutes with the voltage of 25 A, then
	# a reading again; 12.30 V repeated under a steady load is a reading
	printf 't,v,i\n0,12.30,-25.0\n60,12.30,-25.1\n120,11.47,-24.7\n180,11.47,-1.6\n240,11.47,-1.6\n300,11.47,-1.6\n360,11.80,-1.6\n420,11.80,-1.6\n' > held.csv
	map=(--column elapsed=t --column voltage_v=v --column current_a=i
	    --start 2024-01-01T00:00:00Z --battery-id H1)
	run --separate-stderr brul-import "${map[@]}" --capacity 85 held.csv
	assert_success
	[ "$output" = "ts,battery_id,voltage_v,current_a,temperature_c,resistance_mohm
2024-01-01T00:00:00Z,H1,12.300,-25.000,,
2024-01-01T00:01:00Z,H1,12.300,-25.100,,
2024-01-01T00:02:00Z,H1,11.470,-24.700,,
2024-01-01T00:03:00Z,H1,,-1.600,,
2024-01-01T00:04:00Z,H1,,-1.600,,
2024-01-01T00:05:00Z,H1,,-1.600,,
2024-01-01T00:06:00Z,H1,11.800,-1.600,,
2024-01-01T00:07:00Z,H1,11.800,-1.600,," ]
	[ "$stderr" = "brul-import: held.csv: 3 rows repeat a voltage the current stepped away from (a logger's held reading), the first at line 5: voltage written empty" ]
	# --keep-held writes them as read, and says so
	run --separate-stderr brul-import "${map[@]}" --keep-held held.csv
	assert_success
	[ "$(cut -d, -f3 <<< "$output" | tr '\n' ' ')" = "voltage_v 12.300 12.300 11.470 11.470 11.470 11.470 11.800 11.800 " ]
	[[ "$stderr" == *"3 rows repeat"*"the first at line 5: kept (--keep-held)" ]]
	# A step under a twentieth of the capacity (or 5 A without one) may
	# leave the last digit where it was; a charger holding its voltage
	# while the current tapers is regulating: both kept, nothing said.
	printf 't,v,i\n0,12.30,-5.0\n60,12.30,-1.0\n120,14.40,2.0\n180,14.40,0.9\n' > steady.csv
	run --separate-stderr brul-import "${map[@]}" --capacity 100 steady.csv
	assert_success
	[ "$(cut -d, -f3 <<< "$output" | tr '\n' ' ')" = "voltage_v 12.300 12.300 14.400 14.400 " ]
	[ -z "$stderr" ]
	run --separate-stderr brul-import "${map[@]}" steady.csv
	[ -z "$stderr" ]
	run --separate-stderr brul-import "${map[@]}" --capacity 9 steady.csv
	[ "$(cut -d, -f3 <<< "$output" | tr '\n' ' ')" = "voltage_v 12.300  14.400 14.400 " ]
}

@test "rows of one second written out of order: handed out by their fractions" {
	# A monitor logs the load switching on: the rows of that second are
	# written .1, .2, then .0, the last the reading before the step, and
	# the first two pair the load's current with that voltage.
	printf 't,v,i\n2017-03-26 06:49:26.000,13.204,0.007\n2017-03-26 07:05:21.100,13.050,2.537\n2017-03-26 07:05:21.200,13.050,2.539\n2017-03-26 07:05:21.000,13.050,0.007\n2017-03-26 07:06:21.200,12.705,2.552\n' > event.csv
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --column current_a=i --discharge positive --capacity 17 \
	    --battery-id E1 event.csv
	assert_success
	[ "$output" = "ts,battery_id,voltage_v,current_a,temperature_c,resistance_mohm
2017-03-26T06:49:26Z,E1,13.204,-0.007,,
2017-03-26T07:05:21Z,E1,13.050,-0.007,,
2017-03-26T07:05:21Z,E1,,-2.537,,
2017-03-26T07:05:21Z,E1,,-2.539,,
2017-03-26T07:06:21Z,E1,12.705,-2.552,," ]
	[ "$stderr" = "brul-import: event.csv: 2 rows repeat a voltage the current stepped away from (a logger's held reading), the first at line 3: voltage written empty" ]
	# a second earlier than the one before is still refused
	printf 't,v\n2024-01-01 00:00:01.5,12.5\n2024-01-01 00:00:00.9,12.5\n' > back.csv
	run --separate-stderr brul-import --column ts=t --column voltage_v=v \
	    --battery-id E1 back.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = "brul-import: back.csv:3: time goes backwards: 2024-01-01T00:00:00Z after 2024-01-01T00:00:01Z" ]
}

@test "a write error is an error" {
	run --separate-stderr brul-import "${MAP[@]}" "${UNITS[@]}" \
	    --discharge positive -o /dev/full export.csv
	[ "$status" -eq 1 ]
	[[ "$stderr" == "brul-import: /dev/full: "* ]]
}

@test "memory does not grow with rows" {
	command -v /usr/bin/time >/dev/null || skip "no /usr/bin/time to measure memory"
	rss() {
		awk -v n="$1" 'BEGIN { print "t,v"; for (k = 0; k < n; k++)
		    printf "%d,12.5\n", k }' > big.csv
		/usr/bin/time -f %M brul-import --column elapsed=t \
		    --column voltage_v=v --start 2024-01-01T00:00:00Z \
		    --battery-id A1 big.csv 2>&1 >/dev/null | tail -1
	}
	small=$(rss 10000)
	large=$(rss 1000000)
	echo "max RSS: $small KiB for 10,000 rows, $large KiB for 1,000,000"
	[ "$large" -lt $((small + 2048)) ]
}

@test "real: Digatron varied discharges (UCT batch A), every file, rows and values" {
	need_data real-vrla-agm/uct-soc-batch-a/varied-discharge
	d=$DATA/real-vrla-agm/uct-soc-batch-a/varied-discharge
	for f in "$d"/*.csv; do
		brul-import -q --preset digatron --tz Africa/Johannesburg "$f" > out.csv
		# a row per line of the table: those that begin with "No,"
		[ $(($(wc -l < out.csv) - 1)) -eq "$(grep -c '^No,' "$f")" ] ||
		    { echo "$f: rows differ"; false; }
	done
	brul-import --preset digatron --tz Africa/Johannesburg "$d/UCT-AST9AH-A05.csv" > a05.csv
	# line 16: 0:00:01 after the Test Date, 10:49:14 AM in Cape Town (UTC+2)
	[ "$(sed -n 2p a05.csv)" = "2024-03-04T08:49:15Z,UCT-AST9AH-A05,12.561,0.000,," ]
	brul-import --preset digatron --tz Africa/Johannesburg "$d/UCT-AST9AH-A05-X.csv" > a05x.csv
	# line 3581, the first DCHG row: 0:59:25.8 after 12:35:50 PM, -0.90 A
	[ "$(sed -n 3567p a05x.csv)" = "2024-03-04T11:35:15Z,UCT-AST9AH-A05-X,13.312,-0.900,," ]
	# the discharge is negative as in the source, and the wrong sign is refused
	run --separate-stderr brul-import --preset digatron --discharge positive \
	    --tz Africa/Johannesburg "$d/UCT-AST9AH-A05-X.csv"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"the export's discharge current is negative (--discharge negative)" ]]
}

@test "real: Digatron capacity tests (UCT SOH), every file, rows and values" {
	need_data real-vrla-agm/uct-capacity
	d=$DATA/real-vrla-agm/uct-capacity
	for f in "$d"/*.csv; do
		brul-import -q --preset digatron --tz Africa/Johannesburg "$f" > out.csv
		# the export's own count: "Total Number of Data Lines ... 0000001795"
		n=$(sed -n 's/^Total Number of Data Lines in the Database: *0*//p' "$f")
		[ $(($(wc -l < out.csv) - 1)) -eq "$n" ] || { echo "$f: not $n rows"; false; }
	done
	brul-import --preset digatron --tz Africa/Johannesburg "$d/UCT003-DOD-C01-S00-2.csv" > c01.csv
	# line 19: 30 s after 2025/02/13 11:12:12 AM in Cape Town, -1.56 A
	[ "$(sed -n 2p c01.csv)" = "2025-02-13T09:12:42Z,UCT003-DOD-C01-S00-2,12.845,-1.560,," ]
	[ "$(tail -1 c01.csv)" = "2025-02-14T05:59:28Z,UCT003-DOD-C01-S00-2,13.327,0.000,," ]
}

@test "real: Digatron impedance spectra (UCT batch A EIS), every file" {
	need_data real-vrla-agm/uct-soc-batch-a/eis
	d=$DATA/real-vrla-agm/uct-soc-batch-a/eis
	n=0 bad=
	for f in "$d"/*/*.csv; do
		n=$((n + 1))
		brul-import -q --drop-bad --preset digatron-eis \
		    --tz Africa/Johannesburg "$f" > /dev/null 2>&1 || bad="$bad ${f#$d/}"
	done
	echo "$n files; refused:$bad"
	# a capacity test filed among the spectra: no spectrum's columns
	[ "$bad" = " All/6903_TS006713.csv" ]
	f=$d/RT1/6815_TS006625_EIS00001.csv
	brul-import --preset digatron-eis --tz Africa/Johannesburg "$f" > rt.csv
	# a row per EIS line of the sweep, 3 kHz down to 5 Hz
	[ $(($(wc -l < rt.csv) - 1)) -eq "$(grep -c '^3,EIS,' "$f")" ]
	[ "$(head -2 rt.csv)" = "ts,battery_id,voltage_v,current_a,temperature_c,resistance_mohm,reactance_mohm,frequency_hz
2024-03-05T06:49:25Z,UCT_AST_9AH_A10_-RT,11.861,,,22.706,4.277,3000.00" ]
	[ "$(tail -1 rt.csv)" = "2024-03-05T06:56:42Z,UCT_AST_9AH_A10_-RT,11.857,,,40.472,-6.328,5.00" ]
}

@test "real: BBOXX field telemetry, every file, gaps and partial rows" {
	need_data real-field-bboxx
	d=$DATA/real-field-bboxx
	for f in "$d"/*.csv; do
		brul-import -q --preset bboxx "$f" > out.csv
		[ "$(wc -l < out.csv)" -eq "$(wc -l < "$f")" ] || { echo "$f"; false; }
	done
	brul-import --preset bboxx "$d/telemetry_861508033133471_2017-03-25_2017-03-25.csv" > b.csv
	# lines 2-3: voltage and current, then temperature alone; positive
	# current discharges there (the voltage falls under 3 A by day)
	[ "$(sed -n 2,3p b.csv)" = "2017-03-25T07:00:06Z,861508033133471,13.173,-0.009,,
2017-03-25T07:03:24Z,861508033133471,,,24.5," ]
	# every current above 3 A in the source is a discharge below -3 A here
	[ "$(awk -F, 'NR > 1 && $3 != "" && $3 + 0 > 3' "$d/telemetry_861508033133471_2017-03-25_2017-03-25.csv" | wc -l)" -eq 393 ]
	[ "$(awk -F, 'NR > 1 && $4 != "" && $4 + 0 < -3' b.csv | wc -l)" -eq 393 ]
	run --separate-stderr brul-import --preset bboxx --discharge negative \
	    "$d/telemetry_861508033133471_2017-03-25_2017-03-25.csv"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"the export's discharge current is positive (--discharge positive)" ]]
}

@test "real: TETRA bench logs, every file, a row a minute, discharge positive" {
	need_data real-lead-acid
	d=$DATA/real-lead-acid
	for f in "$d"/test*.csv; do
		run --separate-stderr brul-import --drop-bad --preset tetra \
		    --start 2024-01-01T00:00:00Z "$f"
		assert_success
		b=${f##*/}
		held="rows repeat a voltage the current stepped away from (a logger's held reading)"
		if [ "$b" = test2.csv ]; then
			# 16 rows of 1.5 V, the logger's glitch
			[ "$stderr" = "brul-import: $f: 16 rows left out (--drop-bad), the first at line 7
brul-import: $f: 5 $held, the first at line 203: voltage written empty" ]
			[ "${#lines[@]}" -eq 519 ]
		elif [ "$b" = test1.csv ] || [ "$b" = test3.csv ]; then
			# the bench holds the voltage of a heavy load for up
			# to an hour after the load drops to 1.6 A
			case $b in
			test1.csv) [ "$stderr" = "brul-import: $f: 31 $held, the first at line 225: voltage written empty" ] ;;
			test3.csv) [ "$stderr" = "brul-import: $f: 152 $held, the first at line 63: voltage written empty" ] ;;
			esac
			[ "${#lines[@]}" -eq "$(wc -l < "$f")" ]
		else
			[ -z "$stderr" ]
			[ "${#lines[@]}" -eq "$(wc -l < "$f")" ] || { echo "$f"; false; }
		fi
	done
	brul-import -q --preset tetra --start 2024-01-01T00:00:00Z "$d/test1.csv" > t1.csv
	# lines 2, 3 and the last of test1.csv: 5.0 A out at 12.5 and 12.43 V;
	# at the end 1.47 A with the 9.5 V of the load before, held
	[ "$(sed -n 2,3p t1.csv)" = "2024-01-01T00:00:00Z,test1,12.500,-5.000,,
2024-01-01T00:01:00Z,test1,12.430,-5.000,," ]
	[ "$(tail -1 t1.csv)" = "2024-01-01T05:41:00Z,test1,,-1.470,," ]
	run --separate-stderr brul-import --preset tetra --discharge negative \
	    --start 2024-01-01T00:00:00Z "$d/test7.csv"
	[ "$status" -eq 1 ]
	[[ "$stderr" == *"the export's discharge current is positive (--discharge positive)" ]]
}
