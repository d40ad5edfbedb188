# accounts2ldif.awk - turn an accounts file (fixture) into LDIF below
# ou=NAME,SUFFIX, so the same fixture runs against the file backend and
# slapd:  awk -v name=NAME -v suffix=SUFFIX -f accounts2ldif.awk F F
# (the file is read twice: first the logins, then the entries).
#   line L            -> dn: cn=lL,ou=NAME,SUFFIX (inetOrgPerson)
#   logins a,b        -> uid: a / uid: b
#   addresses x,y     -> mail: x / mail: y (a catch-all stays "@domain")
#   type=contact      -> no inetLocalMailRecipient class, which the runner's
#                        mailbox_filter asks for; a mailbox has it
#   home=H            -> mailHost: H (mailboxes only)
#   delegates=a,b     -> publicDelegates (adUser class): the DN of every mailbox with
#                        login a or b (as dir_file.c resolves them)

# The fields of a line before any "#" comment, in f[1..n]; n.
function fields(line, f,    n, i, all, k) {
	k = split(line, all, /[ \t\r]+/)
	n = 0
	for (i = 1; i <= k; i++) {
		if (all[i] == "")
			continue
		if (substr(all[i], 1, 1) == "#")
			break
		f[++n] = all[i]
	}
	return n
}

# Is the entry of these fields a contact?
function is_contact(f, n,    i) {
	for (i = 3; i <= n; i++)
		if (f[i] == "type=contact")
			return 1
	return 0
}

BEGIN {
	print "dn: ou=" name "," suffix
	print "objectClass: organizationalUnit"
	print "ou: " name
	print ""
}

# First pass: which lines are mailboxes with which logins.
FNR == NR {
	n = fields($0, f)
	if (n < 2 || is_contact(f, n))
		next
	k = split(tolower(f[1]), l, ",")
	for (i = 1; i <= k; i++)
		boxes[l[i]] = boxes[l[i]] " " FNR
	next
}

# Second pass: one entry per line.
{
	n = fields($0, f)
	if (n < 2)
		next
	dn = "cn=l" FNR ",ou=" name "," suffix
	print "dn: " dn
	print "objectClass: inetOrgPerson"
	print "objectClass: adUser"
	if (!is_contact(f, n))
		print "objectClass: inetLocalMailRecipient"
	print "cn: l" FNR
	print "sn: l" FNR
	k = split(f[1], l, ",")
	for (i = 1; i <= k; i++)
		print "uid: " l[i]
	k = split(f[2], a, ",")
	for (i = 1; i <= k; i++)
		print "mail: " a[i]
	for (i = 3; i <= n; i++) {
		if (f[i] ~ /^home=/)
			print "mailHost: " substr(f[i], 6)
		if (f[i] ~ /^delegates=/) {
			k = split(tolower(substr(f[i], 11)), d, ",")
			for (j = 1; j <= k; j++) {
				m = split(boxes[d[j]], ls, " ")
				for (x = 1; x <= m; x++)
					print "publicDelegates: cn=l" ls[x] ",ou=" name "," suffix
			}
		}
	}
	print ""
}
