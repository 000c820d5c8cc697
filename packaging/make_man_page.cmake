# Writes cellscope-cli.1 with help2man: the program's --help, then one sub-section per
# subcommand with that subcommand's --help verbatim. Run by the build (see CMakeLists.txt).
# In: CLI, HELP2MAN, VERSION, OUT.
execute_process(COMMAND ${CLI} --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${CLI} --help failed (${rc})")
endif()
# CLI11 lists subcommands after a line "Subcommands:" as "  name   description".
string(FIND "${top}" "Subcommands:" at)
if(at LESS 0)
  message(FATAL_ERROR "${CLI} --help lists no Subcommands")
endif()
string(SUBSTRING "${top}" ${at} -1 listing)
string(REGEX MATCHALL "\n  [a-z][a-z0-9-]*" names "${listing}")

set(include_text "[COMMANDS]\n")
foreach(raw IN LISTS names)
  string(STRIP "${raw}" name)
  execute_process(COMMAND ${CLI} ${name} --help OUTPUT_VARIABLE sub RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${CLI} ${name} --help failed (${rc})")
  endif()
  string(REPLACE "\\" "\\\\" sub "${sub}")
  string(REPLACE "\n." "\n\\&." sub "${sub}")  # a leading dot would be a roff request
  string(APPEND include_text ".SS ${name}\n.nf\n${sub}\n.fi\n")
endforeach()
string(APPEND include_text "[SEE ALSO]\nThe README and docs/ of CellScope; \\fBcellscope\\fR(1), the desktop app.\n")
get_filename_component(dir "${OUT}" DIRECTORY)
file(WRITE "${dir}/cellscope-cli.h2m" "${include_text}")

execute_process(
  COMMAND ${HELP2MAN} --no-info --no-discard-stderr --section=1
          "--name=train, sample and inspect character-level recurrent networks"
          "--version-string=${VERSION}" "--include=${dir}/cellscope-cli.h2m"
          --output=${OUT} ${CLI}
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc}): ${err}")
endif()
