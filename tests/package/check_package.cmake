# Installs the build tree into a temporary prefix, builds tests/package/consumer against
# it with find_package(conduit), and runs the consumer and the installed conduit tool.
# Usage: cmake -DBINARY_DIR=... -DSOURCE_DIR=... -DWORK_DIR=... -P check_package.cmake
set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${WORK_DIR}")

function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "command failed (${rc}): ${ARGV}\n${out}\n${err}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} --install "${BINARY_DIR}" --prefix "${prefix}")
foreach(installed include/conduit/app/application.hpp include/conduit/http/router.hpp bin/conduit
        lib/cmake/conduit/conduitConfig.cmake)
  if(NOT EXISTS "${prefix}/${installed}")
    message(FATAL_ERROR "not installed: ${installed}")
  endif()
endforeach()
run(${CMAKE_COMMAND} -S "${SOURCE_DIR}/tests/package/consumer" -B "${consumer_build}" -G Ninja
    -DCMAKE_BUILD_TYPE=Release "-DCMAKE_PREFIX_PATH=${prefix}")
run(${CMAKE_COMMAND} --build "${consumer_build}")
run("${consumer_build}/consumer" --version)
if(NOT last_output MATCHES "consumer \\(conduit 0.1.0\\)")
  message(FATAL_ERROR "unexpected consumer --version output: ${last_output}")
endif()
run("${prefix}/bin/conduit" --version)
if(NOT last_output STREQUAL "Conduit CLI version: 0.1.0\n")
  message(FATAL_ERROR "unexpected conduit --version output: ${last_output}")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
message(STATUS "installed package OK")
