// Tests of the document level: cluster id, backend selection, shapes, YAML syntax errors, error formatting.
import IPAMBackends
import IPAMCore
import Testing

/// A valid `ipam.local` section, indented to sit under `ipam:`.
private let localSection = """
      local:
        database: /tmp/ipam.db
        zones: {dal10: [192.168.100.0/24]}
    """

@Suite("OverlayConfiguration")
struct OverlayConfigurationTests {
    @Test("infers the backend when only one section is given")
    func inferredBackend() throws {
        let configuration = try parseConfiguration("clusterID: c1\nipam:\n\(localSection)")
        #expect(configuration.ipam.backendName == "local")
    }

    @Test("uses the selected section when both are present")
    func bothSections() throws {
        let configuration = try parseConfiguration("""
            clusterID: c1
            ipam:
              backend: local
            \(localSection)
              phpipam: {url: https://phpipam, appID: iks, credentials: {fromEnvironment: true}, subnetMap: {dal10: [7]}}
            """)
        #expect(configuration.ipam.backendName == "local")
    }

    @Test("reports document-level problems with their paths", arguments: [
        ("ipam:\n\(localSection)", ["clusterID: is required; set a name that marks this cluster's allocations, e.g. clusterID: prod-dal"]),
        ("clusterID: c1", ["ipam: is required; add an ipam section with backend: local, backend: phpipam or backend: netbox"]),
        ("clusterID: c1\nipam: {backend: sqlite}", [#"ipam.backend: unknown backend "sqlite"; use local, phpipam or netbox"#]),
        ("clusterID: c1\nipam: {backend: phpipam}", ["ipam.phpipam: is required; ipam.backend is phpipam, so add a phpipam section with url, appID, credentials and subnetMap"]),
        ("clusterID: c1\nipam: {}", ["ipam.backend: is required; set it to local, phpipam or netbox and add the matching section"]),
        ("clusterID: \"prod/dal\"\nipam:\n\(localSection)", [#"clusterID: "prod/dal" may contain only letters, digits, '-', '_' and '.' and be at most 63 characters long"#]),
        ("clusterId: c1\nipam:\n\(localSection)", [
            "clusterId: unknown key (did you mean clusterID?); allowed keys here: clusterID, ipam, phpIPAM",
            "clusterID: is required; set a name that marks this cluster's allocations, e.g. clusterID: prod-dal",
        ]),
        ("- just\n- a list", ["expected a mapping of clusterID, ipam, phpIPAM, found a list"]),
        ("", ["the configuration is empty; it needs clusterID and an ipam section"]),
        ("clusterID: [a", ["YAML syntax error at line 2, column 1: did not find expected ',' or ']'"]),
        ("clusterID: a\nclusterID: b\nipam: {}", ["duplicate key clusterID in one mapping; keep only one"]),
    ])
    func documentProblems(yaml: String, expected: [String]) {
        #expect(configurationProblems(yaml) == expected)
    }

    @Test("refuses mixing the original phpIPAM shape with an ipam section")
    func bothShapes() {
        let problems = configurationProblems("""
            clusterID: c1
            phpIPAM: {url: http://phpipam, appID: iks, subnetMap: {dal10: [7]}}
            ipam:
            \(localSection)
            """)
        #expect(problems == ["phpIPAM: use either ipam (this project's schema) or phpIPAM (the original ConfigMap shape), not both; move its settings to ipam.phpipam"])
    }

    @Test("formats the error as one line per problem")
    func errorDescription() {
        let error = ConfigurationError(problems: [
            ConfigurationProblem(path: "a.b", message: "is wrong"),
            ConfigurationProblem(path: "", message: "whole document"),
        ])
        #expect(error.description == "a.b: is wrong\nwhole document")
    }

    @Test("follows YAML anchors and aliases")
    func aliases() throws {
        let configuration = try parseConfiguration("""
            clusterID: c1
            ipam:
              local:
                database: /tmp/ipam.db
                zones:
                  dal10: &subnets [192.168.100.0/24]
                  dal12: [192.168.101.0/24]
            """)
        #expect(configuration.ipam.zoneNames == ["dal10", "dal12"])
    }

    @Test("parses and prints configuration durations", arguments: [
        ("5m", Duration.seconds(300), "5m"), ("90s", .seconds(90), "1m30s"), ("1h30m", .seconds(5400), "1h30m"),
        ("250ms", .milliseconds(250), "250ms"), ("0", .zero, "0s"),
    ])
    func durations(text: String, duration: Duration, printed: String) {
        #expect(Duration(configurationText: text) == duration)
        #expect(duration.configurationText == printed)
    }

    @Test("rejects malformed durations", arguments: ["", "5", "m", "5 m", "-5m", "5d", "1.5s", "999999999999h"])
    func badDurations(text: String) {
        #expect(Duration(configurationText: text) == nil)
    }
}
