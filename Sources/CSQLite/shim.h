#ifndef NOABER_CSQLITE_SHIM_H
#define NOABER_CSQLITE_SHIM_H
#include <sqlite3.h>

// SQLITE_TRANSIENT is a cast of -1 to a function pointer, which Swift cannot import as a macro.
static inline sqlite3_destructor_type noaber_sqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

// Turns off SQLite's count of the memory it holds (sqlite3_memory_used, which Noaber does not
// read): the count takes one mutex of the whole process at every allocation and free, on which
// the event loops' reader connections and the access log's mover met at every read. sqlite3_config
// is variadic, which Swift cannot call; it must run before SQLite initialises (SQLITE_MISUSE after).
static inline int noaber_sqlite_memstatus_off(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
