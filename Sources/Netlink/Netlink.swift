// Netlink: links, addresses, routes and change events of a network namespace, over rtnetlink.
//
// Why our own rtnetlink encoding rather than libnl-route-3
// --------------------------------------------------------
// The module speaks rtnetlink directly (`Wire/` and `NetlinkSocket`: ~550 lines without comments, about
// what a wrapper around Debian's libnl-route-3 with its object lifetimes and callbacks takes) because
// that proved clearer and more faithful for what the agent needs:
// - Errors: libnl folds kernel errnos into its own NLE_* codes (ENETUNREACH and many others become
//   NLE_FAILURE) and drops the kernel's extended-ack text; here every failure keeps the real errno and
//   the kernel's message, which `NetlinkError` turns into "gateway unreachable (ENETUNREACH)".
// - Bulk: one socket, no object caches to refill, and a thousand route changes go out in a handful of
//   `sendmsg` calls with their acks matched by sequence number (`NetlinkContext.applyRouteChanges`).
// - Swift: no C callbacks trampolining into Swift, no opaque-pointer lifetimes (`rtnl_route_put`,
//   `nl_addr_put`) to get right; encoding and decoding are pure functions with byte-level unit tests
//   that run without root.
// - The wire format is a stable kernel ABI; `CNetlink` supplies its constants and struct layouts from the
//   kernel's UAPI headers (<linux/rtnetlink.h>, <linux/if_link.h>), so no numbers are retyped by hand
//   except where Swift cannot import them (noted where done).
//
// Layout
// ------
// - `NetlinkContext`: the public async API for one namespace.
// - `NetworkNamespaceExecutor`: the dedicated thread that `setns`es into the namespace; every request
//   hops onto it, so the rest of the process (API traffic) stays in its own namespace.
// - `NetworkNamespace`: create/delete/enter named namespaces (`/var/run/netns`, `ip netns` compatible).
// - `NetlinkEventStream`: the monitor, an `AsyncSequence` of `NetlinkEvent`s read on its own thread.
// - `Model/`: `Link`, `InterfaceAddress`, `Route` (+ `RoutingTable`, `RouteProtocol`, …).
// - `Wire/`: message builder, parser, codec and constants — pure, no I/O.
//
// Ownership mark: routes created here default to routing protocol 197 (`RouteProtocol.overlayAgent`),
// unassigned in the kernel and iproute2 (see `RouteProtocol`), so the agent recognises its routes and,
// deleting with that protocol, can never remove anybody else's.
