# ampd_add_plugin(NAME [NO_INSTALL] [OUTPUT_DIRECTORY dir] sources...)
#
# Builds NAME.so (no "lib" prefix), a module the daemon dlopen()s. Only the entry point that
# AMPD_PLUGIN defines is exported; the rest is hidden so plugins cannot clash with each other.
# Installed to <libdir>/ampd/plugins unless NO_INSTALL.
include_guard(GLOBAL)
include(GNUInstallDirs)

function(ampd_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_INSTALL" "OUTPUT_DIRECTORY" "")
  add_library(${name} MODULE ${arg_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE ampd::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # Everything a plugin uses from ampd arrives through the host table, so an undefined symbol is
  # a mistake: fail at link time rather than at dlopen. (Sanitizer runtimes come from the
  # executable, hence the exception.)
  if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize")
    target_link_options(${name} PRIVATE LINKER:--no-undefined)
  endif()
  if(arg_OUTPUT_DIRECTORY)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${arg_OUTPUT_DIRECTORY})
  endif()
  if(NOT arg_NO_INSTALL)
    install(TARGETS ${name} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/ampd/plugins
            COMPONENT plugins)
  endif()
endfunction()
