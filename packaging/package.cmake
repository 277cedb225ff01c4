# Packages of the plugin for the Wireshark it was built against (CPack):
#   cpack -G DEB    (in the build folder) a .deb for Debian and Ubuntu
#   cpack -G RPM    an .rpm (needs rpmbuild)
#   cmake --build build --target package_source    the source tarball
# The version comes from project() in CMakeLists.txt, and nowhere else.

set(TCPSTATE_PKG wireshark-plugin-tcpstate)
set(TCPSTATE_DOCDIR "share/doc/${TCPSTATE_PKG}")

# The docs keep the source tree's layout, so that every link of README.md and
# docs/ works in the installed folder (packaging/test-deb.sh checks it).
install(FILES README.md LICENSE DESTINATION "${TCPSTATE_DOCDIR}")
install(FILES packaging/copyright DESTINATION "${TCPSTATE_DOCDIR}")
install(DIRECTORY docs/ DESTINATION "${TCPSTATE_DOCDIR}/docs")
install(FILES tools/craft/README.md DESTINATION "${TCPSTATE_DOCDIR}/tools/craft")
install(DIRECTORY samples/ DESTINATION "${TCPSTATE_DOCDIR}/samples")
install(PROGRAMS scripts/ts-plot.py DESTINATION "${TCPSTATE_DOCDIR}/scripts")
# ...and the plot script where a user looks for a command.
install(PROGRAMS scripts/ts-plot.py DESTINATION bin RENAME tcpstate-ts-plot)
# The profile twice: as a global profile Wireshark offers in its profile list,
# and next to the docs.
install(DIRECTORY "profile/TCP States" DESTINATION "share/wireshark/profiles")
install(DIRECTORY "profile/TCP States" DESTINATION "${TCPSTATE_DOCDIR}/profile")

# A plugin only loads into the major.minor it was built for: depend on exactly
# that libwireshark. Its Debian package name carries the soname (libwireshark16).
set(WS_MAJOR_MINOR "${WS_VERSION}")
string(REPLACE "." ";" _v "${WS_VERSION}")
list(GET _v 0 _ws_major)
list(GET _v 1 _ws_minor)
math(EXPR _ws_next_minor "${_ws_minor} + 1")
set(WS_NEXT_VERSION "${_ws_major}.${_ws_next_minor}")

set(WS_DEB_LIB "")
find_program(DPKG_QUERY dpkg-query)
if(DPKG_QUERY)
  file(GLOB _ws_libs "${WS_PREFIX}/lib/*/libwireshark.so.*.*" "${WS_PREFIX}/lib/libwireshark.so.*.*")
  if(_ws_libs)
    list(GET _ws_libs 0 _ws_lib)
    execute_process(COMMAND ${DPKG_QUERY} -S "${_ws_lib}" OUTPUT_VARIABLE _owner
                    ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    string(REGEX MATCH "^[^:]+" WS_DEB_LIB "${_owner}")
  endif()
endif()
if(NOT WS_DEB_LIB)
  set(WS_DEB_LIB libwireshark)
endif()

set(CPACK_PACKAGE_NAME "${TCPSTATE_PKG}")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR "tcpstate")
set(CPACK_PACKAGE_CONTACT "tcpstate maintainers <tcpstate@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Wireshark plugin: the TCP state machine, segment by segment")
set(CPACK_PACKAGE_DESCRIPTION
  "tcpstate annotates every TCP segment in Wireshark and tshark with the connection's phase, the client's and the server's state after it, the handshake or teardown step and the segment it acknowledges. Built for Wireshark ${WS_MAJOR_MINOR}.")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/packaging/copyright")
set(CPACK_STRIP_FILES ON)
# Binary packages install under Wireshark's prefix (the source tarball not).
configure_file(packaging/cpack-project.cmake.in cpack-project.cmake @ONLY)
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_BINARY_DIR}/cpack-project.cmake")

# .deb
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
  "${WS_DEB_LIB} (>= ${WS_MAJOR_MINOR}), ${WS_DEB_LIB} (<< ${WS_NEXT_VERSION}~), libc6, libglib2.0-0")
set(CPACK_DEBIAN_PACKAGE_ENHANCES "wireshark, tshark")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "tshark | wireshark")

# .rpm (Fedora's libwireshark is in wireshark-cli)
set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "GPL-2.0-or-later")
set(CPACK_RPM_PACKAGE_GROUP "Applications/Internet")
set(CPACK_RPM_PACKAGE_REQUIRES "wireshark-cli >= ${WS_MAJOR_MINOR}, wireshark-cli < ${WS_NEXT_VERSION}")
set(CPACK_RPM_PACKAGE_AUTOREQ OFF)
# Own only our files, not the folders of the system or of Wireshark.
set(_dirs /usr/share/doc /usr/share/wireshark /usr/share/wireshark/profiles)
set(_d "${WS_PLUGIN_DIR}/epan")
while(NOT _d STREQUAL "/" AND NOT _d STREQUAL "")
  list(APPEND _dirs "${_d}")
  get_filename_component(_d "${_d}" DIRECTORY)
endwhile()
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION ${_dirs})

set(CPACK_GENERATOR DEB)
find_program(RPMBUILD rpmbuild)
if(RPMBUILD)
  list(APPEND CPACK_GENERATOR RPM)
endif()

# Source tarball
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_PACKAGE_FILE_NAME "tcpstate-${PROJECT_VERSION}")
set(CPACK_SOURCE_IGNORE_FILES "/\\\\.git/" "/build/" "/_build" "\\\\.swp$" "__pycache__")

message(STATUS "tcpstate: packages depend on ${WS_DEB_LIB} (>= ${WS_MAJOR_MINOR}, << ${WS_NEXT_VERSION})")
include(CPack)
