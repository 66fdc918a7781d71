// The agent's async shell: watches its objects and netlink, and runs level-based reconcile passes.
import IPAddressing
import KubeClient
import KubeRuntime
import Logging
import Netlink
import CoreMetrics
import OpsServer
import OverlayAPI
import ServiceLifecycle
import Synchronization

/// Configures one node: its overlay device and address, and the routes of the StaticRoutes that select it.
///
/// Every pass is level-based: read the three caches and the kernel, compute a ``NodePlan``, execute it,
/// read back what the overlay device holds, then merge-patch the agent's status keys if they changed
/// (`configuredAddresses` is what the kernel holds, also after a failed step: never without an address
/// that is still there, since the operator then releases it). Passes are triggered by watch events,
/// netlink events on what the agent owns (debounced by ``AgentConfiguration/repairDelay``), retries after
/// failures, and a periodic resync.
///
/// - Important: Nothing is removed because the API server is unreachable: the caches keep their last
///   state, and only an explicit deletion (or the object being gone after a successful list) withdraws.
///   Graceful shutdown (SIGTERM) stops the loops and leaves the node configured.
public final class NodeAgent: Service, Sendable {
    private let configuration: AgentConfiguration
    private let client: KubeClient
    private let kernel: any KernelAccess
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let health: HealthState
    private let metrics: AgentMetrics
    /// Set when a kernel change made by someone else asks for a pass; the next pass clears it.
    private let driftReported = Atomic<Bool>(false)
    /// The problems the last pass logged, so an unchanged set is not logged again.
    private let reportedProblems = Mutex<[String]>([])
    private let onReconcile: @Sendable (ReconcileOutcome) -> Void
    private let overlays = Store<NodeOverlayIp>()
    private let nodes = Store<Node>()
    private let routes = Store<StaticRoute>()

    /// Makes an agent that configures the namespace of `netlink`.
    /// - Parameters:
    ///   - netlink: the context of the namespace to configure (the API traffic does not go through it).
    ///   - writes: counts netlink writes (tests check that a restart makes none).
    ///   - onReconcile: called after every pass (tests await convergence with it).
    public convenience init(
        configuration: AgentConfiguration, client: KubeClient, netlink: NetlinkContext,
        writes: NetlinkWriteCounter = NetlinkWriteCounter(), metricsFactory: any MetricsFactory = MetricsSystem.factory,
        health: HealthState = HealthState(), clock: any Clock<Duration> = ContinuousClock(),
        logger: Logger = Logger(label: "overlay-network-agent"),
        onReconcile: @escaping @Sendable (ReconcileOutcome) -> Void = { _ in }
    ) {
        var kernelLogger = logger
        kernelLogger[metadataKey: "node"] = "\(configuration.nodeName)"
        self.init(
            configuration: configuration, client: client,
            kernel: NodeKernel(netlink: netlink, writes: writes, logger: kernelLogger), metricsFactory: metricsFactory, health: health,
            clock: clock, logger: logger, onReconcile: onReconcile)
    }

    /// Makes an agent that plans against and writes to `kernel` (a ``SimulatedKernel`` for a dry run).
    /// - Parameters:
    ///   - kernel: what the agent reads and changes.
    ///   - onReconcile: called after every pass (tests await convergence with it).
    public init(
        configuration: AgentConfiguration, client: KubeClient, kernel: any KernelAccess,
        metricsFactory: any MetricsFactory = MetricsSystem.factory, health: HealthState = HealthState(),
        clock: any Clock<Duration> = ContinuousClock(), logger: Logger = Logger(label: "overlay-network-agent"),
        onReconcile: @escaping @Sendable (ReconcileOutcome) -> Void = { _ in }
    ) {
        var logger = logger
        logger[metadataKey: "node"] = "\(configuration.nodeName)"
        self.configuration = configuration
        self.client = client
        self.kernel = kernel
        self.clock = clock
        self.logger = logger
        self.health = health
        self.metrics = AgentMetrics(factory: metricsFactory)
        self.onReconcile = onReconcile
        health.set("caches", ready: false, message: "waiting for the first list of NodeOverlayIp, Node and StaticRoutes")
    }

    /// Runs until cancelled or graceful shutdown; leaves the node configured when it returns.
    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.runLoops() }
    }

    private func runLoops() async {
        let (passes, passRequests) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (repairs, repairRequests) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (retries, retryRequests) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let nodeSelector = "metadata.name=\(configuration.nodeName)"
        let clock = RuntimeClock(any: self.clock)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await self.watch(KubeClientListWatch<NodeOverlayIp>(client: self.client, fieldSelector: nodeSelector), into: self.overlays, clock: clock) {
                    passRequests.yield()
                }
            }
            group.addTask {
                await self.watch(KubeClientListWatch<Node>(client: self.client, fieldSelector: nodeSelector), into: self.nodes, clock: clock) {
                    passRequests.yield()
                }
            }
            group.addTask {
                await self.watch(KubeClientListWatch<StaticRoute>(client: self.client), into: self.routes, clock: clock) {
                    passRequests.yield()
                }
            }
            group.addTask {
                await self.followKernelEvents {
                    self.driftReported.store(true, ordering: .relaxed)
                    repairRequests.yield()
                }
            }
            group.addTask {
                for await _ in repairs {
                    do { try await clock.sleep(for: self.configuration.repairDelay) } catch { return }
                    passRequests.yield()
                }
            }
            group.addTask {
                for await _ in retries {
                    do { try await clock.sleep(for: self.configuration.retryInterval) } catch { return }
                    passRequests.yield()
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    do { try await clock.sleep(for: self.configuration.resyncInterval) } catch { return }
                    passRequests.yield()
                }
            }
            group.addTask {
                await self.overlays.waitUntilReady()
                await self.nodes.waitUntilReady()
                await self.routes.waitUntilReady()
                guard !Task.isCancelled else { return }
                self.health.set("caches", ready: true)
                passRequests.yield()
                for await _ in passes {
                    let outcome = await self.reconcile()
                    if !outcome.problems.isEmpty { retryRequests.yield() }
                }
            }
            await group.waitForAll()
        }
        logger.info("agent stopped; the node stays configured")
    }

    // MARK: - Sources of passes

    private func watch<Object: KubernetesObject>(
        _ source: KubeClientListWatch<Object>, into store: Store<Object>, clock: RuntimeClock,
        changed: @escaping @Sendable () -> Void
    ) async {
        let watcher = Watcher(source: source, configuration: configuration.watcher, clock: clock, logger: logger)
        await watcher.run { event in
            store.apply(event)
            switch event {
            case .initStarted, .initApply: break
            case .initDone, .apply, .delete: changed()
            }
        }
    }

    /// Streams netlink events and asks for a repair on any that concern what the agent owns; reopens
    /// the subscription after a failure.
    private func followKernelEvents(repair: @escaping @Sendable () -> Void) async {
        let deviceName = configuration.deviceName
        while !Task.isCancelled {
            do throws(NetlinkError) {
                try await kernel.followEvents(opened: { health.set("netlink-events", ready: true) }) { event in
                    if Self.concernsAgent(event, deviceName: deviceName) { repair() }
                }
            } catch {
                health.set("netlink-events", ready: false, message: error.description)
                logger.warning("netlink event subscription failed; reopening", metadata: ["error": "\(error)"])
            }
            if Task.isCancelled { return }
            do { try await clock.sleep(for: configuration.retryInterval) } catch { return }
            repair()
        }
    }

    /// Whether `event` may mean drift: our device or any address changed (addresses also change the
    /// protected ranges), one of our routes changed, or events were lost.
    static func concernsAgent(_ event: NetlinkEvent, deviceName: String) -> Bool {
        switch event {
        case .linkChanged(let link), .linkRemoved(let link): link.name == deviceName || link.kind == nil
        case .addressAdded, .addressRemoved: true
        case .routeAdded(let route), .routeRemoved(let route): route.protocol == .overlayAgent
        case .eventsLost: true
        }
    }

    // MARK: - Reconcile

    /// One level-based pass: kernel to the desired state, then the status to what was done.
    @discardableResult
    func reconcile() async -> ReconcileOutcome {
        let started = ContinuousClock.now
        let followsDrift = driftReported.exchange(false, ordering: .relaxed)
        let overlay = overlays.get(name: configuration.nodeName)
        let desired = DesiredNode(
            overlay: overlay, node: nodes.get(name: configuration.nodeName), staticRoutes: routes.objects,
            deviceName: configuration.deviceName, explicitParent: configuration.parentInterface,
            protectedCIDRs: configuration.protectedCIDRs)
        var problems: [String] = []
        var writes = 0
        var report = AgentReport(
            interface: configuration.parentInterface, interfaceLabel: configuration.deviceName, configuredAddresses: [], routes: [])
        do throws(NetlinkError) {
            let before = try await kernel.snapshot()
            let plan = NodePlan.compute(desired: desired, kernel: before)
            problems += plan.problems
            let execution = plan.isEmpty ? PlanExecution() : await kernel.execute(plan, deviceName: configuration.deviceName)
            writes = execution.writes
            problems += execution.failures
            let reports = plan.reports(failures: execution.routeFailures)
            problems += reports.filter { $0.state == .failed }.map { "\($0.name): \($0.message ?? "failed")" }
            let published = overlay.map { Self.publishedAddresses(in: $0.status) } ?? []
            let held = await heldAddresses(after: plan, before: before, published: published, problems: &problems)
            report = AgentReport(
                interface: plan.parentName ?? configuration.parentInterface, interfaceLabel: configuration.deviceName,
                configuredAddresses: held.map(\.description), routes: reports)
            metrics.recordRoutes(reports)
        } catch {
            problems.append("reading the kernel state failed: \(error)")
            health.set("netlink", ready: false, message: error.description)
            logger.error("reading the kernel state failed", metadata: ["error": "\(error)"])
            let outcome = ReconcileOutcome(writes: 0, report: report, patchedStatus: false, problems: problems)
            onReconcile(outcome)
            return outcome
        }
        var patched = false
        if let overlay, !report.isReported(in: overlay.status) {
            do {
                let updated = try await client.patchStatus(
                    NodeOverlayIp.self, name: configuration.nodeName, patch: .merge(report.mergePatch()))
                // Our write, cached so the next pass does not patch again, unless the watch already
                // delivered a newer object (e.g. the operator's ipAddr written just after our patch):
                // overwriting that with this older response would hide it until the next resync.
                if overlays.get(name: configuration.nodeName)?.metadata.resourceVersion == overlay.metadata.resourceVersion {
                    overlays.apply(.apply(updated))
                }
                patched = true
                logger.info(
                    "reported status",
                    metadata: [
                        "configuredAddresses": "\(report.configuredAddresses.isEmpty ? "none" : report.configuredAddresses.joined(separator: ","))",
                        "routes": "\(report.routes.count)",
                    ])
            } catch let error as KubeAPIError where error.reason == .notFound {
                logger.debug("NodeOverlayIp gone before the status patch", metadata: ["error": "\(error)"])
            } catch {
                problems.append("patching the NodeOverlayIp status failed: \(error)")
                // Logged with the pass's problems below: when it starts failing and when it clears, not every retry.
                logger.debug("patching the NodeOverlayIp status failed; retrying", metadata: ["error": "\(error)"])
            }
        }
        metrics.recordPass(
            writes: writes, duration: started.duration(to: .now), failed: !problems.isEmpty, repairedDrift: followsDrift && writes > 0)
        // A persistent problem (a route that keeps failing) is logged when it appears and when it clears,
        // not on every retry; the metrics count the failed passes.
        let previous = reportedProblems.withLock { reported in
            defer { reported = problems }
            return reported
        }
        if problems != previous {
            if problems.isEmpty {
                logger.info("problems cleared", metadata: ["writes": "\(writes)", "previously": "\(previous)"])
            } else {
                logger.warning("reconciled with problems; retrying", metadata: ["writes": "\(writes)", "problems": "\(problems)"])
            }
        } else if !problems.isEmpty {
            logger.debug("retried; the same problems remain", metadata: ["writes": "\(writes)"])
        } else if writes > 0 {
            logger.info("reconciled", metadata: ["writes": "\(writes)"])
        }
        let outcome = ReconcileOutcome(writes: writes, report: report, patchedStatus: patched, problems: problems)
        onReconcile(outcome)
        return outcome
    }

    /// The addresses the operator published, `status.ipAddrs` or else `status.ipAddr`, in order.
    static func publishedAddresses(in status: NodeOverlayIpStatus) -> [IPAddress] {
        DesiredNode.publishedAddressTexts(of: status).texts.compactMap { OverlayAddress(cidr: $0)?.address }
    }

    /// The overlay addresses the device holds once `plan` ran, read back from the kernel: a failed or
    /// refused step can leave an address in place, and the operator releases an address as soon as the
    /// report stops showing it. When the kernel cannot be read back, what the device may hold: of each
    /// family the address the plan added, else the one it held before (never leaving out an address that
    /// may be there).
    private func heldAddresses(
        after plan: NodePlan, before: KernelSnapshot, published: [IPAddress], problems: inout [String]
    ) async -> [OverlayAddress] {
        let deviceName = configuration.deviceName
        guard !plan.isEmpty else {
            health.set("netlink", ready: true)
            return before.overlayAddresses(onDevice: deviceName, published: published)
        }
        do throws(NetlinkError) {
            let after = try await kernel.snapshot()
            health.set("netlink", ready: true)
            return after.overlayAddresses(onDevice: deviceName, published: published)
        } catch {
            problems.append("reading the kernel state back after the changes failed: \(error)")
            health.set("netlink", ready: false, message: error.description)
            logger.error("reading the kernel state back after the changes failed", metadata: ["error": "\(error)"])
            let added = plan.addedAddresses
            let kept = before.overlayAddresses(onDevice: deviceName, published: published)
                .filter { old in !added.contains { $0.address.family == old.address.family } }
            return (added + kept).sorted { Self.rank($0, in: published) < Self.rank($1, in: published) }
        }
    }

    /// Where `address`'s family comes in `published` (families not published last).
    private static func rank(_ address: OverlayAddress, in published: [IPAddress]) -> Int {
        published.firstIndex { $0.family == address.address.family } ?? published.count
    }
}

extension NodeAgent: CustomStringConvertible {
    /// The service's name in lifecycle logs (ServiceGroup prints services), instead of a dump of its fields.
    public var description: String { "node agent of \(configuration.nodeName)" }
}
