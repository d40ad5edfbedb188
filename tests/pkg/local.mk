# tests/pkg/local.mk - the Debian package (debian/) and its test. pkg.sh
# installs the package system-wide, so tests/run-all.sh runs it as its own
# step, not make check.
EXTRA_DIST += tests/pkg/pkg.sh debian/changelog debian/control \
	debian/copyright debian/rules debian/source/format \
	debian/origin-milter.install debian/origin-milter.docs \
	debian/origin-milter.postinst debian/origin-milter.postrm \
	debian/README.Debian
