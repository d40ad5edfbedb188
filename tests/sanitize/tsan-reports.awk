# tsan-reports.awk - sort ThreadSanitizer reports (log_path files) into
# ours and libmilter's own, by module alone, so the verdict is the same
# whether or not a symbolizer named the frames.
#
# libmilter is not instrumented; TSan sees it only through the interceptors
# it calls (mutexes, close, pthread_create), and at shutdown it destroys
# mutexes its own threads still use. TSan's suppression file cannot say
# "only libmilter": a module pattern (race:libmilter.so) matches any frame,
# and every stack of our callbacks has a libmilter frame (its caller) and a
# thread created by libmilter, so it hid a race in a callback too;
# called_from_lib:libmilter.so drops libmilter's mutexes, whose ordering
# hands a connection from one pool worker to the next, and so reported
# hundreds of false races in our code. Hence this rule: a report is
# libmilter's own when it names libmilter and every module it names
# (stacks, locations, mutex and thread creation) is libmilter, the TSan
# runtime, libc or the dynamic loader. Anything of ours in it counts.
# (It needs the TSan runtime as a shared library, as gcc links it: with a
# static runtime the interceptor frames would name our binary.)
#
#   awk -f tsan-reports.awk [-v show=ours|libmilter] FILE...
# prints "ours=N libmilter=M", or with show= the full text of that kind.
function flush() {
	if (!inrep)
		return
	kind = (names_lib && !names_other) ? "libmilter" : "ours"
	count[kind]++
	if (show == kind)
		printf "%s", text
	inrep = 0
}
/^WARNING: ThreadSanitizer:/ {
	flush()
	inrep = 1
	text = ""
	names_lib = 0
	names_other = 0
}
inrep {
	text = text $0 "\n"
	line = $0
	while (match(line, /\([^ ()]+\+0x[0-9a-f]+\)/)) {
		mod = substr(line, RSTART + 1, RLENGTH - 2)
		sub(/\+0x[0-9a-f]+$/, "", mod)
		sub(/.*\//, "", mod)
		if (mod ~ /^libmilter\.so/)
			names_lib = 1
		else if (mod !~ /^(libtsan\.so|libc\.so|ld-linux[^ ]*\.so|libpthread\.so)/)
			names_other = 1
		line = substr(line, RSTART + RLENGTH)
	}
}
/^SUMMARY: ThreadSanitizer:/ { flush() }
END {
	flush()
	if (show == "")
		printf "ours=%d libmilter=%d\n", count["ours"] + 0, count["libmilter"] + 0
}
