# The house rules of ui/, checked on the sources (run by ctest as ui_rooms_*):
#   CHECK=includes: a room (explore, train, generate, model) includes headers of common/ and the
#     engine only, never of a sibling room; common/ includes no room; only shell/ knows all rooms.
#     A header is caught written as "room/file.h" or as a bare "file.h" of another room.
#   CHECK=layout: ui/ holds only room folders (and CMakeLists.txt); every source file in ui/ is
#     under 500 lines.
# Usage: cmake -DUI_DIR=<ui folder> -DCHECK=includes|layout -P check_rooms.cmake
cmake_minimum_required(VERSION 3.16)
get_filename_component(UI_DIR "${UI_DIR}" ABSOLUTE)
if(NOT UI_DIR OR NOT IS_DIRECTORY "${UI_DIR}")
  message(FATAL_ERROR "check_rooms.cmake: UI_DIR '${UI_DIR}' is not a folder")
endif()
set(rooms common explore train generate model shell)

if(CHECK STREQUAL "includes")
  # Which room each header lives in, by file name.
  foreach(room IN LISTS rooms)
    file(GLOB headers RELATIVE "${UI_DIR}/${room}" "${UI_DIR}/${room}/*.h")
    foreach(h IN LISTS headers)
      set(home_${h} ${room})
    endforeach()
  endforeach()
  set(problems "")
  foreach(room IN LISTS rooms)
    if(room STREQUAL "shell")
      continue()
    endif()
    file(GLOB_RECURSE sources RELATIVE "${UI_DIR}" "${UI_DIR}/${room}/*.h" "${UI_DIR}/${room}/*.cpp")
    foreach(source IN LISTS sources)
      file(STRINGS "${UI_DIR}/${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
      foreach(line IN LISTS includes)
        string(REGEX REPLACE "^[^\"]*\"([^\"]*)\".*$" "\\1" header "${line}")
        string(REGEX REPLACE "^(\\./|\\.\\./)+" "" header "${header}")  # "../explore/x.h"
        set(target "")
        if(header MATCHES "^([a-z_]+)/([^/]+)$" AND CMAKE_MATCH_1 IN_LIST rooms)
          set(target ${CMAKE_MATCH_1})
        elseif(DEFINED home_${header} AND NOT home_${header} STREQUAL room)
          set(target ${home_${header}})
        endif()
        if(target AND NOT target STREQUAL room AND NOT target STREQUAL "common")
          string(APPEND problems "\n  ui/${source} includes \"${header}\" of room ${target}/")
        endif()
      endforeach()
    endforeach()
  endforeach()
  if(problems)
    message(FATAL_ERROR "A ui/ room may include only common/ and the engine (shell/ excepted):"
                        "${problems}")
  endif()
  message(STATUS "ui rooms: no room includes a sibling room's header")

elseif(CHECK STREQUAL "layout")
  set(problems "")
  file(GLOB top RELATIVE "${UI_DIR}" "${UI_DIR}/*")
  foreach(entry IN LISTS top)
    if(NOT entry STREQUAL "CMakeLists.txt" AND NOT (IS_DIRECTORY "${UI_DIR}/${entry}"
                                                    AND entry IN_LIST rooms))
      string(APPEND problems "\n  ui/${entry} is neither a room folder nor CMakeLists.txt")
    endif()
  endforeach()
  file(GLOB_RECURSE sources RELATIVE "${UI_DIR}" "${UI_DIR}/*.h" "${UI_DIR}/*.cpp")
  foreach(source IN LISTS sources)
    # file(STRINGS) drops empty lines: count newlines instead.
    file(READ "${UI_DIR}/${source}" text)
    string(REGEX REPLACE "[^\n]" "" newlines "${text}")
    string(LENGTH "${newlines}" lines)
    if(lines GREATER_EQUAL 500)
      string(APPEND problems "\n  ui/${source} has ${lines} lines (house rule 3: under 500)")
    endif()
  endforeach()
  if(problems)
    message(FATAL_ERROR "ui/ layout:${problems}")
  endif()
  message(STATUS "ui layout: only rooms, every source under 500 lines")

else()
  message(FATAL_ERROR "check_rooms.cmake: CHECK must be includes or layout, not '${CHECK}'")
endif()
