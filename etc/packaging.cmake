# Debian packages with CPack, included from etc/CMakeLists.txt:
#
#   cmake -S . -B build/deb -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   cmake --build build/deb -j2 && (cd build/deb && cpack -G DEB)
#
# gives ampd_<version>_amd64.deb (the daemon, plugins, /etc files, unit, init script, man page)
# and ampd-dev_<version>_amd64.deb (the plugin SDK: include/ampd, lib/<arch>/cmake/ampdSDK).
#
# The install components and the package each goes to:
#   runtime      etc/CMakeLists.txt: samples, init script, defaults, unit, logrotate, man page -> ampd
#   Unspecified  install() without COMPONENT: core's sbin/ampd, README/LICENSE            -> ampd
#   plugins      ampd_add_plugin() (sdk/cmake/AmpdAddPlugin.cmake)                        -> ampd
#   sdk          sdk/CMakeLists.txt: headers, ampdSDK CMake package                       -> ampd-dev
# Any other component (a test tool, say) is in neither package.
#
# The binary has its paths built in (/etc/ampd/ampd.ini, the plugin directory), so a .deb is
# only right from a tree configured with CMAKE_INSTALL_PREFIX=/usr; cpack -G DEB refuses others.
if(NOT PROJECT_IS_TOP_LEVEL)
  return()
endif()

set(CPACK_PACKAGE_NAME ampd)
set(CPACK_PACKAGE_VENDOR "ampd")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_CONTACT "ampd maintainers <ampd@localhost>" CACHE STRING
    "Maintainer field of the Debian packages")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_GENERATOR DEB)
# Debian ships stripped binaries (debug information belongs in a -dbgsym package).
set(CPACK_STRIP_FILES ON)
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/")

# --- components -> packages ------------------------------------------------------------------
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_COMPONENTS_ALL runtime Unspecified plugins sdk)
set(CPACK_COMPONENT_RUNTIME_GROUP daemon)
set(CPACK_COMPONENT_UNSPECIFIED_GROUP daemon)
set(CPACK_COMPONENT_PLUGINS_GROUP daemon)
set(CPACK_COMPONENT_SDK_GROUP dev)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://localhost/ampd")
# Maintainer scripts 0755, control files 0644 (Debian policy), whatever their mode on disk.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_DAEMON_PACKAGE_NAME ampd)
set(CPACK_DEBIAN_DAEMON_PACKAGE_SECTION net)
set(CPACK_DEBIAN_DAEMON_DESCRIPTION
  "Asterisk Manager Proxy Daemon\n\
ampd sits between Asterisk's manager interface (AMI) and the wallboards, agent\n\
desktops, CRMs and scripts of a call centre. Clients log in as monitor, agent or\n\
administrator and talk Asterisk's native Key: Value format, XML or JSON; ampd\n\
passes the actions they may run on to Asterisk and fans its events out to them.")
# dpkg-shlibdeps works out the libraries (libevent, Poco, tinyxml2, libstdc++...); the
# maintainer scripts need adduser.
set(CPACK_DEBIAN_DAEMON_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_DAEMON_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_DAEMON_PACKAGE_SUGGESTS "logrotate, asterisk")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME ampd-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_DEV_DESCRIPTION
  "Asterisk Manager Proxy Daemon - plugin SDK\n\
Headers and the ampdSDK CMake package for building ampd command plugins out of\n\
tree: find_package(ampdSDK) and ampd_add_plugin(name sources...).")
# Header-only: building a plugin needs no ampd, loading it does.
set(CPACK_DEBIAN_DEV_PACKAGE_RECOMMENDS "ampd (>= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_DEV_PACKAGE_ARCHITECTURE amd64)  # lib/<arch>/cmake is architecture-specific

# --- conffiles and maintainer scripts of the ampd package ------------------------------------
# Absolute paths as installed; dpkg keeps an operator's changes to these across upgrades.
set(_ampd_etc ${CMAKE_INSTALL_FULL_SYSCONFDIR})
set(_ampd_deb ${CMAKE_CURRENT_BINARY_DIR}/debian)
file(CONFIGURE OUTPUT ${_ampd_deb}/conffiles NEWLINE_STYLE UNIX @ONLY CONTENT
"@_ampd_etc@/ampd/ampd.ini
@_ampd_etc@/ampd/users.ini
@_ampd_etc@/default/ampd
@_ampd_etc@/init.d/ampd
@_ampd_etc@/logrotate.d/ampd
")

# postinst: the system user and group, the permissions of /etc/ampd (ampd.ini holds the
# Asterisk manager secret; ProfileUpdate makes ampd rewrite users.ini, by renaming a new file
# into /etc/ampd), the run and log directories, then enable and (re)start the service the way
# debhelper's dh_installsystemd and dh_installinit do.
file(CONFIGURE OUTPUT ${_ampd_deb}/postinst NEWLINE_STYLE UNIX @ONLY CONTENT [=[#!/bin/sh
set -e

ETC=@_ampd_etc@/ampd

case "$1" in
configure)
	if ! getent group ampd >/dev/null; then
		addgroup --system --quiet ampd
	fi
	if ! getent passwd ampd >/dev/null; then
		adduser --system --quiet --ingroup ampd --no-create-home --home /nonexistent \
			--shell /usr/sbin/nologin --gecos "Asterisk Manager Proxy Daemon" ampd
	fi
	# Ownership and modes on the first installation only, so an operator's choice stays
	# (dpkg-statoverride entries are respected too).
	if [ -z "$2" ]; then
		for f in "$ETC" "$ETC/ampd.ini" "$ETC/users.ini"; do
			[ -e "$f" ] || continue
			dpkg-statoverride --list "$f" >/dev/null 2>&1 && continue
			case "$f" in
			"$ETC") chown root:ampd "$f"; chmod 0770 "$f" ;;
			*/users.ini) chown root:ampd "$f"; chmod 0660 "$f" ;;
			*) chown root:ampd "$f"; chmod 0640 "$f" ;;
			esac
		done
	fi
	if ! dpkg-statoverride --list /var/log/ampd >/dev/null 2>&1; then
		# The owner and mode systemd gives it too (LogsDirectory=, LogsDirectoryMode=).
		install -d -o ampd -g ampd -m 0750 /var/log/ampd
	fi
	if [ -z "${DPKG_ROOT:-}" ]; then
		install -d -o ampd -g ampd -m 0755 /run/ampd
	fi
	;;
esac

if [ "$1" = "configure" ] || [ "$1" = "abort-upgrade" ] || [ "$1" = "abort-deconfigure" ] || [ "$1" = "abort-remove" ]; then
	# systemd: enable the unit (only remove the mask made on removal).
	if command -v deb-systemd-helper >/dev/null 2>&1; then
		deb-systemd-helper unmask ampd.service >/dev/null || true
		if deb-systemd-helper --quiet was-enabled ampd.service; then
			deb-systemd-helper enable ampd.service >/dev/null || true
		else
			deb-systemd-helper update-state ampd.service >/dev/null || true
		fi
	fi
	if [ -z "${DPKG_ROOT:-}" ]; then
		if [ -n "$2" ]; then action=restart; else action=start; fi
		# SysV links too, so switching init systems keeps ampd enabled (as dh_installinit).
		if [ -x /etc/init.d/ampd ] && command -v update-rc.d >/dev/null 2>&1; then
			update-rc.d ampd defaults >/dev/null
		fi
		# A configuration that does not start (yet) must not fail the installation: systemd
		# or the init script has said why.
		if [ -d /run/systemd/system ]; then
			systemctl --system daemon-reload >/dev/null || true
			if command -v deb-systemd-invoke >/dev/null 2>&1; then
				deb-systemd-invoke $action ampd.service >/dev/null || true
			else
				systemctl $action ampd.service >/dev/null || true
			fi
		elif [ -x /etc/init.d/ampd ]; then
			if command -v invoke-rc.d >/dev/null 2>&1; then
				invoke-rc.d --skip-systemd-native ampd $action || true
			else
				/etc/init.d/ampd $action || true
			fi
		fi
	fi
fi

exit 0
]=])

# prerm: stop on removal. On upgrade ampd keeps running and postinst restarts it with the new
# binary (debhelper's default since compat 10: the shortest interruption).
file(CONFIGURE OUTPUT ${_ampd_deb}/prerm NEWLINE_STYLE UNIX @ONLY CONTENT [=[#!/bin/sh
set -e

if [ -z "${DPKG_ROOT:-}" ] && [ "$1" = remove ]; then
	if [ -d /run/systemd/system ]; then
		if command -v deb-systemd-invoke >/dev/null 2>&1; then
			deb-systemd-invoke stop ampd.service >/dev/null || true
		else
			systemctl stop ampd.service >/dev/null || true
		fi
	elif [ -x /etc/init.d/ampd ]; then
		if command -v invoke-rc.d >/dev/null 2>&1; then
			invoke-rc.d --skip-systemd-native ampd stop || exit 1
		else
			/etc/init.d/ampd stop || exit 1
		fi
	fi
fi

exit 0
]=])

# postrm: forget the unit on removal, clean up on purge. The ampd user stays (Debian does not
# remove system users: files may still belong to it).
file(CONFIGURE OUTPUT ${_ampd_deb}/postrm NEWLINE_STYLE UNIX @ONLY CONTENT [=[#!/bin/sh
set -e

if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
fi
if [ -x /usr/bin/deb-systemd-helper ]; then
	case "$1" in
	remove)
		deb-systemd-helper mask ampd.service >/dev/null || true
		;;
	purge)
		deb-systemd-helper purge ampd.service >/dev/null || true
		deb-systemd-helper unmask ampd.service >/dev/null || true
		;;
	esac
fi
if [ "$1" = purge ]; then
	if [ -z "${DPKG_ROOT:-}" ] && command -v update-rc.d >/dev/null 2>&1; then
		update-rc.d ampd remove >/dev/null || true
	fi
	rm -rf /var/log/ampd /run/ampd
fi

exit 0
]=])

set(CPACK_DEBIAN_DAEMON_PACKAGE_CONTROL_EXTRA
  ${_ampd_deb}/conffiles ${_ampd_deb}/postinst ${_ampd_deb}/prerm ${_ampd_deb}/postrm)

# Read by cpack itself, per generator: refuse a .deb from a tree with another prefix (its
# binary would look for /usr/local/etc/ampd/ampd.ini, its plugins in /usr/local/lib/...).
# CPackDeb puts CPACK_PACKAGE_DESCRIPTION_SUMMARY above every package's description unless it is
# the default; each package's description above starts with its own summary line instead.
file(CONFIGURE OUTPUT ${CMAKE_BINARY_DIR}/AmpdCPackOptions.cmake @ONLY CONTENT [=[
if(CPACK_GENERATOR STREQUAL "DEB")
  if(NOT "@CMAKE_INSTALL_PREFIX@" STREQUAL "/usr")
    message(FATAL_ERROR "ampd: a .deb needs a build tree configured with "
                        "-DCMAKE_INSTALL_PREFIX=/usr (this one has @CMAKE_INSTALL_PREFIX@)")
  endif()
  set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CPACK_DEFAULT_PACKAGE_DESCRIPTION_SUMMARY}")
endif()
]=])
set(CPACK_PROJECT_CONFIG_FILE ${CMAKE_BINARY_DIR}/AmpdCPackOptions.cmake)

include(CPack)
