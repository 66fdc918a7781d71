// `phpipam-emulator`: serves the emulated phpIPAM API on 127.0.0.1 until SIGTERM or SIGINT.
import ArgumentParser
import Dispatch
import Foundation
import PhpIPAMEmulator

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@main
struct PhpIPAMEmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phpipam-emulator",
        abstract: "Serve an in-memory phpIPAM API (as documented in phpipam-api.md) on 127.0.0.1.")

    @Option(help: "Port to listen on (0 picks a free one; the chosen port is printed).")
    var port = 0

    @Option(help: "JSON seed file (sections, subnets, apps, users, customFields); default: the doc's example server.")
    var seed: String?

    @Option(help: "PEM certificate chain: serve HTTPS instead of HTTP (needs --tls-key).")
    var tlsCert: String?

    @Option(help: "PEM private key for --tls-cert.")
    var tlsKey: String?

    @Option(help: "Latency added to every answer, in milliseconds.")
    var latencyMs = 0

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together; give both or neither")
        }
    }

    func run() async throws {
        var description = PhpIPAMSeed.example
        if let seed {
            let data = try readFile(seed, what: "seed")
            do {
                description = try JSONDecoder().decode(PhpIPAMSeed.self, from: Data(data))
            } catch {
                throw ValidationError("seed file \(seed) is not a valid seed: \(error)")
            }
        }
        var tls: PhpIPAMServer.TLS?
        if let tlsCert, let tlsKey {
            tls = PhpIPAMServer.TLS(
                certificateChainPEM: try readFile(tlsCert, what: "certificate"), privateKeyPEM: try readFile(tlsKey, what: "key"))
        }
        let emulator = PhpIPAMEmulator(seed: description)
        let latency = Duration.milliseconds(latencyMs)
        await emulator.injectFaults { $0.latency = latency }
        let server = try await PhpIPAMServer.start(emulator: emulator, port: port, tls: tls)
        // Unbuffered: scripts read the URL from a pipe or a file, where print() output would wait in a buffer.
        FileHandle.standardOutput.write(Data("phpipam-emulator listening on \(server.baseURL)\n".utf8))
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
