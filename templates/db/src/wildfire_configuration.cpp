// Reading wildfire's configuration file (see wildfire_configuration.hpp): a file of its
// own so that editing the channel does not recompile the configuration reader.
//
// Thread-safety: load_configuration only reads the file.
#include "wildfire_configuration.hpp"

#include "conduit/config/configuration.hpp"

namespace wildfire {

WildfireConfiguration load_configuration(const std::string& path) {
  return conduit::load_config<WildfireConfiguration>(path);
}

}  // namespace wildfire
