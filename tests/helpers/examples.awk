# examples.awk: the examples of a document as a bash script that runs
# them in order, so that the docs cannot promise what the tools do not do.
#
#   awk -f examples.awk README.md > run.sh      # or a manual page
#
# README.md: every code block (lines indented by four spaces) is a script,
# run as written.  A manual page: every .Bd -literal block and .Dl line of
# its EXAMPLES section.
# In a block whose lines start with "$ ", those are commands (a line that
# follows one and starts with a space, or one ending in \e, continues it,
# until its output begins) and the other lines are what the command
# before them prints: each must
# be a line of its output, in order.  A block without "$ " is a script.
#
# A directive before a block says otherwise, on the line or lines before
# it: "<!-- example: WORDS -->" in Markdown, '.\" example: WORDS' in roff:
#   output          the block is output shown, not run
#   file NAME       the block is the text of file NAME, written for later
#   crontab         the block is a crontab(5) line: its fields are checked
#   timeout N       a command that runs until stopped: stop it after N s
#   unchecked       what a command prints is shown, not compared (it varies)
#   fails           the block's first command is refused: it must exit
#                   non-zero, and what it shows is its standard error
#   folded          an output line that starts with a space continues the
#                   line before it (a long message, folded for the page)
#   skip REASON     not run, and why (the test lists every one)
#
# The script calls ex_run, ex_out, ex_file, ex_cron and ex_skip, which
# tests/docs.bats defines.
BEGIN {
	n = 0
	dir = ""
}

FNR == 1 {
	man = FILENAME ~ /\.[157]$/
}

function flush_block(    i, line, k, dollar) {
	cmd = ""
	no = 0
	if (nb == 0)
		return
	n++
	where = FILENAME ":" bstart
	if (dir ~ /^skip/) {
		sub(/^skip */, "", dir)
		printf "ex_skip %s %s\n", q(where), q(dir)
	} else if (dir ~ /^output/) {
		printf "ex_skip %s %s\n", q(where), q("output shown")
	} else if (dir ~ /^file /) {
		split(dir, w, " ")
		printf "ex_file %s %s <<'EX_%d'\n", q(where), q(w[2]), n
		for (i = 1; i <= nb; i++)
			print b[i]
		printf "EX_%d\n", n
	} else if (dir ~ /^crontab/) {
		printf "ex_cron %s <<'EX_%d'\n", q(where), n
		for (i = 1; i <= nb; i++)
			print b[i]
		printf "EX_%d\n", n
	} else {
		dollar = 0
		for (i = 1; i <= nb; i++)
			if (b[i] ~ /^\$ /)
				dollar = 1
		timeout = ""
		if (dir ~ /timeout [0-9]+/) {
			timeout = dir
			sub(/.*timeout /, "", timeout)
			sub(/[^0-9].*/, "", timeout)
		}
		check = dir ~ /unchecked/ ? 0 : 1
		fails = dir ~ /fails/
		folded = dir ~ /folded/
		if (!dollar) {
			printf "ex_run %s %s <<'EX_%d'\n", q(where), q(timeout), n
			for (i = 1; i <= nb; i++)
				print b[i]
			printf "EX_%d\n", n
		} else {
			k = 0
			for (i = 1; i <= nb; i++) {
				line = b[i]
				if (line ~ /^\$ /) {
					emit_cmd()
					cmd = substr(line, 3)
					k = 1
					cont = line ~ /\\$/
				} else if (k && no == 0 && (line ~ /^ / || cont)) {
					cmd = cmd "\n" line
					cont = line ~ /\\$/
				} else if (k) {
					outs[++no] = line
				} else
					printf "ex_bad %s %s\n", q(where),
					    q("output before any command")
			}
			emit_cmd()
		}
	}
	nb = 0
	dir = ""
}

function emit_cmd(    i, m) {
	if (cmd == "")
		return
	printf "ex_run %s %s %s <<'EX_%d_%d'\n", q(where), q(timeout),
	    q(fails ? "fails" : ""), n, ++nc
	print cmd
	printf "EX_%d_%d\n", n, nc
	fails = 0
	if (folded) {
		m = 0
		for (i = 1; i <= no; i++)
			if (m && outs[i] ~ /^ /) {
				sub(/^ +/, "", outs[i])
				outs[m] = outs[m] " " outs[i]
			} else
				outs[++m] = outs[i]
		no = m
	}
	if (no && check) {
		printf "ex_out %s <<'EX_%d_%do'\n", q(where), n, nc
		for (i = 1; i <= no; i++)
			print outs[i]
		printf "EX_%d_%do\n", n, nc
	}
	cmd = ""
	no = 0
}

# A word for the shell: in single quotes.
function q(s) {
	gsub(/'/, "'\\''", s)
	return "'" s "'"
}

# roff's escapes as text.
function unroff(s) {
	gsub(/\\e/, "\\", s)
	gsub(/\\-/, "-", s)
	gsub(/\\&/, "", s)
	gsub(/\\\(aq/, "'", s)
	gsub(/\\\(dq/, "\"", s)
	gsub(/\\\(de/, "°", s)
	gsub(/\\ /, " ", s)
	return s
}

man && /^\.Sh / { inex = $0 ~ /^\.Sh EXAMPLES/; next }
man && !inex { next }
man && /^\.\\" example: / {
	dir = $0
	sub(/^\.\\" example: /, "", dir)
	next
}
man && /^\.Bd -literal/ { inb = 1; nb = 0; bstart = FNR + 1; next }
man && inb && /^\.Ed/ { inb = 0; flush_block(); next }
man && inb { b[++nb] = unroff($0); next }
man && /^\.Dl / {
	bstart = FNR
	nb = 1
	b[1] = unroff(substr($0, 5))
	flush_block()
	next
}
man { next }

# Markdown
/^<!-- example: .* -->$/ {
	dir = $0
	sub(/^<!-- example: /, "", dir)
	sub(/ -->$/, "", dir)
	next
}
/^    / && (prev_blank || inb) {
	if (!inb) {
		inb = 1
		nb = 0
		bstart = FNR
	}
	b[++nb] = substr($0, 5)
	prev_blank = 0
	next
}
/^[ \t]*$/ {
	if (inb)
		b[++nb] = ""
	prev_blank = 1
	next
}
{
	if (inb) {
		while (nb > 0 && b[nb] == "")
			nb--
		inb = 0
		flush_block()
	}
	prev_blank = 0
}
END {
	if (inb) {
		while (nb > 0 && b[nb] == "")
			nb--
		flush_block()
	}
}
