# conduit_module(NAME PUBLIC_DEPS ... PRIVATE_DEPS ...)
# Declares the static library conduit_NAME from src/NAME/*.cpp with the project's warnings,
# sanitizer flags and include directories, and records it for installation.
#
# Module boundaries are enforced by the compiler: a module's sources see
#   - every public header (include/conduit/...),
#   - their own module's private headers ("NAME/..." = src/NAME/...),
#   - the declared internal headers of the modules they depend on, directly or not
#     ("DEP/internal/..." = src/DEP/internal/...),
# and nothing else of src/. Each module gets its own include root in the build tree
# (private-include/NAME) made of links to exactly those folders, so including another
# module's private header fails to compile (scripts/check-boundaries.sh says the same in
# words, and also checks tests/ and the public headers).
set(CONDUIT_MODULES "" CACHE INTERNAL "")

# conduit_private_include_root(OUT NAME): the include root described above for module NAME
# (made anew at every configure, so it follows changes to the dependencies).
function(conduit_private_include_root out name)
  set(root ${PROJECT_BINARY_DIR}/private-include/${name})
  file(REMOVE_RECURSE ${root})
  file(MAKE_DIRECTORY ${root})
  file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${name} ${root}/${name} SYMBOLIC)
  foreach(dep IN LISTS CONDUIT_MODULE_CLOSURE_${name})
    if(EXISTS ${PROJECT_SOURCE_DIR}/src/${dep}/internal)
      file(MAKE_DIRECTORY ${root}/${dep})
      file(CREATE_LINK ${PROJECT_SOURCE_DIR}/src/${dep}/internal ${root}/${dep}/internal SYMBOLIC)
    endif()
  endforeach()
  set(${out} ${root} PARENT_SCOPE)
endfunction()

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
  # The modules this one may use internals of: its conduit dependencies and theirs.
  set(closure "")
  foreach(dep IN LISTS ARG_PUBLIC_DEPS ARG_PRIVATE_DEPS)
    if(dep MATCHES "^conduit_(.*)$")
      list(APPEND closure ${CMAKE_MATCH_1} ${CONDUIT_MODULE_CLOSURE_${CMAKE_MATCH_1}})
    endif()
  endforeach()
  list(REMOVE_DUPLICATES closure)
  set(CONDUIT_MODULE_CLOSURE_${name} ${closure} CACHE INTERNAL "")
  conduit_private_include_root(private_root ${name})
  set(target conduit_${name})
  add_library(${target} STATIC ${sources})
  add_library(conduit::${target} ALIAS ${target})
  set_target_properties(${target} PROPERTIES EXPORT_NAME ${target})
  target_include_directories(${target}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include> $<INSTALL_INTERFACE:include>
    PRIVATE ${private_root})
  target_compile_features(${target} PUBLIC cxx_std_20)
  target_link_libraries(${target} PUBLIC ${ARG_PUBLIC_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  conduit_apply_warnings(${target})
  set(CONDUIT_MODULES ${CONDUIT_MODULES} ${target} CACHE INTERNAL "")
endfunction()
