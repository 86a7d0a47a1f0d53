# The source lists of envs/ and agents/: every .cpp under the folder (helpers in subfolders included),
# found again at each build (CONFIGURE_DEPENDS), so adding an env or agent is its file plus its line in
# the registry list (env_list.inc / agent_list.inc) and no CMake edit.
#
# A glob rather than a list generated from the .inc: the .inc names entry functions, not files (one
# file may register two entries, as bipedal_walker.cpp does, and helpers such as biped_physics.cpp
# register none), so deriving file names from it would need a naming rule the tree does not follow.
# What a glob alone would miss, a registry check catches: an entry function defined in a source but
# not listed in the .inc (silently never registered), or listed but defined nowhere. It runs at
# configure time and as a test (cmake -P this file), so an entry added to an existing file is caught.

# sgym_listed_names(OUT LIST_FILE MACRO): the names of the MACRO(name) lines of LIST_FILE, in order.
function(sgym_listed_names out list_file macro)
  file(STRINGS "${list_file}" listed REGEX "^${macro}\\(")
  set(names "")
  foreach(line IN LISTS listed)
    string(REGEX REPLACE "^${macro}\\(([A-Za-z0-9_]+)\\).*" "\\1" name "${line}")
    list(APPEND names "${name}")
  endforeach()
  set(${out} ${names} PARENT_SCOPE)
endfunction()

# sgym_registry_check(DIR LIST_FILE MACRO TYPE [FILES_OUT]): FATAL_ERROR naming the file and the
# line to add when the `TYPE name()` definitions in DIR's sources and the MACRO(name) lines of
# LIST_FILE differ; FILES_OUT, when given, receives the sources that define at least one.
function(sgym_registry_check dir list_file macro type)
  file(GLOB_RECURSE sources "${dir}/*.cpp")
  sgym_listed_names(listed_names "${list_file}" "${macro}")
  set(defined_names "")
  set(defining_files "")
  set(problems "")
  foreach(src IN LISTS sources)
    # a definition `TYPE name() {` at the start of a line: optionally indented, optionally written
    # `sgym::TYPE`, the brace optionally on a following line (a declaration `TYPE name();` is not one)
    file(READ "${src}" text)
    string(REGEX MATCHALL "(^|\n)[ \t]*(sgym::)?${type}[ \t]+[A-Za-z0-9_]+[ \t]*\\([ \t]*\\)[ \t\r\n]*{" defs "${text}")
    if(defs)
      list(APPEND defining_files "${src}")
    endif()
    foreach(def IN LISTS defs)
      string(REGEX REPLACE ".*${type}[ \t]+([A-Za-z0-9_]+).*" "\\1" name "${def}")
      list(APPEND defined_names "${name}")
      if(NOT name IN_LIST listed_names)
        file(RELATIVE_PATH rel "${dir}" "${src}")
        string(APPEND problems "\n  ${rel} defines ${name}() but ${list_file} has no line ${macro}(${name})")
      endif()
    endforeach()
  endforeach()
  foreach(name IN LISTS listed_names)
    if(NOT name IN_LIST defined_names)
      string(APPEND problems "\n  ${list_file} lists ${macro}(${name}) but no .cpp under ${dir} defines ${type} ${name}() "
                             "(a definition starting a line: `${type} ${name}() {`)")
    endif()
  endforeach()
  if(problems)
    message(FATAL_ERROR "registry list out of step with the sources:${problems}")
  endif()
  if(ARGC GREATER 4)
    set(${ARGV4} ${defining_files} PARENT_SCOPE)
  endif()
endfunction()

# sgym_registry_sources(OUT LIST_FILE MACRO TYPE): the .cpp files under the current source folder,
# after the registry check.
function(sgym_registry_sources out list_file macro type)
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  sgym_registry_check("${CMAKE_CURRENT_SOURCE_DIR}" "${CMAKE_CURRENT_SOURCE_DIR}/${list_file}" "${macro}" "${type}")
  set(${out} ${sources} PARENT_SCOPE)
endfunction()

# script mode (the ctest check): cmake -DDIR=... -DLIST=... -DMACRO=... -DTYPE=... -P registry_sources.cmake
if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE AND DIR)
  sgym_registry_check("${DIR}" "${LIST}" "${MACRO}" "${TYPE}")
  message(STATUS "${LIST}: every ${TYPE} function under ${DIR} is listed, every line is defined")
endif()
