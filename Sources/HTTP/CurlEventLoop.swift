// The thread that drives one libcurl multi handle: starts, pumps, times out and finishes transfers.
import CCurl
import Glibc
import Logging

/// The loop on the engine's own thread. It alone touches easy handles and the multi handle (apart from
/// `curl_multi_wakeup`): it takes queued commands, lets libcurl move data, delivers finished transfers,
/// enforces the head and idle timeouts of streams, and sleeps in `curl_multi_poll` until there is
/// network activity, a libcurl timer, one of its own deadlines, or a wake-up from another thread.
final class CurlEventLoop {
    private let engine: CurlEngine
    private let multi: UnsafeMutableRawPointer
    private let maximumIdleConnections: Int
    private var connectionCacheLimit = 0
    private var transfers: [UInt64: CurlTransfer] = [:]
    private var transfersByHandle: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    private init(engine: CurlEngine, multi: UnsafeMutableRawPointer, maximumIdleConnections: Int) {
        self.engine = engine
        self.multi = multi
        self.maximumIdleConnections = maximumIdleConnections
        updateConnectionCacheLimit()
    }

    /// Starts the loop on a new detached thread; returns why that failed, or `nil`.
    static func start(engine: CurlEngine, multi: UnsafeMutableRawPointer, maximumIdleConnections: Int) -> String? {
        let loop = CurlEventLoop(engine: engine, multi: multi, maximumIdleConnections: maximumIdleConnections)
        let context = Unmanaged.passRetained(loop).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            let loop = Unmanaged<CurlEventLoop>.fromOpaque(context).takeRetainedValue()
            loop.run()
            return nil
        }, context)
        guard result == 0 else {
            Unmanaged<CurlEventLoop>.fromOpaque(context).release()
            return "cannot start the HTTP client's thread (pthread_create: \(String(cString: strerror(result))))"
        }
        pthread_detach(thread)
        return nil
    }

    private func run() {
        while let commands = engine.takeCommands(idle: transfers.isEmpty) {
            for command in commands { handle(command) }
            var running: Int32 = 0
            let code = curl_multi_perform(multi, &running)
            if code != CURLM_OK {
                engine.logger.error(
                    "libcurl multi handle failed", metadata: ["code": "\(code.rawValue)", "transfers": "\(transfers.count)"])
            }
            collectFinished()
            let timeout = enforceDeadlines()
            if transfers.isEmpty { engine.loopIsIdle() }
            _ = curl_multi_poll(multi, nil, 0, Int32(clamping: timeout), nil)
        }
    }

    private func handle(_ command: CurlEngine.Command) {
        switch command {
        case .start(let request, let sink):
            do {
                let transfer = try CurlTransfer(request: request, sink: sink)
                let code = curl_multi_add_handle(multi, transfer.easy)
                guard code == CURLM_OK else {
                    sink.finished(
                        .failure(.transport("libcurl refused the transfer (curl_multi_add_handle: \(code.rawValue))")),
                        fallbackHead: nil)
                    return
                }
                transfers[sink.transferID] = transfer
                transfersByHandle[transfer.easy] = transfer
                updateConnectionCacheLimit()
                engine.logger.trace(
                    "HTTP request started",
                    metadata: [
                        "method": "\(request.method.rawValue)", "url": "\(request.displayURL)",
                        // Redacted: Authorization, tokens and cookies never reach the log.
                        "headers": "\(request.headers.description)",
                    ])
            } catch {
                sink.finished(.failure(error), fallbackHead: nil)
            }
        case .abort(let id):
            guard let transfer = transfers[id] else { return }
            finish(transfer, .failure(.cancelled))
        case .resume(let id):
            transfers[id]?.resumeAfterBackpressure()
        }
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                let transfer = transfersByHandle[easy]
            else { continue }
            let code = message.pointee.data.result
            if code == CURLE_OK {
                finish(transfer, .success(()))
            } else {
                let context = TransferFailureContext(
                    url: transfer.request.displayURL, connected: transfer.connected,
                    headReceived: transfer.headReceived, connectTimeout: transfer.request.connectTimeout,
                    requestTimeout: transfer.request.transferTimeout)
                finish(transfer, .failure(CurlErrorMapping.error(for: code, detail: transfer.errorDetail, context: context)))
            }
        }
    }

    /// Fails streams past their head or idle deadline; returns how long the loop may sleep, in milliseconds.
    private func enforceDeadlines() -> Int {
        let now = ContinuousClock.now
        var wakeUp = now + .seconds(30)
        for transfer in Array(transfers.values) {
            switch transfer.deadlines.verdict(
                now: now, headReceived: transfer.headReceived, lastActivity: transfer.lastActivity,
                pausedForBackpressure: transfer.pausedForBackpressure)
            {
            case .expired(let error): finish(transfer, .failure(error))
            case .checkAgain(let instant?): wakeUp = min(wakeUp, instant)
            case .checkAgain(nil): break
            }
        }
        return (wakeUp - now).milliseconds
    }

    private func finish(_ transfer: CurlTransfer, _ result: Result<Void, HTTPError>) {
        curl_multi_remove_handle(multi, transfer.easy)
        transfers[transfer.id] = nil
        transfersByHandle[transfer.easy] = nil
        updateConnectionCacheLimit()
        let fallbackHead = transfer.fallbackHead
        transfer.close()
        transfer.sink.finished(result, fallbackHead: fallbackHead)
        log(transfer, result, status: fallbackHead?.status)
    }

    /// libcurl's cache limit counts connections in use too (long watches among them), and beyond it closes
    /// a connection as soon as it is returned. So the limit is the most transfers ever in flight at once
    /// plus the idle connections worth keeping, and it never shrinks: shrinking whenever a few workers are
    /// between requests would close connections they are about to need again. Idle connections still go:
    /// libcurl drops those unused for 118 s (`CURLOPT_MAXAGE_CONN`).
    private func updateConnectionCacheLimit() {
        let wanted = transfers.count + maximumIdleConnections
        guard wanted > connectionCacheLimit else { return }
        connectionCacheLimit = wanted
        _ = curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, wanted)
    }

    private func log(_ transfer: CurlTransfer, _ result: Result<Void, HTTPError>, status: Int?) {
        var metadata: Logger.Metadata = [
            "method": "\(transfer.request.method.rawValue)", "url": "\(transfer.request.displayURL)",
            "durationMs": "\((ContinuousClock.now - transfer.started).milliseconds)",
            "bodyBytes": "\(transfer.bodyBytes)",
        ]
        if let status { metadata["status"] = "\(status)" }
        switch result {
        case .success:
            engine.logger.debug("HTTP request finished", metadata: metadata)
        case .failure(.cancelled):
            engine.logger.debug("HTTP request cancelled", metadata: metadata)
        case .failure(let error):
            metadata["error"] = "\(error)"
            engine.logger.debug("HTTP request failed", metadata: metadata)
        }
    }
}
