// What the agent's passes did during the drift benchmark: when the last one ended, which wrote, their problems.
import Agent
import Synchronization

/// Collects the agent's ``ReconcileOutcome``s (install ``record(_:)`` as its `onReconcile`).
final class AgentPassLog: Sendable {
    /// The passes so far.
    struct Summary {
        /// Passes ended.
        var passes = 0
        /// Passes that wrote to the kernel.
        var writingPasses = 0
        /// When the latest pass ended.
        var lastEnd: ContinuousClock.Instant?
        /// The last pass's outcome.
        var last: ReconcileOutcome?
        /// Every problem any pass reported, in order.
        var problems: [String] = []
    }

    private let state = Mutex(Summary())

    /// Records one pass, as it ends.
    func record(_ outcome: ReconcileOutcome) {
        let now = ContinuousClock.now
        state.withLock { summary in
            summary.passes += 1
            if outcome.writes > 0 { summary.writingPasses += 1 }
            summary.lastEnd = now
            summary.last = outcome
            summary.problems += outcome.problems
        }
    }

    /// The passes so far.
    var summary: Summary { state.withLock { $0 } }
}
