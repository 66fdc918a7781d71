// glibc malloc settings of the agent process: few arenas, and freed heap pages handed back after each pass.
import CMalloc

/// How the agent process uses glibc's malloc.
///
/// By default glibc gives every thread that allocates an arena of its own, up to 8 per core; the agent's
/// nine threads (cooperative pool, dispatch, HTTP, netlink, operations endpoint) then spread a few MB of
/// long-lived objects over as many heaps, each keeping its own free pages. The agent allocates little and
/// rarely, so lock contention on one shared arena does not matter, and glibc keeps freed memory until the
/// top of a heap is free: a burst (the first list of 1000 StaticRoutes, a relist) stays resident otherwise.
enum MallocPolicy {
    /// The most arenas the process uses; set before the agent starts its threads.
    static let maximumArenas: Int32 = 1

    /// Limits the arenas to ``maximumArenas``. Call first thing, before other threads allocate.
    static func limitArenas() {
        _ = mallopt(M_ARENA_MAX, maximumArenas)
    }

    /// Returns the whole free pages of every arena to the kernel (`malloc_trim`); cheap at the agent's
    /// heap size, so it runs after every reconcile pass.
    static func releaseFreePages() {
        _ = malloc_trim(0)
    }
}
