// conduit_test_server: the test channel as a real application binary, so tests can
// drive the command line, signals and HTTPS through a separate process.
#include "test_channel.hpp"

int main(int argc, char** argv) { return conduit::run(argc, argv, conduit::testing::test_spec()); }
