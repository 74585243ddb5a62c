// Socket checks of the PostgreSQL connection that need no libpq (tests include this).
//
// Thread-safety: stateless functions.
#pragma once

namespace conduit::db::pg {

// True when `fd` is a TCP socket connected to itself (local address == peer address).
// Connecting to a closed port of this host can end that way (TCP simultaneous open, when
// the kernel picks the port itself as the source port); such a socket then holds the
// port that the database server needs when it restarts. See Connection::attempt.
bool is_self_connected(int fd) noexcept;

}  // namespace conduit::db::pg
