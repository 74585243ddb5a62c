// Loads libpq.so.5 and resolves the function table (see libpq_api.hpp).
#include "db/postgres/libpq_api.hpp"

#include <dlfcn.h>

#include <mutex>
#include <string>

#include "db/error_mapping.hpp"

namespace conduit::db::pg {

namespace {

// The soname, not libpq.so: that symlink comes only with the -dev package.
constexpr const char* kLibrary = "libpq.so.5";

struct Loaded {
  LibPq table;
  std::string error;  // empty once every function is resolved
};

// Never throws, so that std::call_once never sees an exception: the outcome, success or
// the error message, is decided once for the whole process.
void load(Loaded& loaded) {
  const std::string install = "install libpq5 (apt-get install libpq5)";
  // RTLD_NOW: a libpq too old for one of our functions fails here, not at its first call.
  // RTLD_LOCAL: its symbols stay out of the global namespace. The handle is never closed.
  void* handle = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    loaded.error = std::string("PostgreSQL client library ") + kLibrary + " not found: " + install +
                   " (" + (why ? why : "dlopen failed") + ")";
    return;
  }
  LibPq table;
  std::string missing;
  auto resolve = [&](auto& pointer, const char* name) {
    void* symbol = ::dlsym(handle, name);
    if (!symbol) {
      missing += missing.empty() ? name : std::string(", ") + name;
      return;
    }
    // POSIX guarantees that a data pointer from dlsym converts to a function pointer.
    pointer = reinterpret_cast<std::remove_reference_t<decltype(pointer)>>(symbol);
  };
#define CONDUIT_LIBPQ_RESOLVE(name) resolve(table.name, #name);
  CONDUIT_LIBPQ_FUNCTIONS(CONDUIT_LIBPQ_RESOLVE)
#undef CONDUIT_LIBPQ_RESOLVE
  if (!missing.empty()) {
    loaded.error = std::string("PostgreSQL client library ") + kLibrary +
                   " is too old or incomplete (missing " + missing + "): " + install;
    return;
  }
  loaded.table = table;
}

}  // namespace

const LibPq& pq() {
  static std::once_flag once;
  static Loaded loaded;
  std::call_once(once, [] { load(loaded); });
  if (!loaded.error.empty()) throw detail::connection_error(loaded.error, {});
  return loaded.table;
}

}  // namespace conduit::db::pg
