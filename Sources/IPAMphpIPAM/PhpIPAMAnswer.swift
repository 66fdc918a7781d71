// One phpIPAM answer: status, envelope and body, with typed access to `data` and to the failure.
import FoundationEssentials
import HTTP
import IPAMCore

/// A phpIPAM HTTP answer of any status.
struct PhpIPAMAnswer: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: [UInt8]
    /// The request, e.g. `POST /addresses/first_free/7/`, for messages.
    var step: String

    /// The envelope, or nil when the body is not phpIPAM JSON (an HTML error page, an empty 500, a cut body).
    var envelope: PhpIPAMEnvelope? {
        try? JSONDecoder().decode(PhpIPAMEnvelope.self, from: Data(body))
    }

    /// phpIPAM's `message`, if the body has one.
    var message: String? { envelope?.message }

    var isSuccess: Bool { (200..<300).contains(status) }

    /// The failure this answer describes.
    var failure: PhpIPAMFailure { PhpIPAMFailure(status: status, message: message, step: step) }

    /// `data` decoded as `T`; a non-2xx answer throws its mapped error, an unreadable body is retryable.
    func payload<T: Decodable>(_ type: T.Type) throws(IPAMError) -> T {
        guard isSuccess else { throw PhpIPAMErrorMapping.map(failure) }
        do {
            return try JSONDecoder().decode(PhpIPAMDataEnvelope<T>.self, from: Data(body)).data
        } catch {
            let preview = String(decoding: body.prefix(120), as: UTF8.self)
            throw .backendUnavailable("\(step) answered \(status) with a body that is not the expected phpIPAM JSON (\(error)): \(preview)")
        }
    }

    /// Throws the mapped error unless the answer is a 2xx with a readable envelope.
    func requireSuccess() throws(IPAMError) -> PhpIPAMEnvelope {
        guard isSuccess else { throw PhpIPAMErrorMapping.map(failure) }
        guard let envelope else {
            throw .backendUnavailable("\(step) answered \(status) with a body that is not phpIPAM JSON")
        }
        return envelope
    }
}
