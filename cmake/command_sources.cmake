# The sources of the sgym subcommands: every .cpp in cli/commands/, found again at each build
# (CONFIGURE_DEPENDS), so adding a subcommand is its file plus its line in cli/commands/command_list.inc
# and no CMake edit (as envs and agents are added: registry_sources.cmake).
#
# The check: each line SGYM_COMMAND(name) of the list has its file name.cpp, which defines
# `void add_name_command(...) {`; and every add_<name>_command defined in the folder has its line (an
# unlisted one would compile but never be offered). It runs at configure time and as a test
# (cmake -P this file).

include(${CMAKE_CURRENT_LIST_DIR}/registry_sources.cmake)  # sgym_listed_names

# sgym_command_check(DIR LIST_FILE): FATAL_ERROR naming the file and the line when they disagree.
function(sgym_command_check dir list_file)
  file(GLOB sources "${dir}/*.cpp")
  sgym_listed_names(listed_names "${list_file}" SGYM_COMMAND)
  set(defined_names "")
  set(problems "")
  foreach(src IN LISTS sources)
    file(READ "${src}" text)
    string(REGEX MATCHALL "(^|\n)[ \t]*void[ \t]+add_[A-Za-z0-9_]+_command[ \t]*\\([^;{)]*\\)[ \t\r\n]*{" defs "${text}")
    get_filename_component(stem "${src}" NAME_WE)
    foreach(def IN LISTS defs)
      string(REGEX REPLACE ".*void[ \t]+add_([A-Za-z0-9_]+)_command.*" "\\1" name "${def}")
      list(APPEND defined_names "${name}")
      if(NOT name STREQUAL stem)
        string(APPEND problems "\n  ${stem}.cpp defines add_${name}_command: subcommand ${name} belongs in ${name}.cpp")
      elseif(NOT name IN_LIST listed_names)
        string(APPEND problems "\n  ${stem}.cpp defines add_${name}_command but ${list_file} has no line SGYM_COMMAND(${name})")
      endif()
    endforeach()
  endforeach()
  foreach(name IN LISTS listed_names)
    if(NOT EXISTS "${dir}/${name}.cpp")
      string(APPEND problems "\n  ${list_file} lists SGYM_COMMAND(${name}) but ${dir}/${name}.cpp does not exist")
    elseif(NOT name IN_LIST defined_names)
      string(APPEND problems "\n  ${list_file} lists SGYM_COMMAND(${name}) but ${name}.cpp defines no "
                             "`void add_${name}_command(CLI::App& app) {` (starting a line)")
    endif()
  endforeach()
  if(problems)
    message(FATAL_ERROR "subcommand list out of step with the sources:${problems}")
  endif()
endfunction()

# sgym_command_sources(OUT DIR): the .cpp files of DIR, after the check against DIR/command_list.inc.
function(sgym_command_sources out dir)
  file(GLOB sources CONFIGURE_DEPENDS "${dir}/*.cpp")
  sgym_command_check("${dir}" "${dir}/command_list.inc")
  set(${out} ${sources} PARENT_SCOPE)
endfunction()

# script mode (the ctest check): cmake -DDIR=... -DLIST=... -P command_sources.cmake
if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE AND DIR)
  sgym_command_check("${DIR}" "${LIST}")
  message(STATUS "${LIST}: every subcommand has its file, every add_<name>_command its line")
endif()
