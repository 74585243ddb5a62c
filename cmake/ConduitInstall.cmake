# Installs the libraries, public headers, the CMake package (find_package(conduit CONFIG)
# gives conduit::conduit) and the conduit command-line tool.

include(CMakePackageConfigHelpers)

install(TARGETS ${CONDUIT_MODULES} conduit EXPORT conduitTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY include/conduit DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT conduitTargets NAMESPACE conduit:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/conduit)
configure_package_config_file(cmake/conduitConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/conduitConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/conduit)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/conduitConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/conduitConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/conduitConfigVersion.cmake
  cmake/ConduitDependencies.cmake
  cmake/ConduitApplication.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/conduit)
