# conduit_module(NAME PUBLIC_DEPS ... PRIVATE_DEPS ...)
# Declares the static library conduit_NAME from src/NAME/*.cpp with the project's warnings,
# sanitizer flags and include directories, and records it for installation.
set(CONDUIT_MODULES "" CACHE INTERNAL "")

function(conduit_apply_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    # GCC 12 at -O2/-O3 reports -Wrestrict inside libstdc++'s own std::string operator+
    # (GCC bug 105329), a false positive that -Werror would turn into a failed build.
    target_compile_options(${target} PRIVATE -Wno-restrict)
  endif()
  if(CONDUIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(CONDUIT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(conduit_module name)
  cmake_parse_arguments(ARG "" "" "PUBLIC_DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${name}/*.cpp)
  if(NOT sources)
    return()  # a module still being written: nothing to build yet
  endif()
  # Dependencies on modules that have no sources yet are dropped for the same reason.
  foreach(list_name ARG_PUBLIC_DEPS ARG_PRIVATE_DEPS)
    set(kept "")
    foreach(dep IN LISTS ${list_name})
      if(dep MATCHES "^conduit_" AND NOT TARGET ${dep})
        continue()
      endif()
      list(APPEND kept ${dep})
    endforeach()
    set(${list_name} ${kept})
  endforeach()
  set(target conduit_${name})
  add_library(${target} STATIC ${sources})
  add_library(conduit::${target} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${target})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
    PRIVATE ${PROJECT_SOURCE_DIR}/src)
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  conduit_apply_warnings(${target})
  set(CONDUIT_MODULES ${CONDUIT_MODULES} ${target} CACHE INTERNAL "")
endfunction()
