import Foundation
import NoaberCore
import Testing

/// `Payload.decode` reads the strict parser's tree with `JSONTreeDecoder` and compares it with
/// `JSONTreeEncoder`'s tree, where it used `JSONDecoder` and `JSONEncoder`. Both pairs must agree:
/// the same value or the same failure (kind and field), and the same tree.
@Suite("JSON tree coding agrees with Foundation's")
struct JSONTreeCodingTests {
    /// Every kind's payload, and each spoiled in the ways a decoder can refuse it.
    func inputs() throws -> [String] {
        let kinds = try PayloadTests().everyKind().map(\.json)
        var inputs = kinds
        for json in kinds {
            inputs.append(json.replacingOccurrences(of: #""id":"e-1""#, with: #""id":5"#))
            inputs.append(json.replacingOccurrences(of: #""id":"e-1""#, with: #""id":null"#))
            inputs.append(json.replacingOccurrences(of: #","id":"e-1""#, with: ""))
            inputs.append(json.replacingOccurrences(of: #""v":1"#, with: #""v":"1""#))
            inputs.append(json.replacingOccurrences(of: #""v":1"#, with: #""v":1.5"#))
            inputs.append(json.replacingOccurrences(of: #""v":1"#, with: #""v":1e1"#))
            inputs.append(json.replacingOccurrences(of: #""v":1"#, with: #""v":99999999999999999999"#))
            inputs.append(json.replacingOccurrences(of: #""v":1"#, with: #""v":true"#))
            inputs.append(json.replacingOccurrences(of: #""v":1"#, with: #""v":[1]"#))
            inputs.append(json.replacingOccurrences(of: #""v":1"#, with: #""v":2"#))
            inputs.append(json.replacingOccurrences(of: #""amount":500"#, with: #""amount":"500""#))
            inputs.append(json.replacingOccurrences(of: #""amount":500"#, with: #""amount":5e2"#))
            inputs.append(json.replacingOccurrences(of: #""amount":500"#, with: #""amount":{}"#))
            inputs.append(json.replacingOccurrences(of: #"},{"account""#, with: #"},{"acount""#))
            inputs.append(json.replacingOccurrences(of: #""postings":["#, with: #""postings":[null,"#))
            inputs.append(json.replacingOccurrences(of: #""postings":["#, with: #""postings":[[],"#))
            inputs.append(json.replacingOccurrences(of: #""kind":""#, with: #""kind":"x"#))
            inputs.append(json.replacingOccurrences(of: #""v":1,"#, with: #""v":1,"extra":[],"#))
        }
        return inputs + ["[]", "1", "null", #""text""#, "{}", #"{"v":1}"#]
    }

    /// What a decoding failure says, without Foundation's own wording.
    func summary(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "not a DecodingError: \(error)" }
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .keyNotFound(let key, let context): return "keyNotFound \(path(context.codingPath + [key]))"
        case .typeMismatch(let type, let context): return "typeMismatch \(type) \(path(context.codingPath))"
        case .valueNotFound(let type, let context): return "valueNotFound \(type) \(path(context.codingPath))"
        case .dataCorrupted(let context):
            // Foundation's own messages differ; Noaber's (a bad version, an invalid id) must not.
            let own = context.debugDescription.hasPrefix("Parsed JSON number") ? "" : context.debugDescription
            return "dataCorrupted \(path(context.codingPath)) \(own)"
        @unknown default: return "unknown"
        }
    }

    @Test func decoderAgreesWithJSONDecoder() throws {
        for json in try inputs() {
            let bytes = Array(json.utf8)
            let tree = try StrictJSON.parse(bytes)
            let ours = Result { try JSONTreeDecoder().decode(Payload.self, from: tree) }
            let foundation = Result { try JSONDecoder().decode(Payload.self, from: Data(bytes)) }
            switch (ours, foundation) {
            case (.success(let a), .success(let b)): #expect(a == b, "\(json)")
            case (.failure(let a), .failure(let b)):
                // Foundation refuses a number that is no Int (beyond 64 bits, a fraction) as not
                // JSON at all; the tree decoder names its field.
                if summary(b).hasSuffix("not valid JSON."),
                    json.contains("99999999999999999999") || json.contains("1.5")
                {
                    #expect(summary(a) == "dataCorrupted .v ", "\(json)")
                    continue
                }
                #expect(summary(a) == summary(b), "\(json)")
            default: Issue.record("\(json): ours \(ours), Foundation's \(foundation)")
            }
        }
    }

    @Test func encoderBuildsTheTreeOfJSONEncodersBytes() throws {
        for json in try inputs() {
            guard let payload = try? Payload.decode(Array(json.utf8)) else { continue }
            #expect(try JSONTreeEncoder().encode(payload) == StrictJSON.parse(payload.encoded()), "\(json)")
        }
    }

    @Test(arguments: [
        ("from_seq", "fromSeq"), ("a_b_c", "aBC"), ("_a_b_", "_aB_"), ("__x", "__x"), ("x__y", "xY"),
        ("already_camelCase", "alreadyCamelcase"), ("plain", "plain"), ("_", "_"), ("", ""), ("A_B", "aB"),
        ("key_id", "keyId"), ("__entry__ids__", "__entryIds__"), ("a_b2_c", "aB2C"), ("x_é_y", "xÉY"),
        ("___", "___"), ("a_", "a_"),
    ])
    func snakeCaseAsJSONDecoderConvertsIt(key: String, expected: String) throws {
        struct Probe: Decodable {
            let keys: [String]
            init(from decoder: any Decoder) throws {
                keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
            }
        }
        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        let json = Array(#"{"\#(key)":1}"#.utf8)
        let ours = try JSONTreeDecoder(convertFromSnakeCase: true).decode(Probe.self, from: StrictJSON.parse(json))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let foundation = try decoder.decode(Probe.self, from: Data(json))
        #expect(ours.keys == [expected])
        #expect(foundation.keys == [expected])
    }
}
