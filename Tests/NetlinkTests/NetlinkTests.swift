// Tests of Netlink.
import Testing
