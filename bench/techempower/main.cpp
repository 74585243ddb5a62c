// The benchmark binary: `conduit_techempower serve -c config.yaml` (see bench/README.md).
#include "conduit/app/application.hpp"
#include "techempower_channel.hpp"

int main(int argc, char** argv) {
  return conduit::run<techempower::TechEmpowerChannel>(argc, argv, "conduit_techempower");
}
