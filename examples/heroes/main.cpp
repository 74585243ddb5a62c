// The demo application binary: `heroes serve` (see README.md).
#include "conduit/app/application.hpp"
#include "heroes_channel.hpp"

int main(int argc, char** argv) {
  return conduit::run<heroes::HeroesChannel>(argc, argv, "heroes");
}
