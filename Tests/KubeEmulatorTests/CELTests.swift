// The CEL subset used by x-kubernetes-validations: operators, macros, has/size and the IP/CIDR library.
@testable import KubeEmulator
import Testing

@Suite("CEL validation rules")
struct CELTests {
    @Test("the project's StaticRoute rules evaluate like the real server", arguments: [
        ("isCIDR(self) && cidr(self) == cidr(self).masked()", JSON.string("10.0.0.0/8"), CEL.Outcome.passed),
        ("isCIDR(self) && cidr(self) == cidr(self).masked()", "10.0.0.1/8", .failed),
        ("isCIDR(self) && cidr(self) == cidr(self).masked()", "fd00::/64", .passed),
        ("isCIDR(self) && cidr(self) == cidr(self).masked()", "nonsense", .failed),
        ("isIP(self)", "192.168.100.1", .passed),
        ("isIP(self)", "192.168.100.300", .failed),
        ("isIP(self)", "fd00:100::1", .passed),
        ("!has(self.gateway) || !isCIDR(self.subnet) || !isIP(self.gateway) || cidr(self.subnet).ip().family() == ip(self.gateway).family()", ["subnet": "fd01::/64", "gateway": "fd00:100::1"], .passed),
        ("!has(self.gateway) || !isCIDR(self.subnet) || !isIP(self.gateway) || cidr(self.subnet).ip().family() == ip(self.gateway).family()", ["subnet": "10.1.0.0/16", "gateway": "192.168.100.1"], .passed),
        ("!has(self.gateway) || !isCIDR(self.subnet) || !isIP(self.gateway) || cidr(self.subnet).ip().family() == ip(self.gateway).family()", ["subnet": "fd01::/64"], .passed),
        ("!has(self.gateway) || !isCIDR(self.subnet) || !isIP(self.gateway) || cidr(self.subnet).ip().family() == ip(self.gateway).family()", ["subnet": "fd01::/64", "gateway": "192.168.100.1"], .failed),
        ("!has(self.gateway) || !isCIDR(self.subnet) || !isIP(self.gateway) || cidr(self.subnet).ip().family() == ip(self.gateway).family()", ["subnet": "10.1.0.0/16", "gateway": "fd00:100::1"], .failed),
        ("!has(self.gateway) || !isCIDR(self.subnet) || !isIP(self.gateway) || cidr(self.subnet).ip().family() == ip(self.gateway).family()", ["subnet": "10.1.0.0/16", "gateway": "nonsense"], .passed),
        ("self != 255 && self != 253", 254, .passed),
        ("self != 255 && self != 253", 253, .failed),
        ("(self.operator in ['In', 'NotIn']) == (has(self.values) && size(self.values) > 0)",
         ["operator": "In", "values": ["a"]], .passed),
        ("(self.operator in ['In', 'NotIn']) == (has(self.values) && size(self.values) > 0)", ["operator": "In"], .failed),
        ("(self.operator in ['In', 'NotIn']) == (has(self.values) && size(self.values) > 0)", ["operator": "Exists"], .passed),
        ("(self.operator in ['In', 'NotIn']) == (has(self.values) && size(self.values) > 0)",
         ["operator": "Exists", "values": ["x"]], .failed),
    ] as [(String, JSON, CEL.Outcome)])
    func projectRules(rule: String, value: JSON, expected: CEL.Outcome) {
        #expect(CEL.evaluate(rule, self: value, oldSelf: nil) == expected)
    }

    @Test("macros, ternaries, arithmetic, strings and CIDR containment")
    func language() {
        let object: JSON = ["items": [1, 2, 3], "name": "edge-1", "net": "10.0.0.0/8"]
        #expect(CEL.evaluate("self.items.all(i, i > 0) && self.items.exists(i, i == 2)", self: object, oldSelf: nil) == .passed)
        #expect(CEL.evaluate("self.items.exists_one(i, i >= 2)", self: object, oldSelf: nil) == .failed)
        #expect(CEL.evaluate("self.name.startsWith('edge') ? size(self.name) == 6 : false", self: object, oldSelf: nil) == .passed)
        #expect(CEL.evaluate("self.items[0] * 2 + 1 == 3 && -self.items[2] < 0", self: object, oldSelf: nil) == .passed)
        #expect(CEL.evaluate("cidr(self.net).containsIP('10.1.2.3') && !cidr(self.net).containsIP(ip('11.0.0.1'))",
                             self: object, oldSelf: nil) == .passed)
        #expect(CEL.evaluate("self.name.matches('^edge-[0-9]+$')", self: object, oldSelf: nil) == .passed)
    }

    @Test("transition rules compare with oldSelf; missing fields are errors; unknown functions are unsupported")
    func edges() {
        #expect(CEL.evaluate("self == oldSelf", self: "a", oldSelf: "a") == .passed)
        #expect(CEL.evaluate("self == oldSelf", self: "a", oldSelf: "b") == .failed)
        #expect(CEL.evaluate("self.missing == 1", self: [:], oldSelf: nil) == .error("no such key: missing"))
        #expect(CEL.evaluate("has(self.missing) || self.missing == 1", self: [:], oldSelf: nil) == .error("no such key: missing"))
        #expect(CEL.evaluate("!has(self.missing) || self.missing == 1", self: [:], oldSelf: nil) == .passed)
        if case .unsupported = CEL.evaluate("quantity(self).isGreaterThan(quantity('1'))", self: "2", oldSelf: nil) {} else {
            Issue.record("an unknown function must make the rule unsupported")
        }
    }
}
