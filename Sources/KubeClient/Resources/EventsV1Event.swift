// EventsV1Event (events.k8s.io/v1): user-visible events about objects.

/// An `events.k8s.io/v1` Event.
public struct EventsV1Event: KubernetesObject, Hashable {
    /// `events.k8s.io/v1` `events`, namespaced.
    public static let resource = ResourceDescriptor.eventsV1

    /// Standard metadata.
    public var metadata: ObjectMeta
    /// When the event first happened (required).
    public var eventTime: KubeMicroTime
    /// Repeats of this event, when it is part of a series.
    public var series: EventSeries?
    /// The controller that emitted it, e.g. `iks.ibm.com/overlay-ip-controller`.
    public var reportingController: String
    /// The emitting instance, e.g. the pod name.
    public var reportingInstance: String
    /// What was done, e.g. `Reserve` (≤ 128 characters).
    public var action: String
    /// Why, in PascalCase, e.g. `IPReserved` (≤ 128 characters).
    public var reason: String
    /// The object the event is about.
    public var regarding: ObjectReference
    /// A second object involved, if any.
    public var related: ObjectReference?
    /// A human-readable description (≤ 1 kB).
    public var note: String?
    /// `Normal` or `Warning`.
    public var type: String

    /// An event.
    public init(
        metadata: ObjectMeta, eventTime: KubeMicroTime, reportingController: String, reportingInstance: String,
        action: String, reason: String, regarding: ObjectReference, note: String? = nil, type: String = "Normal",
        related: ObjectReference? = nil, series: EventSeries? = nil
    ) {
        self.metadata = metadata
        self.eventTime = eventTime
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.action = action
        self.reason = reason
        self.regarding = regarding
        self.note = note
        self.type = type
        self.related = related
        self.series = series
    }

    private enum CodingKeys: String, CodingKey {
        case metadata, eventTime, series, reportingController, reportingInstance, action, reason, regarding
        case related, note, type
    }

    /// Decodes an event; absent strings become empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        eventTime = try container.decode(KubeMicroTime.self, forKey: .eventTime)
        series = try container.decodeIfPresent(EventSeries.self, forKey: .series)
        reportingController = try container.decodeIfPresent(String.self, forKey: .reportingController) ?? ""
        reportingInstance = try container.decodeIfPresent(String.self, forKey: .reportingInstance) ?? ""
        action = try container.decodeIfPresent(String.self, forKey: .action) ?? ""
        reason = try container.decodeIfPresent(String.self, forKey: .reason) ?? ""
        regarding = try container.decodeIfPresent(ObjectReference.self, forKey: .regarding) ?? ObjectReference()
        related = try container.decodeIfPresent(ObjectReference.self, forKey: .related)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? ""
    }

    /// Encodes the event with `apiVersion` and `kind`.
    public func encode(to encoder: any Encoder) throws {
        try encodeTypeMeta(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(eventTime, forKey: .eventTime)
        try container.encodeIfPresent(series, forKey: .series)
        try container.encode(reportingController, forKey: .reportingController)
        try container.encode(reportingInstance, forKey: .reportingInstance)
        try container.encode(action, forKey: .action)
        try container.encode(reason, forKey: .reason)
        try container.encode(regarding, forKey: .regarding)
        try container.encodeIfPresent(related, forKey: .related)
        try container.encodeIfPresent(note, forKey: .note)
        try container.encode(type, forKey: .type)
    }
}

/// Repeats of an event within a short window.
public struct EventSeries: Sendable, Hashable, Codable {
    /// How many times the event has happened so far.
    public var count: Int
    /// When it last happened.
    public var lastObservedTime: KubeMicroTime

    /// A series entry.
    public init(count: Int, lastObservedTime: KubeMicroTime) {
        self.count = count
        self.lastObservedTime = lastObservedTime
    }
}
