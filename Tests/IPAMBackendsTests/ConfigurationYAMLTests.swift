// Tests of YAML features in configuration files read through libyaml: comments, quoting, anchors, block scalars.
import IPAddressing
import IPAMBackends
import IPAMCore
import IPAMLocalSQLite
import IPAMphpIPAM
import Testing

@Suite("Configuration YAML syntax")
struct ConfigurationYAMLTests {
    @Test("comments, quoted strings and block scalars read as the values they spell")
    func yamlFeatures() throws {
        let configuration = try parseConfiguration("""
            # the whole cluster
            clusterID: "prod-dal"   # quoted
            ipam:
              backend: 'local'
              local:
                database: >-
                  /var/lib/overlay-ipam/ipam.db
                zones:
                  dal10:
                    - {subnet: "192.168.100.0/24", gateway: 192.168.100.1}  # the first
                  'dal12':
                    - subnet: |-
                        192.168.101.0/24
            """)
        #expect(configuration.clusterID == "prod-dal")
        guard let local = configuration.ipam.settings as? LocalIPAMConfiguration else {
            Issue.record("expected the local backend")
            return
        }
        #expect(local.database == "/var/lib/overlay-ipam/ipam.db")
        #expect(local.zones.map(\.name) == ["dal10", "dal12"])
        #expect(local.zones.map { $0.subnets.map(\.subnet.description) } == [["192.168.100.0/24"], ["192.168.101.0/24"]])
    }

    @Test("an alias reads as the value its anchor names")
    func aliases() throws {
        let configuration = try parseConfiguration("""
            clusterID: prod-dal
            ipam:
              backend: phpipam
              phpipam:
                url: https://phpipam.example.com
                appID: iks
                credentials: {usernameFile: &credentials /etc/phpipam/credentials, passwordFile: *credentials}
                subnetMap: {dal10: [7]}
            """)
        let phpipam = try #require(configuration.ipam.settings as? PhpIPAMConfiguration)
        #expect(phpipam.credentials == .files(usernameFile: "/etc/phpipam/credentials", passwordFile: "/etc/phpipam/credentials"))
    }

    @Test("an undefined alias and a tab indentation are syntax errors with line and column")
    func syntaxErrors() {
        #expect(configurationProblems("clusterID: *nothing\n") == ["YAML syntax error at line 1, column 12: found undefined alias"])
        #expect(configurationProblems("clusterID: a\nipam:\n\tbackend: local\n").first?.hasPrefix("YAML syntax error at line 3, column 1:") == true)
    }
}
