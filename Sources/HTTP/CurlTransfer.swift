// One libcurl easy handle: configured from a PreparedRequest, fed by libcurl's callbacks, freed when it finishes.
import CCurl
import Synchronization

/// One request in flight. Lives only on the engine's thread: it is created, driven and destroyed there,
/// which is what makes its raw libcurl state safe without locks.
final class CurlTransfer {
    let sink: ResponseSink
    let request: PreparedRequest
    let easy: UnsafeMutableRawPointer
    let started: ContinuousClock.Instant
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var parser = ResponseHeadParser()
    /// Whether the write callback paused libcurl because the consumer's buffer is full.
    private(set) var pausedForBackpressure = false
    /// When bytes last arrived (or the transfer started or resumed), for the idle timeout.
    private(set) var lastActivity: ContinuousClock.Instant
    private(set) var bodyBytes = 0
    private var closed = false

    var id: UInt64 { sink.transferID }
    /// The head and idle deadlines the engine enforces for streams.
    var deadlines: StreamDeadlines<ContinuousClock.Instant> {
        StreamDeadlines(
            started: started, headTimeout: request.headTimeout, idleTimeout: request.idleTimeout, url: request.displayURL)
    }
    var headReceived: Bool { parser.completedHead != nil }

    init(request: PreparedRequest, sink: ResponseSink) throws(HTTPError) {
        guard let easy = curl_easy_init() else { throw .transport("libcurl could not allocate a transfer handle") }
        sink.engine.openEasyHandles.add(1, ordering: .relaxed)
        self.easy = easy
        self.sink = sink
        self.request = request
        started = .now
        lastActivity = started
        let errorSize = Int(overlay_curl_error_size())
        errorBuffer = .allocate(capacity: errorSize)
        errorBuffer.initialize(repeating: 0, count: errorSize)
        try configure()
    }

    deinit {
        close()
        errorBuffer.deallocate()
    }

    /// Frees the easy handle and its header lists; call after removing it from the multi handle. Runs at
    /// most once, so the handle is freed before the consumer learns the outcome (and on deinit otherwise).
    func close() {
        guard !closed else { return }
        closed = true
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
        headerList = nil
        connectToList = nil
        sink.engine.openEasyHandles.subtract(1, ordering: .relaxed)
    }

    /// libcurl's message for the last failure, or an empty string.
    var errorDetail: String {
        String(cString: errorBuffer).trimmingHTTPWhitespace()
    }

    /// Whether the connection had been established (TCP and, for HTTPS, TLS): libcurl records a
    /// pre-transfer time only once it is ready to send the request, on a new or a reused connection.
    var connected: Bool {
        var connect: curl_off_t = 0
        var pretransfer: curl_off_t = 0
        _ = curl_easy_getinfo_off_t(easy, CURLINFO_CONNECT_TIME_T, &connect)
        _ = curl_easy_getinfo_off_t(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer)
        return pretransfer > 0 || (connect > 0 && !request.effectiveURL.lowercased().hasPrefix("https:"))
    }

    /// The head parsed so far, or libcurl's status code with no headers, for a transfer that ended early.
    var fallbackHead: ResponseHead? {
        if let head = parser.completedHead { return head }
        var status = 0
        guard curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status) == CURLE_OK, status > 0 else { return nil }
        return ResponseHead(status: status, headers: parser.headers)
    }

    /// The consumer drained its buffer: resume receiving.
    func resumeAfterBackpressure() {
        guard pausedForBackpressure else { return }
        pausedForBackpressure = false
        lastActivity = .now
        // May call the write callback right away with the bytes it was offered before the pause.
        curl_easy_pause(easy, overlay_curl_pause_continue())
    }

    // MARK: - Callbacks

    fileprivate func receivedHeaderLine(_ line: [UInt8]) {
        lastActivity = .now
        if let head = parser.consume(line: line) { sink.receivedHead(head) }
    }

    /// What the write callback returns for `bytes`: their length when taken, `CURL_WRITEFUNC_PAUSE` to
    /// pause, or 0 to abort (libcurl then fails with a write error; the sink already holds the real one).
    fileprivate func receivedBody(_ bytes: [UInt8]) -> Int {
        lastActivity = .now
        switch sink.receivedBody(bytes) {
        case .taken:
            bodyBytes += bytes.count
            return bytes.count
        case .pause:
            pausedForBackpressure = true
            return Int(overlay_curl_writefunc_pause())
        case .abort:
            return 0
        }
    }

    // MARK: - Setup

    private func configure() throws(HTTPError) {
        let request = request
        var failure: CURLcode = CURLE_OK
        func set(_ code: CURLcode) {
            if failure == CURLE_OK, code != CURLE_OK { failure = code }
        }
        set(curl_easy_setopt_string(easy, CURLOPT_URL, request.effectiveURL))
        set(curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        set(curl_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1))
        set(curl_easy_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 0))
        set(curl_easy_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1))
        set(curl_easy_setopt_long(easy, CURLOPT_TCP_KEEPIDLE, 30))
        set(curl_easy_setopt_long(easy, CURLOPT_TCP_KEEPINTVL, 10))
        set(curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set(curl_easy_setopt_string(easy, CURLOPT_USERAGENT, request.userAgent))
        set(curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.milliseconds))
        if let timeout = request.transferTimeout {
            set(curl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, timeout.milliseconds))
        }
        configureMethodAndBody(set)
        for line in request.headerLines {
            headerList = curl_slist_append(headerList, line)
        }
        set(curl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList))
        if let connectTo = request.connectTo {
            connectToList = curl_slist_append(connectToList, connectTo)
            set(curl_easy_setopt_slist(easy, CURLOPT_CONNECT_TO, connectToList))
        }
        configureTLS(set)
        let context = Unmanaged.passUnretained(self).toOpaque()
        set(curl_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, context))
        set(curl_easy_setopt_header_callback(easy, curlHeaderCallback))
        set(curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        set(curl_easy_setopt_write_callback(easy, curlWriteCallback))
        guard failure == CURLE_OK else {
            throw CurlErrorMapping.error(
                for: failure, detail: errorDetail,
                context: TransferFailureContext(
                    url: request.displayURL, connected: false, headReceived: false,
                    connectTimeout: request.connectTimeout, requestTimeout: request.transferTimeout))
        }
    }

    private func configureMethodAndBody(_ set: (CURLcode) -> Void) {
        switch request.method {
        case .get where request.body == nil:
            set(curl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
        case .head:
            set(curl_easy_setopt_long(easy, CURLOPT_NOBODY, 1))
        case .post:
            break
        case .get, .put, .patch, .delete:
            set(curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
        }
        guard let body = request.body else { return }
        set(curl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
        // COPYPOSTFIELDS copies the bytes, so the array need not outlive this call.
        body.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress {
                set(curl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: base)))
            } else {
                set(curl_easy_setopt_string(easy, CURLOPT_COPYPOSTFIELDS, ""))
            }
        }
    }

    private func configureTLS(_ set: (CURLcode) -> Void) {
        let tls = request.tls
        if tls.insecureSkipVerify {
            set(curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 0))
            set(curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 0))
        }
        if let authority = tls.certificateAuthority {
            // Trust only the configured CA, like kubectl's certificate-authority, not the system bundle too.
            set(curl_easy_setopt_pointer(easy, CURLOPT_CAPATH, nil))
            apply(authority, file: CURLOPT_CAINFO, blob: CURLOPT_CAINFO_BLOB, set)
        }
        if let certificate = tls.clientCertificate {
            apply(certificate, file: CURLOPT_SSLCERT, blob: CURLOPT_SSLCERT_BLOB, set)
            set(curl_easy_setopt_string(easy, CURLOPT_SSLCERTTYPE, "PEM"))
        }
        if let key = tls.clientKey {
            apply(key, file: CURLOPT_SSLKEY, blob: CURLOPT_SSLKEY_BLOB, set)
            set(curl_easy_setopt_string(easy, CURLOPT_SSLKEYTYPE, "PEM"))
        }
    }

    private func apply(
        _ source: TLSConfiguration.PEMSource, file: CURLoption, blob: CURLoption, _ set: (CURLcode) -> Void
    ) {
        switch source {
        case .file(let path):
            set(curl_easy_setopt_string(easy, file, path))
        case .pem(let bytes):
            var copy = bytes
            copy.withUnsafeMutableBytes { buffer in
                // CURL_BLOB_COPY: libcurl keeps its own copy of the bytes.
                var value = curl_blob(data: buffer.baseAddress, len: buffer.count, flags: UInt32(CURL_BLOB_COPY))
                set(curl_easy_setopt_blob(easy, blob, &value))
            }
        }
    }
}

// MARK: - C callbacks

/// libcurl hands over one complete header line per call (status line, fields, the blank line).
private func curlHeaderCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let line = data.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
    transfer.receivedHeaderLine(line)
    return length
}

/// libcurl hands over body bytes; returning `CURL_WRITEFUNC_PAUSE` pauses and re-offers them on resume.
private func curlWriteCallback(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let context else { return 0 }
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let bytes = data.map { [UInt8](UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
    return transfer.receivedBody(bytes)
}
