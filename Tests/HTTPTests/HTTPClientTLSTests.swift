// TLS tests of HTTPClient against a real TLS server on 127.0.0.1 with a generated test CA.
import HTTP
import Testing
import TestSupport

private let okHandler: TestHTTPServer.Handler = { request, responder in
    try await responder.respond(status: 200, body: "secure \(request.uri)")
}

/// Sends one GET to `server` with `tls` and returns the response or the error.
private func get(_ server: TestHTTPServer, tls: TLSConfiguration, path: String = "/") async -> Result<HTTPResponse, HTTPError> {
    let client = HTTPClient(configuration: .init(tls: tls))
    do {
        return .success(try await client.send(HTTPRequest(url: server.baseURL + path)))
    } catch {
        return .failure(error)
    }
}

@Suite("HTTPClient TLS", .timeLimit(.minutes(1)))
struct HTTPClientTLSTests {
    @Test("verification succeeds with the CA as a file")
    func caFile() async throws {
        let pki = try await TLSTestCertificates.shared()
        let server = try await TestHTTPServer.start(tls: .init(pki), handler: okHandler)
        let response = try await get(server, tls: .init(certificateAuthority: .file(pki.caCertificatePath)), path: "/a").get()
        #expect(response.body == Array("secure /a".utf8))
        try await server.shutdown()
    }

    @Test("verification succeeds with the CA as PEM bytes")
    func caPEM() async throws {
        let pki = try await TLSTestCertificates.shared()
        let server = try await TestHTTPServer.start(tls: .init(pki), handler: okHandler)
        let response = try await get(server, tls: .init(certificateAuthority: .pem(pki.caCertificatePEM()))).get()
        #expect(response.status == 200)
        try await server.shutdown()
    }

    @Test("without the CA verification fails with a TLS error that says to pass the CA")
    func noCA() async throws {
        let pki = try await TLSTestCertificates.shared()
        let server = try await TestHTTPServer.start(tls: .init(pki), handler: okHandler)
        let result = await get(server, tls: .init())
        guard case .failure(.tls(let message)) = result else {
            Issue.record("expected a TLS error, got \(result)")
            return
        }
        #expect(message.hasPrefix("certificate verify failed"))
        #expect(message.contains("caFile"))
        try await server.shutdown()
    }

    @Test("a CA that did not sign the server certificate fails verification")
    func wrongCA() async throws {
        let pki = try await TLSTestCertificates.shared()
        let server = try await TestHTTPServer.start(tls: .init(pki), handler: okHandler)
        let result = await get(server, tls: .init(certificateAuthority: .file(pki.otherCACertificatePath)))
        guard case .failure(.tls) = result else {
            Issue.record("expected a TLS error, got \(result)")
            return
        }
        try await server.shutdown()
    }

    @Test("insecureSkipVerify accepts the unverified server")
    func insecureSkipVerify() async throws {
        let pki = try await TLSTestCertificates.shared()
        let server = try await TestHTTPServer.start(tls: .init(pki), handler: okHandler)
        let response = try await get(server, tls: .init(insecureSkipVerify: true)).get()
        #expect(response.status == 200)
        try await server.shutdown()
    }

    @Test("a missing CA file is an invalid request naming the file")
    func missingCAFile() async throws {
        let pki = try await TLSTestCertificates.shared()
        let server = try await TestHTTPServer.start(tls: .init(pki), handler: okHandler)
        let result = await get(server, tls: .init(certificateAuthority: .file(pki.directory + "/missing.pem")))
        guard case .failure(.invalidRequest(let message)) = result else {
            Issue.record("expected invalidRequest, got \(result)")
            return
        }
        #expect(message.contains("missing.pem"))
        try await server.shutdown()
    }

    @Test("the server name is verified instead of the URL's host, while connecting to the URL's address")
    func serverName() async throws {
        let pki = try await TLSTestCertificates.shared()
        let server = try await TestHTTPServer.start(tls: .init(pki)) { request, responder in
            try await responder.respond(status: 200, body: request.header("host") ?? "no host")
        }
        let ca = TLSConfiguration.PEMSource.file(pki.caCertificatePath)
        let response = try await get(server, tls: .init(certificateAuthority: ca, serverName: "localhost")).get()
        #expect(response.body == Array("127.0.0.1:\(server.port)".utf8))
        let wrongName = await get(server, tls: .init(certificateAuthority: ca, serverName: "other.test"))
        guard case .failure(.tls(let message)) = wrongName else {
            Issue.record("expected a TLS error for a name not in the certificate, got \(wrongName)")
            return
        }
        #expect(message.contains("host name"))
        try await server.shutdown()
    }

    @Test("TLS connections are reused across requests")
    func tlsConnectionReuse() async throws {
        let pki = try await TLSTestCertificates.shared()
        let server = try await TestHTTPServer.start(tls: .init(pki), handler: okHandler)
        let client = HTTPClient(configuration: .init(tls: .init(certificateAuthority: .pem(try pki.caCertificatePEM()))))
        for index in 0..<10 {
            #expect(try await client.send(HTTPRequest(url: server.baseURL + "/\(index)")).status == 200)
        }
        #expect(server.acceptedConnections == 1)
        try await server.shutdown()
    }

    @Test("a server that requires a client certificate accepts ours from files and from PEM bytes, and refuses none")
    func clientCertificate() async throws {
        let pki = try await TLSTestCertificates.shared()
        let server = try await TestHTTPServer.start(tls: .init(pki, requireClientCertificate: true), handler: okHandler)
        let ca = TLSConfiguration.PEMSource.file(pki.caCertificatePath)
        let fromFiles = try await get(
            server,
            tls: .init(
                certificateAuthority: ca, clientCertificate: .file(pki.clientCertificatePath),
                clientKey: .file(pki.clientKeyPath))
        ).get()
        #expect(fromFiles.status == 200)
        let fromPEM = try await get(
            server,
            tls: .init(
                certificateAuthority: ca, clientCertificate: .pem(pki.clientCertificatePEM()),
                clientKey: .pem(pki.clientKeyPEM()))
        ).get()
        #expect(fromPEM.status == 200)
        let without = await get(server, tls: .init(certificateAuthority: ca))
        guard case .failure(let error) = without else {
            Issue.record("expected the server to refuse a client without certificate, got \(without)")
            return
        }
        guard case .tls(let message) = error else {
            Issue.record("expected a TLS error, got \(error)")
            return
        }
        #expect(message.contains("client certificate"))
        try await server.shutdown()
    }
}
