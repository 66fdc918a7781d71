// rtnetlink constants from the kernel UAPI headers, converted once to the integer widths the wire uses.
import CNetlink
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Message types, flags, attribute ids and multicast groups, as the kernel headers define them.
/// Swift imports C enums and macros with varying types; this is the one place that converts them.
enum RTNL {
    // MARK: Message types
    static let done = UInt16(NLMSG_DONE)
    static let error = UInt16(NLMSG_ERROR)
    static let newLink = UInt16(RTM_NEWLINK)
    static let deleteLink = UInt16(RTM_DELLINK)
    static let getLink = UInt16(RTM_GETLINK)
    static let setLink = UInt16(RTM_SETLINK)
    static let newAddress = UInt16(RTM_NEWADDR)
    static let deleteAddress = UInt16(RTM_DELADDR)
    static let getAddress = UInt16(RTM_GETADDR)
    static let newRoute = UInt16(RTM_NEWROUTE)
    static let deleteRoute = UInt16(RTM_DELROUTE)
    static let getRoute = UInt16(RTM_GETROUTE)

    // MARK: Message flags
    static let request = UInt16(NLM_F_REQUEST)
    static let acknowledge = UInt16(NLM_F_ACK)
    static let dump = UInt16(NLM_F_DUMP)
    static let create = UInt16(NLM_F_CREATE)
    static let exclusive = UInt16(NLM_F_EXCL)
    static let replace = UInt16(NLM_F_REPLACE)
    static let dumpInterrupted = UInt16(NLM_F_DUMP_INTR)
    static let acknowledgementTLVs = UInt16(NLM_F_ACK_TLVS)
    static let multipart = UInt16(NLM_F_MULTI)

    // MARK: Families
    static let familyUnspecified = UInt8(AF_UNSPEC)
    static let familyIPv4 = UInt8(AF_INET)
    static let familyIPv6 = UInt8(AF_INET6)

    // MARK: Interface flags
    static let interfaceUp = UInt32(IFF_UP.rawValue)
    static let interfaceLowerUp = UInt32(IFF_LOWER_UP.rawValue)

    // MARK: Link attributes
    static let linkAddress = Int(IFLA_ADDRESS)
    static let linkName = Int(IFLA_IFNAME)
    static let linkMTU = Int(IFLA_MTU)
    static let linkParent = Int(IFLA_LINK)
    static let linkInfo = Int(IFLA_LINKINFO)
    static let linkInfoKind = Int(IFLA_INFO_KIND)
    static let linkInfoData = Int(IFLA_INFO_DATA)
    static let macvlanMode = Int(IFLA_MACVLAN_MODE)
    static let macvlanModeBridge = UInt32(MACVLAN_MODE_BRIDGE.rawValue)
    static let vethPeer = Int(VETH_INFO_PEER)

    // MARK: Address attributes
    static let addressAddress = Int(IFA_ADDRESS)
    static let addressLocal = Int(IFA_LOCAL)
    static let addressFlags = Int(IFA_FLAGS)

    // MARK: Route attributes
    static let routeDestination = Int(RTA_DST.rawValue)
    static let routeOutputInterface = Int(RTA_OIF.rawValue)
    static let routeGateway = Int(RTA_GATEWAY.rawValue)
    static let routePriority = Int(RTA_PRIORITY.rawValue)
    static let routePreferredSource = Int(RTA_PREFSRC.rawValue)
    static let routeTable = Int(RTA_TABLE.rawValue)
    /// `rtm_table` value meaning "see `RTA_TABLE`" for table ids above 255.
    static let tableCompatibility = UInt8(RT_TABLE_COMPAT.rawValue)
    /// `rtm_flags` bit of cached (cloned) routes, which are not routing-table entries.
    static let routeCloned = UInt32(RTM_F_CLONED)

    // MARK: Acknowledgement attributes
    static let acknowledgementMessage = Int(NLMSGERR_ATTR_MSG.rawValue)

    // MARK: Socket options and multicast groups
    static let socketLevel = Int32(SOL_NETLINK)
    static let addMembership = Int32(NETLINK_ADD_MEMBERSHIP)
    static let capAcknowledgement = Int32(NETLINK_CAP_ACK)
    static let extendedAcknowledgement = Int32(NETLINK_EXT_ACK)
    static let groupLink = UInt32(RTNLGRP_LINK.rawValue)
    static let groupIPv4Address = UInt32(RTNLGRP_IPV4_IFADDR.rawValue)
    static let groupIPv4Route = UInt32(RTNLGRP_IPV4_ROUTE.rawValue)
    static let groupIPv6Address = UInt32(RTNLGRP_IPV6_IFADDR.rawValue)
    static let groupIPv6Route = UInt32(RTNLGRP_IPV6_ROUTE.rawValue)
}
