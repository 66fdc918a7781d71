// Tests that NetBox failures become retryable or permanent IPAM errors that say what to fix.
import IPAMCore
@testable import IPAMNetBox
import Testing

@Suite("NetBox error mapping")
struct NetBoxErrorMappingTests {
    let context = NetBoxErrorContext(
        tokenSource: "NETBOX_TOKEN", tokenIsVersion2: false, url: "https://netbox", tag: "overlay", clusterField: "overlay_cluster")

    func failure(_ status: Int, _ body: String, apiVersion: String? = "4.6") -> NetBoxFailure {
        NetBoxFailure(status: status, step: "POST /api/ipam/prefixes/1/available-ips/", body: Array(body.utf8), apiVersion: apiVersion)
    }

    @Test("a refused token is permanent and points at the token's source")
    func badToken() {
        let error = NetBoxErrorMapping.map(failure(403, #"{"detail":"Invalid v1 token"}"#), context: context)
        #expect(!error.isRetryable)
        #expect(error.description.contains("Invalid v1 token") && error.description.contains("put a valid token") && error.description.contains("NETBOX_TOKEN"))
    }

    @Test("a v2 token against NetBox 4.4 says to use a v1 token")
    func v2On44() {
        var v2 = context
        v2.tokenIsVersion2 = true
        let error = NetBoxErrorMapping.map(
            failure(403, #"{"detail":"Authentication credentials were not provided."}"#, apiVersion: "4.4"), context: v2)
        #expect(error.description.contains("NetBox 4.4 has no v2 tokens"))
    }

    @Test("a missing permission names the permissions to give")
    func permission() {
        let error = NetBoxErrorMapping.map(failure(403, #"{"detail":"You do not have permission to perform this action."}"#), context: context)
        #expect(error.description.contains("ObjectPermissions") && error.description.contains("write-enabled"))
        #expect(!NetBoxErrorMapping.isAuthenticationFailure(failure(403, #"{"detail":"You do not have permission to perform this action."}"#)))
    }

    @Test("a missing custom field or tag is a configuration error naming it")
    func missingMarks() {
        let field = NetBoxErrorMapping.map(
            failure(400, #"{"custom_fields":{"overlay_cluster":"Custom field 'overlay_cluster' does not exist for this object type."}}"#),
            context: context)
        #expect(field.description.contains("create the text custom field overlay_cluster"))
        let tag = NetBoxErrorMapping.map(
            failure(400, #"{"tags":["Related object not found using the provided attributes: {'slug': 'overlay'}"]}"#), context: context)
        #expect(tag.description.contains("create the tag overlay"))
    }

    @Test("an unknown prefix names the configuration entry; an HTML 404 names the URL")
    func notFound() {
        let prefix = NetBoxErrorMapping.map(
            failure(404, #"{"detail":"No Prefix matches the given query."}"#),
            context: context.about(prefix: "ipam.netbox.prefixMap.dal10[0]", NetBoxPrefixReference(.id(99))))
        #expect(prefix.description.contains("ipam.netbox.prefixMap.dal10[0] (prefix id 99): NetBox has no such prefix"))
        let html = NetBoxErrorMapping.map(failure(404, "<!DOCTYPE html><title>Page Not Found | NetBox</title>"), context: context)
        #expect(html.description.contains("set ipam.netbox.url"))
    }

    @Test("server trouble is retryable", arguments: [500, 502, 503, 429])
    func retryable(status: Int) {
        #expect(NetBoxErrorMapping.map(failure(status, "{}"), context: context).isRetryable)
    }

    @Test("API versions before 4.5 are recognised")
    func versions() {
        #expect(NetBoxErrorMapping.isBefore45("4.4") && NetBoxErrorMapping.isBefore45("3.7"))
        #expect(!NetBoxErrorMapping.isBefore45("4.5") && !NetBoxErrorMapping.isBefore45("4.6") && !NetBoxErrorMapping.isBefore45("5.0"))
    }

    @Test("a next link keeps only its API path, whatever host NetBox thinks it has")
    func nextLink() {
        #expect(NetBoxConnection.path(ofNextLink: "http://127.0.0.1:8000/api/ipam/ip-addresses/?limit=2&offset=2") == "/ipam/ip-addresses/?limit=2&offset=2")
        #expect(NetBoxConnection.queryValue("c 1/ä") == "c%201/%C3%A4")
    }
}

@Suite("NetBox error bodies")
struct NetBoxErrorBodyTests {
    @Test("field errors of a list POST are read from the items that have them")
    func listErrors() {
        let failure = NetBoxFailure(
            status: 400, step: "POST", body: Array(#"[{"custom_fields":{"overlay_cluster":"Custom field 'overlay_cluster' does not exist for this object type."}},{}]"#.utf8),
            apiVersion: "4.6")
        #expect(failure.fieldErrors["custom_fields"] == "overlay_cluster: Custom field 'overlay_cluster' does not exist for this object type.")
    }
}
