import NoaberCore
import NoaberProtocol
import Testing

/// `ledger.submit`'s params read straight from their tree (`SubmitParams.exactly`) are what the
/// tree decoder reads; every other form is left to the decoder.
@Suite("ledger.submit params read without the tree decoder")
struct SubmitParamsReadingTests {
    static let salt = String(repeating: "ab", count: 16)
    static let texts =
        #"[{"path":"credits[0].memo","salt":"\#(salt)","text":"bezoek"},{"text":"","salt":"00","path":"memo"}]"#
    static let read = [
        #"{"payload":"eyJ2IjoyfQ==","signature":"aa","key_id":"bb"}"#,
        #"{"key_id":"bb","personal":\#(texts),"signature":"aa","payload":"eyJ2IjoyfQ=="}"#,
        #"{"payload":"","signature":"","key_id":"","personal":[]}"#,
    ]
    static let left = [
        #"{"payload":"p","signature":"aa","key_id":"bb","extra":1}"#,
        #"{"payload":"p","signature":"aa","keyId":"bb"}"#,
        #"{"payload":"p","signature":"aa","key_id":"bb","personal":null}"#,
        #"{"payload":"p","signature":"aa","key_id":"bb","personal":[{"path":"memo","salt":"00","text":"x","y":1}]}"#,
        #"{"payload":"p","signature":"aa","key_id":"bb","personal":[{"path":"memo","salt":"00"}]}"#,
        #"{"payload":"p","signature":"aa","key_id":"bb","personal":[{"path":"memo","salt":0,"text":"x"}]}"#,
        #"{"payload":"p","signature":"aa","key_id":"bb","personal":{}}"#,
        #"{"payload":7,"signature":"aa","key_id":"bb"}"#,
        #"{"signature":"aa","key_id":"bb"}"#,
        #"["p","aa","bb"]"#,
    ]

    static func tree(_ text: String) throws -> JSONTree { try StrictJSON.parse(Array(text.utf8), lenient: true) }

    static func shown(_ params: SubmitParams) -> String {
        "\(params.payload) \(params.signature) \(params.keyId) \(params.personal.map { "\($0)" } ?? "none")"
    }

    @Test(arguments: read)
    func theUsualFormReadsAsTheDecoderReadsIt(text: String) throws {
        let exact = try #require(SubmitParams.exactly(try Self.tree(text)))
        let decoded = try JSONTreeDecoder(convertFromSnakeCase: true).decode(
            SubmitParams.self, from: try Self.tree(text))
        #expect(Self.shown(exact) == Self.shown(decoded))
    }

    @Test(arguments: left)
    func anyOtherFormIsLeftToTheDecoder(text: String) throws {
        #expect(SubmitParams.exactly(try Self.tree(text)) == nil)
    }
}
