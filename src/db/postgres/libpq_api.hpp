// libpq, loaded at run time: the table of the libpq functions conduit calls, filled by
// dlopen("libpq.so.5") + dlsym the first time a PostgreSQL database is opened.
//
// Why: libpq.so.5 pulls in about two dozen libraries (Kerberos/GSSAPI, LDAP, GnuTLS,
// p11-kit...), several with load-time constructors; linked normally they cost every
// process ~3.5 MB of RSS and start-up work, although an application on SQLite never uses
// them. Only the link dependency goes away: libpq-fe.h still gives the types, constants
// and prototypes (the pointers are declared as decltype(&PQfn)), so a call reads
// `pq().PQstatus(conn)` and keeps libpq's documented name.
//
// Thread-safety: the library is loaded once (std::call_once); the table is immutable
// afterwards and may be read from any thread.
#pragma once

#include <libpq-fe.h>

namespace conduit::db::pg {

// Every libpq function conduit uses; adding a call to a new one means adding it here.
#define CONDUIT_LIBPQ_FUNCTIONS(X) \
  X(PQbackendPID)                  \
  X(PQcancel)                      \
  X(PQclear)                       \
  X(PQcmdTuples)                   \
  X(PQconnectPoll)                 \
  X(PQconnectStart)                \
  X(PQconsumeInput)                \
  X(PQenterPipelineMode)           \
  X(PQerrorMessage)                \
  X(PQexitPipelineMode)            \
  X(PQfinish)                      \
  X(PQflush)                       \
  X(PQfname)                       \
  X(PQfreeCancel)                  \
  X(PQfreemem)                     \
  X(PQftype)                       \
  X(PQgetCancel)                   \
  X(PQgetResult)                   \
  X(PQgetisnull)                   \
  X(PQgetlength)                   \
  X(PQgetvalue)                    \
  X(PQisBusy)                      \
  X(PQnfields)                     \
  X(PQnotifies)                    \
  X(PQpipelineSync)                \
  X(PQntuples)                     \
  X(PQresultErrorField)            \
  X(PQresultErrorMessage)          \
  X(PQresultStatus)                \
  X(PQsendPrepare)                 \
  X(PQsendQuery)                   \
  X(PQsendQueryParams)             \
  X(PQsendQueryPrepared)           \
  X(PQsetNoticeProcessor)          \
  X(PQsetnonblocking)              \
  X(PQsocket)                      \
  X(PQstatus)                      \
  X(PQtransactionStatus)           \
  X(PQunescapeBytea)

struct LibPq {
#define CONDUIT_LIBPQ_POINTER(name) decltype(&::name) name = nullptr;
  CONDUIT_LIBPQ_FUNCTIONS(CONDUIT_LIBPQ_POINTER)
#undef CONDUIT_LIBPQ_POINTER
};

// The loaded table. The first call loads libpq.so.5; when the library or one of the
// functions is missing, this call and every later one throw UnavailableError (503,
// connection_failed) saying to install libpq5.
const LibPq& pq();

}  // namespace conduit::db::pg
