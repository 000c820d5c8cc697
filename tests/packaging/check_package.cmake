# The packaging test: installs the build into a fresh temporary prefix and checks the file list,
# the desktop entry and AppStream metainfo (with their validators when installed), that the
# installed cellscope-cli runs from the prefix alone, and — when CPack's Debian tools are here —
# that `cpack -G DEB` makes a package with the right files and metadata.
# In: BUILD_DIR, HAVE_GUI (ON/OFF). Out: FATAL_ERROR naming what is wrong.
string(RANDOM LENGTH 16 ALPHABET abcdefghijklmnopqrstuvwxyz0123456789 token)
set(work "$ENV{TMPDIR}")
if(NOT work)
  set(work /tmp)
endif()
set(work "${work}/cellscope-package-test-${token}")
file(MAKE_DIRECTORY "${work}")
set(prefix "${work}/prefix")

function(check_run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}\n${out}\n${err}")
  endif()
  set(run_output "${out}${err}" PARENT_SCOPE)
endfunction()

check_run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")

set(expected
  bin/cellscope-cli
  share/applications/org.cellscope.CellScope.desktop
  share/metainfo/org.cellscope.CellScope.metainfo.xml
  share/mime/packages/cellscope.xml
  share/icons/hicolor/scalable/apps/org.cellscope.CellScope.svg
  share/icons/hicolor/48x48/apps/org.cellscope.CellScope.png
  share/icons/hicolor/256x256/apps/org.cellscope.CellScope.png
  share/cellscope/models/linux.csm
  share/cellscope/demo/ring_buffer.c
  share/cellscope/examples.json
  share/doc/cellscope/README.md)
if(HAVE_GUI)
  list(APPEND expected bin/cellscope)
endif()
find_program(HELP2MAN help2man)
if(HELP2MAN)
  list(APPEND expected share/man/man1/cellscope-cli.1)
endif()
foreach(f IN LISTS expected)
  if(NOT EXISTS "${prefix}/${f}")
    message(FATAL_ERROR "cmake --install did not install ${f}")
  endif()
endforeach()

# The installed CLI reads the installed model with nothing from the source or build tree.
check_run("${prefix}/bin/cellscope-cli" info "${prefix}/share/cellscope/models/linux.csm")
if(NOT run_output MATCHES "lstm")
  message(FATAL_ERROR "installed cellscope-cli info printed no model: ${run_output}")
endif()

find_program(DESKTOP_VALIDATE desktop-file-validate)
if(DESKTOP_VALIDATE)
  check_run(${DESKTOP_VALIDATE} "${prefix}/share/applications/org.cellscope.CellScope.desktop")
endif()
find_program(APPSTREAMCLI appstreamcli)
if(APPSTREAMCLI)
  check_run(${APPSTREAMCLI} validate --no-net
            "${prefix}/share/metainfo/org.cellscope.CellScope.metainfo.xml")
endif()
file(READ "${prefix}/share/mime/packages/cellscope.xml" mime)
if(NOT mime MATCHES "\\*\\.csm" OR NOT mime MATCHES "CSM1")
  message(FATAL_ERROR "the MIME type does not match *.csm files by name and magic")
endif()

find_program(CPACK_EXE cpack HINTS "${CMAKE_COMMAND}/..")
find_program(DPKG_DEB dpkg-deb)
find_program(DPKG_SHLIBDEPS dpkg-shlibdeps)
if(CPACK_EXE AND DPKG_DEB AND DPKG_SHLIBDEPS)
  check_run(${CMAKE_COMMAND} -E chdir "${BUILD_DIR}"
            ${CPACK_EXE} -G DEB -B "${work}/deb" --config "${BUILD_DIR}/CPackConfig.cmake")
  file(GLOB debs "${work}/deb/cellscope_*.deb")
  list(LENGTH debs n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "cpack made ${n} .deb files in ${work}/deb")
  endif()
  check_run(${DPKG_DEB} --field ${debs} Package Depends Section)
  foreach(want "Package: cellscope" "libstdc\\+\\+6" "qt6-qpa-plugins" "Section: science")
    if(NOT run_output MATCHES "${want}")
      message(FATAL_ERROR ".deb control lacks ${want}:\n${run_output}")
    endif()
  endforeach()
  if(HAVE_GUI AND NOT run_output MATCHES "libqt6widgets6")
    message(FATAL_ERROR ".deb does not depend on Qt Widgets:\n${run_output}")
  endif()
  check_run(${DPKG_DEB} --contents ${debs})
  foreach(f ./usr/bin/cellscope-cli ./usr/share/applications/org.cellscope.CellScope.desktop
            ./usr/share/cellscope/models/linux.csm ./usr/share/mime/packages/cellscope.xml)
    string(REPLACE "." "\\." pattern "${f}")
    if(NOT run_output MATCHES "${pattern}")
      message(FATAL_ERROR ".deb lacks ${f}")
    endif()
  endforeach()
  message(STATUS "checked ${debs}")
else()
  message(STATUS "cpack/dpkg-deb/dpkg-shlibdeps not all installed: .deb not checked")
endif()
file(REMOVE_RECURSE "${work}")
message(STATUS "install and package checks passed")
