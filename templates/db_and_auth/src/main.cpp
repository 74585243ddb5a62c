// The wildfire application binary: `wildfire serve`, `wildfire db ...` (the conduit tool
// runs it: `conduit serve`).
#include "conduit/app/application.hpp"
#include "wildfire_channel.hpp"

int main(int argc, char** argv) {
  return conduit::run<wildfire::WildfireChannel>(argc, argv, "wildfire");
}
