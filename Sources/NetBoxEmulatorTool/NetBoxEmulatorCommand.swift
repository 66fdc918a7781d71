// `netbox-emulator`: serves the emulated NetBox API on 127.0.0.1 until SIGTERM or SIGINT.
import ArgumentParser
import Dispatch
import Foundation
import NetBoxEmulator

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct NetBoxEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netbox-emulator",
        abstract: "Serve an in-memory NetBox REST API (as recorded in netbox-api.md) on 127.0.0.1.")

    @Option(help: "Port to listen on (0 picks a free one; the chosen port is printed).")
    var port = 0

    @Option(help: "JSON seed file (prefixes, addresses, ipRanges, tags, customFields, users, tokens, …); default: the recorded server.")
    var seed: String?

    @Option(name: .customLong("netbox-version"), help: "Answer as NetBox 4.6 (default) or 4.4; overrides the seed's version.")
    var netboxVersion: String?

    @Option(help: "PEM certificate chain: serve HTTPS instead of HTTP (needs --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(help: "Latency added to every answer, in milliseconds.")
    var latencyMs = 0.0

    @Flag(help: "Add the real server's recorded latencies: 23.5 ms per allocation, 10 ms per listing, 47 ms per delete.")
    var recordedLatency = false

    @Option(help: "Delay of the first answer only, in milliseconds (a fresh NetBox worker takes about 3500).")
    var firstRequestDelayMs = 0.0

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together; give both or neither")
        }
        if let netboxVersion, NetBoxVersion(rawValue: netboxVersion) == nil {
            throw ValidationError("--netbox-version must be 4.4 or 4.6, not \(netboxVersion)")
        }
        if latencyMs < 0 || firstRequestDelayMs < 0 {
            throw ValidationError("--latency-ms and --first-request-delay-ms must not be negative")
        }
    }

    func run() async throws {
        var description = NetBoxSeed.example
        if let seed {
            let data = try readFile(seed, what: "seed")
            do {
                description = try JSONDecoder().decode(NetBoxSeed.self, from: Data(data))
            } catch {
                throw ValidationError("seed file \(seed) is not a valid seed: \(error)")
            }
        }
        if let netboxVersion, let version = NetBoxVersion(rawValue: netboxVersion) { description.version = version }
        var tls: NetBoxServer.TLS?
        if let tlsCert, let tlsKey {
            tls = NetBoxServer.TLS(
                certificateChainPEM: try readFile(tlsCert, what: "certificate"), privateKeyPEM: try readFile(tlsKey, what: "key"))
        }
        let emulator = NetBoxEmulator(seed: description)
        let latency = Duration.microseconds(Int64(latencyMs * 1000))
        let firstDelay = Duration.microseconds(Int64(firstRequestDelayMs * 1000))
        let perOperation = recordedLatency ? NetBoxFaults.recordedLatencies : [:]
        await emulator.injectFaults {
            $0.latency = latency
            $0.firstRequestDelay = firstDelay
            $0.operationLatency = perOperation
        }
        let server = try await NetBoxServer.start(emulator: emulator, port: port, tls: tls)
        // Unbuffered: scripts read the URL from a pipe or a file, where print() output would wait in a buffer.
        FileHandle.standardOutput.write(Data("netbox-emulator listening on \(server.baseURL) (NetBox \(description.version.rawValue))\n".utf8))
        await waitForTermination()
        await server.shutdown()
    }

    private func readFile(_ path: String, what: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read the \(what) file \(path); check the path and permissions")
        }
        return Array(data)
    }

    /// Returns once SIGTERM or SIGINT arrives.
    private func waitForTermination() async {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        var sources: [any DispatchSourceSignal] = []
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber)
            source.setEventHandler { continuation.yield(signalNumber) }
            source.resume()
            sources.append(source)
        }
        for await _ in stream { break }
        sources.forEach { $0.cancel() }
    }
}
