// The Linux rtnetlink UAPI headers (constants and struct layouts) and the few libc calls Swift cannot see.
#ifndef OVERLAY_CNETLINK_SHIM_H
#define OVERLAY_CNETLINK_SHIM_H
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>

/// `setns(2)` is declared by glibc only under `_GNU_SOURCE`, which the Swift Glibc module is not built
/// with; this declaration matches glibc's.
extern int setns(int fd, int nstype);

/// Moves the calling thread into the network namespace referred to by `fd` (an open
/// `/var/run/netns/NAME`). Returns 0, or -1 with `errno` set.
static inline int cnetlink_enter_network_namespace(int fd) {
    return setns(fd, 0x40000000 /* CLONE_NEWNET */);
}
#endif
