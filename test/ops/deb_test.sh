#!/usr/bin/env bash
# ops.deb: build the Debian packages with CPack and check them with dpkg-deb: the files, the
# Depends line, the conffiles, the maintainer scripts, and that ampd-dev holds the SDK.
#
# usage: deb_test.sh BUILD_DIR SOURCE_DIR INSTALL_PREFIX VERSION DEB_BUILD_DIR GENERATOR CXX
# A .deb needs a tree configured with CMAKE_INSTALL_PREFIX=/usr (the binary has its paths built
# in). BUILD_DIR is used when it is one; otherwise DEB_BUILD_DIR is configured (prefix /usr,
# tests off) and built with -j2, and kept for the next run.
# Exit 0 passed, 1 failed, 77 skipped (a tool is missing).
set -u

build=$1 src=$2 prefix=$3 version=$4 debbuild=$5 generator=$6 cxx=$7

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
step() { echo "== $*"; }

for tool in dpkg-deb dpkg-shlibdeps dpkg cpack cmake timeout gzip; do
	command -v "$tool" >/dev/null || skip "$tool is missing (Debian: dpkg-dev, cmake, coreutils, gzip)"
done
arch=$(dpkg --print-architecture) || fail "dpkg --print-architecture"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ampd-deb.XXXXXX") || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT

if [ "$prefix" = /usr ]; then
	tree=$build
else
	step "this tree's prefix is $prefix: building a /usr tree in $debbuild (-j2)"
	tree=$debbuild
	timeout 600 cmake -S "$src" -B "$tree" -G "$generator" -DCMAKE_CXX_COMPILER="$cxx" \
		-DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAMPD_BUILD_TESTS=OFF \
		>"$tmp/configure.log" 2>&1 || { tail -n 40 "$tmp/configure.log"; fail "configure $tree"; }
	timeout 1200 cmake --build "$tree" -j2 >"$tmp/build.log" 2>&1 ||
		{ tail -n 40 "$tmp/build.log"; fail "build $tree"; }
fi

step "cpack -G DEB in $tree"
(cd "$tree" && timeout 900 cpack -G DEB -B "$tmp/pkg") >"$tmp/cpack.log" 2>&1 ||
	{ cat "$tmp/cpack.log"; fail "cpack -G DEB"; }
deb=$tmp/pkg/ampd_${version}_${arch}.deb
dev=$tmp/pkg/ampd-dev_${version}_${arch}.deb
[ -f "$deb" ] || { ls -l "$tmp/pkg"; fail "no ampd_${version}_${arch}.deb"; }
[ -f "$dev" ] || { ls -l "$tmp/pkg"; fail "no ampd-dev_${version}_${arch}.deb"; }

field() { dpkg-deb -f "$1" "$2"; }
# The file list as paths without the leading "." ("./etc/x" -> "/etc/x"), with modes.
dpkg-deb --contents "$deb" | awk '{print $1, substr($6, 2)}' >"$tmp/ampd.files" ||
	fail "dpkg-deb --contents $deb"
dpkg-deb --contents "$dev" | awk '{print $1, substr($6, 2)}' >"$tmp/dev.files" ||
	fail "dpkg-deb --contents $dev"
has() { grep -Eq " $2\$" "$1"; }

# --- ampd --------------------------------------------------------------------------------------
step "ampd: control fields"
dpkg-deb --info "$deb" >"$tmp/ampd.info" || fail "dpkg-deb --info $deb"
cat "$tmp/ampd.info"
[ "$(field "$deb" Package)" = ampd ] || fail "Package is not ampd"
[ "$(field "$deb" Version)" = "$version" ] || fail "Version is not $version"
[ "$(field "$deb" Architecture)" = "$arch" ] || fail "Architecture is not $arch"
[ -n "$(field "$deb" Maintainer)" ] || fail "no Maintainer"
depends=$(field "$deb" Depends)
for dep in 'libevent-core-[0-9.]+-[0-9]+' 'libpocofoundation[0-9]+' 'libpocoutil[0-9]+' \
	'libtinyxml2-[0-9]+' 'libstdc\+\+6' 'adduser'; do
	grep -Eq "(^|, )$dep( |,|\$)" <<<"$depends" || fail "Depends lacks $dep: $depends"
done

step "ampd: files"
libdir=$(grep -Eo ' /usr/lib/[^ ]*/ampd/plugins/$' "$tmp/ampd.files" | head -n 1)
[ -n "$libdir" ] || fail "no /usr/lib/.../ampd/plugins/ directory"
for f in /usr/sbin/ampd /etc/ampd/ampd.ini /etc/ampd/users.ini /etc/default/ampd \
	/etc/init.d/ampd /etc/logrotate.d/ampd /lib/systemd/system/ampd.service \
	/usr/share/man/man8/ampd.8.gz /usr/share/doc/ampd/README.md \
	/usr/share/ampd/www/index.html /usr/share/ampd/www/wallboard.js \
	/usr/share/ampd/www/wallboard.css; do
	has "$tmp/ampd.files" "$f" || fail "ampd lacks $f"
done
grep -Eq "^-rw.r--r-- ${libdir# }[a-z_]+\.so\$" "$tmp/ampd.files" || fail "no plugin in${libdir}"
grep -Eq '^-rwxr-xr-x /usr/sbin/ampd$' "$tmp/ampd.files" || fail "/usr/sbin/ampd is not 0755"
grep -Eq '^-rwxr-xr-x /etc/init.d/ampd$' "$tmp/ampd.files" || fail "/etc/init.d/ampd is not 0755"
if grep -Eq ' /usr/(include|lib/[^/]+/cmake)/' "$tmp/ampd.files"; then
	fail "ampd holds SDK files (they belong in ampd-dev)"
fi
if grep -Eq ' /usr/(local|etc)/' "$tmp/ampd.files"; then
	fail "ampd holds files under /usr/local or /usr/etc"
fi
# The developer tools (tools/asterisk-sim, tools/bench) install to bin; they are no part of the
# daemon's package. Installed with a COMPONENT of their own, etc/packaging.cmake leaves them out.
extra=$(awk '$2 ~ "^/usr/bin/[^/]+$" {printf " %s", $2}' "$tmp/ampd.files")
[ -z "$extra" ] || fail "ampd holds developer tools:$extra; give their install() a COMPONENT" \
	"of their own (e.g. COMPONENT tools in tools/*/CMakeLists.txt)"

step "ampd: conffiles and maintainer scripts"
dpkg-deb -e "$deb" "$tmp/control" || fail "dpkg-deb -e $deb"
printf '%s\n' /etc/ampd/ampd.ini /etc/ampd/users.ini /etc/default/ampd /etc/init.d/ampd \
	/etc/logrotate.d/ampd | sort >"$tmp/want.conffiles"
sort "$tmp/control/conffiles" >"$tmp/got.conffiles" 2>/dev/null || fail "no conffiles"
diff -u "$tmp/want.conffiles" "$tmp/got.conffiles" || fail "conffiles differ (- wanted, + got)"
for s in postinst prerm postrm; do
	[ -x "$tmp/control/$s" ] || fail "no executable $s"
	sh -n "$tmp/control/$s" || fail "$s: shell syntax"
done
grep -q 'adduser --system' "$tmp/control/postinst" || fail "postinst does not create the ampd user"
grep -q '/var/log/ampd' "$tmp/control/postinst" || fail "postinst does not create /var/log/ampd"
grep -q '/run/ampd' "$tmp/control/postinst" || fail "postinst does not create /run/ampd"
grep -q 'deb-systemd-invoke stop' "$tmp/control/prerm" || fail "prerm does not stop the unit"
grep -q 'invoke-rc.d' "$tmp/control/prerm" || fail "prerm does not stop through invoke-rc.d"

step "ampd: the unpacked files"
dpkg-deb -x "$deb" "$tmp/x" || fail "dpkg-deb -x $deb"
# The binary's built-in paths are the package's.
out=$("$tmp/x/usr/sbin/ampd" --check-config 2>&1)
grep -q '/etc/ampd/ampd.ini' <<<"$out" || fail "ampd's default configuration is not /etc/ampd/ampd.ini: $out"
"$tmp/x/usr/sbin/ampd" --check-config --config-file="$tmp/x/etc/ampd/ampd.ini" ||
	fail "the packaged ampd.ini does not pass --check-config"
unit=$tmp/x/lib/systemd/system/ampd.service
grep -q '^ExecStart=/usr/sbin/ampd --config-file=/etc/ampd/ampd.ini$' "$unit" || fail "unit ExecStart"
grep -q '^ExecReload=/bin/kill -HUP \$MAINPID$' "$unit" || fail "unit ExecReload"
grep -q '^User=ampd$' "$unit" || fail "unit User"
grep -q 'DAEMON:=/usr/sbin/ampd}' "$tmp/x/etc/init.d/ampd" || fail "init script DAEMON"
gzip -t "$tmp/x/usr/share/man/man8/ampd.8.gz" || fail "man page is not gzip"
if command -v systemd-analyze >/dev/null; then
	# Point the unit at the unpacked binary; anything systemd-analyze prints is a problem.
	sed "s#/usr/sbin/ampd#$tmp/x/usr/sbin/ampd#g" "$unit" >"$tmp/ampd.service"
	out=$(timeout 30 systemd-analyze verify --man=no "$tmp/ampd.service" 2>&1 |
		grep -v 'sysinit.target\|Failed to create ampd.service/start')
	[ -z "$out" ] || fail "systemd-analyze verify: $out"
fi

# --- ampd-dev ----------------------------------------------------------------------------------
step "ampd-dev: control fields and files"
dpkg-deb --info "$dev" || fail "dpkg-deb --info $dev"
[ "$(field "$dev" Package)" = ampd-dev ] || fail "Package is not ampd-dev"
[ "$(field "$dev" Version)" = "$version" ] || fail "ampd-dev Version is not $version"
for f in /usr/include/ampd/ /usr/include/ampd/plugin_abi.h /usr/include/ampd/sdk.hpp; do
	has "$tmp/dev.files" "$f" || fail "ampd-dev lacks $f"
done
grep -Eq ' /usr/lib/[^/]+/cmake/ampdSDK/ampdSDKConfig\.cmake$' "$tmp/dev.files" ||
	fail "ampd-dev lacks lib/<arch>/cmake/ampdSDK/ampdSDKConfig.cmake"
grep -Eq ' /usr/lib/[^/]+/cmake/ampdSDK/ampdSDKConfigVersion\.cmake$' "$tmp/dev.files" ||
	fail "ampd-dev lacks ampdSDKConfigVersion.cmake"
if grep -Eq ' /(etc|usr/sbin|lib/systemd)/' "$tmp/dev.files"; then
	fail "ampd-dev holds files of the ampd package"
fi

echo "PASS"
