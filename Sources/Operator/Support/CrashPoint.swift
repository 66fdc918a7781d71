// Named points between IPAM calls and status writes where tests simulate a crash.

/// A step boundary of the address lifecycle where a crash must not lose or duplicate an address.
public enum CrashPoint: String, Sendable, CaseIterable {
    /// A node holds the addresses of some families of its zone (e.g. its zone became dual-stack); the next
    /// missing family's is not reserved yet.
    case betweenFamilies
    /// The IPAM has reserved (or re-claimed) every address of the node; the status does not show them yet.
    case afterReserve
    /// The status shows the address.
    case afterStatusWrite
    /// The IPAM has released the address; the finalizer is still on the object.
    case afterRelease
}

/// Called at each ``CrashPoint`` with the node name; a test makes it block until the operator is
/// cancelled (a crash) or throw. Production uses ``CrashHooks/none``.
public typealias CrashHook = @Sendable (_ point: CrashPoint, _ nodeName: String) async throws -> Void

/// Ready-made hooks.
public enum CrashHooks {
    /// Does nothing.
    public static let none: CrashHook = { _, _ in }
}
