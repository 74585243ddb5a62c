# conduit_add_application(NAME SOURCES src... [PCH_FROM other_app] [NO_PCH])
#
# Sets up an application binary the way conduit recommends, so that editing one source
# file rebuilds in seconds:
#   - C++20 without extensions, and conduit's warning set (-Werror with CONDUIT_WERROR);
#   - a precompiled header of conduit's heavy public headers (CONDUIT_APPLICATION_PCH:
#     Boost.JSON, the router, the ORM, ...), parsed once per build instead of once per
#     source file; PCH_FROM reuses another application target's PCH (REUSE_FROM) instead of
#     building a second identical one;
#   - links conduit::conduit, with GNU gold when the toolchain has it (CONDUIT_GOLD_LINKER);
#   - in the application's own project, puts the binary where the `conduit` tool looks for
#     it: <top build dir>/NAME (the tool runs build/NAME, build/bin/NAME or bin/NAME of the
#     project named in project()), and installs it to bin/.
#
# One more recommendation the function cannot apply: instantiate ORM controllers
# (orm::ManagedObjectController<T>, orm::Query<T> work) in source files of their own, not in
# the channel's, as examples/heroes does (hero_controller.cpp): they are most of a channel's
# compile time, and the channel is the file edited most (routes).
#
# Included by conduitConfig.cmake (find_package(conduit)) and by conduit's own
# CMakeLists.txt, so the same call works against an installed conduit and in-tree.
include_guard(GLOBAL)
include(CheckLinkerFlag)

# Link applications with GNU gold when the toolchain has it (binutils' ld.gold; Debian 12's
# binutils ships it next to ld.bfd): an application links in about a third of ld.bfd's CPU
# time (the db template: 0.33 s against 0.85 s), which is most of a rebuild after a one-line
# edit besides compiling that file. Not lld: Debian 12's lld 14 links GCC 12's objects so
# that an exception thrown from a coroutine's catch handler ends in std::terminate (`db
# upgrade` of a failing migration aborts); gold and ld.bfd do not. OFF (or a toolchain
# without gold, or CMAKE_LINKER_TYPE set) keeps the default linker.
option(CONDUIT_GOLD_LINKER "Link conduit applications with GNU gold when available" ON)

# The headers an application's sources almost always reach; precompiling them costs one
# parse (a few seconds) per build and saves that parse in every source file. Angle form,
# so they resolve through conduit's include directory in-tree and installed.
set(CONDUIT_APPLICATION_PCH
    <boost/json.hpp>
    <conduit/app/application.hpp>
    <conduit/config/configuration.hpp>
    <conduit/db/database.hpp>
    <conduit/http/router.hpp>
    <conduit/http/resource_controller.hpp>
    <conduit/http/file_controller.hpp>
    <conduit/orm/orm.hpp>
    <conduit/orm/managed_object_controller.hpp>
    <conduit/core/log.hpp>)

function(conduit_add_application name)
  cmake_parse_arguments(ARG "NO_PCH" "PCH_FROM" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "conduit_add_application(${name}): SOURCES is required")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_compile_features(${name} PRIVATE cxx_std_20)
  set_target_properties(${name} PROPERTIES CXX_EXTENSIONS OFF)
  target_link_libraries(${name} PRIVATE conduit::conduit)

  target_compile_options(${name} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC bug 105329: a false -Wrestrict inside libstdc++'s std::string operator+.
    target_compile_options(${name} PRIVATE -Wno-restrict)
  endif()
  if(CONDUIT_WERROR)
    target_compile_options(${name} PRIVATE -Werror)
  endif()

  if(ARG_PCH_FROM)
    target_precompile_headers(${name} REUSE_FROM ${ARG_PCH_FROM})
  elseif(NOT ARG_NO_PCH)
    target_precompile_headers(${name} PRIVATE ${CONDUIT_APPLICATION_PCH})
  endif()

  if(CONDUIT_GOLD_LINKER AND NOT CMAKE_LINKER_TYPE AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    check_linker_flag(CXX "-fuse-ld=gold" CONDUIT_HAVE_GOLD_LINKER)
    if(CONDUIT_HAVE_GOLD_LINKER)
      target_link_options(${name} PRIVATE -fuse-ld=gold)
    endif()
  endif()

  # In the application's own project (not an example inside conduit's tree, whose paths
  # the docs name), the conduit tool finds the binary as build/<project name>: the top of
  # the build tree, whatever directory the call is in; a project that sets its own output
  # directory keeps it. Installing puts it in bin/, the tool's other place to look.
  if(PROJECT_IS_TOP_LEVEL)
    if(NOT CMAKE_RUNTIME_OUTPUT_DIRECTORY)
      set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR})
    endif()
    if(NOT name STREQUAL CMAKE_PROJECT_NAME)
      message(STATUS "conduit_add_application(${name}): the conduit tool runs the binary "
                     "named after project() (${CMAKE_PROJECT_NAME}); for this one pass --app")
    endif()
    install(TARGETS ${name} RUNTIME DESTINATION bin)
  endif()
endfunction()
