# Finds every third-party package conduit uses; all come from Debian 12 (scripts/install-deps.sh).
find_package(Threads REQUIRED)
# 1.81 (Debian 12) or newer: heroku-24 builds with Ubuntu 24.04's 1.83.
find_package(Boost 1.81.0 CONFIG REQUIRED COMPONENTS json url)
find_package(fmt CONFIG REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(SQLite3 REQUIRED)
