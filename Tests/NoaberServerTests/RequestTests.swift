import Foundation
import NoaberProtocol
import Testing

@testable import NoaberServer

/// How the service reads a request line: once, the envelope field by field, the params straight
/// into the method's type, every mistake named as it is spelled on the wire.
@Suite("Request parsing")
struct RequestTests {
    private func failure(_ line: String) -> (id: RPCID, error: RPCError)? {
        switch Request.parse(Data(line.utf8)) {
        case .failure(let failed): return (failed.id, failed.error)
        case .success(let request):
            if case .failure(let error) = request.call { return (request.id, error) }
            return nil
        }
    }

    @Test(arguments: [
        ("not json", RPCID.null, "parse error: not valid JSON"),
        ("[1,2]", .null, "invalid request: expected a JSON object"),
        (
            #"{"jsonrpc":"2.0","method":"ledger.status"}"#, .null,
            #"invalid request: "id" is required; notifications are not supported"#
        ),
        (
            #"{"jsonrpc":"2.0","id":[1],"method":"ledger.status"}"#, .null,
            #"invalid request: "id" must be an integer or a string"#
        ),
        (
            #"{"jsonrpc":"1.0","id":7,"method":"ledger.status"}"#, .number(7),
            #"invalid request: "jsonrpc" must be "2.0""#
        ),
        (#"{"jsonrpc":"2.0","id":"a","method":3}"#, .string("a"), #"invalid request: "method" must be a string"#),
        (#"{"jsonrpc":"2.0","id":1,"method":"ledger.nope"}"#, .number(1), #"unknown method "ledger.nope""#),
        (#"{"jsonrpc":"2.0","id":1,"method":"ledger.entries"}"#, .number(1), #"invalid params: "params" is missing"#),
        (
            #"{"jsonrpc":"2.0","id":1,"method":"ledger.entries","params":{}}"#, .number(1),
            #"invalid params: missing "params.from_seq""#
        ),
        (
            #"{"jsonrpc":"2.0","id":1,"method":"ledger.entries","params":{"from_seq":"x"}}"#, .number(1),
            #"invalid params: "params.from_seq" has the wrong type"#
        ),
    ])
    func everyMistakeIsNamed(line: String, id: RPCID, message: String) throws {
        let failed = try #require(failure(line))
        #expect(failed.id == id)
        #expect(failed.error.message == message)
    }

    /// Readers disagree on a member given twice (the first, or the last?), and a decoder that
    /// patches over a byte that is not UTF-8 reads another request than was sent: both are refused.
    @Test(arguments: [
        (#"{"jsonrpc":"2.0","id":1,"method":"ledger.status","method":"ledger.drop"}"#, RPCID.number(1), "method"),
        (#"{"jsonrpc":"2.0","id":1,"\u006dethod":"ledger.status","method":"ledger.drop"}"#, .number(1), "method"),
        (#"{"jsonrpc":"2.0","id":1,"id":2,"method":"ledger.status"}"#, .null, "id"),
        (
            #"{"jsonrpc":"2.0","id":1,"method":"ledger.entries","params":{},"params":{"from_seq":1}}"#, .number(1),
            "params"
        ),
        // The name is the client's: its control characters are shown as escapes (fuzzer, rpc-lines).
        (#"{"jsonrpc":"2.0","id":1,"method":"x","\u001b":1,"\u001b":2}"#, .number(1), #"\u{1b}"#),
    ])
    func aMemberGivenTwiceIsRefused(line: String, id: RPCID, member: String) throws {
        let failed = try #require(failure(line))
        #expect(failed.id == id && failed.error.message == "invalid request: \"\(member)\" appears twice")
        let bad = Array(#"{"jsonrpc":"2.0","id":1,"method":"ledger.st"#.utf8) + [0xFF] + Array(#"atus"}"#.utf8)
        guard case .failure(let invalid) = Request.parse(Data(bad)) else { return #expect(Bool(false)) }
        #expect(invalid.error.reason == "parse_error" && invalid.error.message == "parse error: not valid UTF-8")
    }

    @Test func paramsAreDecodedIntoTheMethodsOwnType() throws {
        let line = #"{"jsonrpc":"2.0","id":9,"method":"ledger.entries","params":{"from_seq":5,"limit":2}}"#
        let request = try Request.parse(Data(line.utf8)).get()
        let call = try request.call.get()
        #expect(call.route.method == .entries)
        let params = try #require(call.params as? EntriesParams)
        #expect(params.fromSeq == 5 && params.limit == 2)
    }

    @Test func methodsWithoutParamsIgnoreWhateverParamsHold() throws {
        let line = #"{"jsonrpc":"2.0","id":1,"method":"ledger.status","params":[1,"x"]}"#
        #expect(try Request.parse(Data(line.utf8)).get().call.get().route.method == .status)
    }

    @Test func everyMethodHasItsOwnRoute() {
        for method in Method.allCases { #expect(LedgerService.route(for: method).method == method) }
    }

    @Test(arguments: [
        (nil, nil, 1000, 1000), (0, nil, 1000, 1), (-5, nil, 10, 1), (7, nil, 5, 5), (nil, 20, 1000, 20),
        (3, 20, 1000, 3),
    ])
    func pageSizesAreClampedByOneRule(requested: Int?, fallback: Int?, max: Int, expected: Int) {
        #expect(LedgerService.pageSize(requested, default: fallback, max: max) == expected)
    }
}
