# netforge_add_module(<name> SOURCES ... [LINK <external targets>...])
#
# Declares src/<name> as the static library netforge_<name>, linked to the
# modules listed for it in src/modules.cmake and nothing else of ours.
# Every module includes headers as "module/file.h" relative to src/.

add_custom_target(netforge_check_module_deps
  COMMAND ${CMAKE_COMMAND} -DSRC_DIR=${PROJECT_SOURCE_DIR}/src
          -P ${PROJECT_SOURCE_DIR}/scripts/cmake/check_module_deps.cmake
  COMMENT "Checking #includes against src/modules.cmake"
  VERBATIM)

function(netforge_add_module name)
  cmake_parse_arguments(M "" "" "SOURCES;LINK" ${ARGN})
  if(NOT name IN_LIST NETFORGE_MODULES)
    message(FATAL_ERROR "Module '${name}' is not in src/modules.cmake")
  endif()
  add_library(netforge_${name} STATIC ${M_SOURCES})
  target_include_directories(netforge_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  foreach(dep IN LISTS NETFORGE_DEPS_${name})
    # Generator expression: a module listed in the table but not written yet is skipped.
    target_link_libraries(netforge_${name} PUBLIC $<TARGET_NAME_IF_EXISTS:netforge_${dep}>)
  endforeach()
  if(M_LINK)
    target_link_libraries(netforge_${name} PUBLIC ${M_LINK})
  endif()
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(netforge_${name} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  endif()
  add_dependencies(netforge_${name} netforge_check_module_deps)
endfunction()
