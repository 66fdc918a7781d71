// The system SQLite (Debian: libsqlite3-dev to build, libsqlite3-0 at run time), used by the SQLite module.
#include <sqlite3.h>
