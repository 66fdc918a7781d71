// The Linux rtnetlink UAPI headers (constants and struct layouts) and the few libc calls Swift cannot see.
#ifndef OVERLAY_CNETLINK_SHIM_H
#define OVERLAY_CNETLINK_SHIM_H
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/if_addr.h>
#include <linux/veth.h>
#include <sys/mount.h>

/// `setns(2)` and `unshare(2)` are declared by glibc only under `_GNU_SOURCE`, which the Swift Glibc
/// module is not built with; these declarations match glibc's.
extern int setns(int fd, int nstype);
extern int unshare(int flags);

/// Moves the calling thread into the network namespace referred to by `fd` (an open
/// `/var/run/netns/NAME`). Returns 0, or -1 with `errno` set.
static inline int cnetlink_enter_network_namespace(int fd) {
    return setns(fd, 0x40000000 /* CLONE_NEWNET */);
}

/// Gives the calling thread a new, empty network namespace. Returns 0, or -1 with `errno` set.
static inline int cnetlink_unshare_network_namespace(void) {
    return unshare(0x40000000 /* CLONE_NEWNET */);
}

/// Bind-mounts `source` (a namespace file) onto `target`, keeping the namespace alive without a process.
static inline int cnetlink_bind_mount(const char *source, const char *target) {
    return mount(source, target, "none", MS_BIND, 0);
}

/// Detaches the mount at `target` (lazily, like `ip netns del`).
static inline int cnetlink_detach_mount(const char *target) {
    return umount2(target, MNT_DETACH);
}
#endif
