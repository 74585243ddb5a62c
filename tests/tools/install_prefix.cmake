# The tools tests' installed conduit: a fresh `cmake --install` of the build tree into
# PREFIX (tests/tools/create_test.cpp runs the installed tool and templates from there).
# Usage: cmake -DBINARY_DIR=... -DPREFIX=... -P install_prefix.cmake
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND ${CMAKE_COMMAND} --install "${BINARY_DIR}" --prefix "${PREFIX}"
  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}): ${err}")
endif()
