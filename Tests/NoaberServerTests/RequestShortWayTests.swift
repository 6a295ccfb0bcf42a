import Foundation
import NoaberCore
import NoaberProtocol
import Testing

@testable import NoaberServer

/// The request the short way takes is the request the long way reads: same id, method and params;
/// anything it leaves is left to the long way, which names what is wrong.
@Suite("Request parsing, the short way")
struct RequestShortWayTests {
    static let taken = [
        #"{"id":1,"jsonrpc":"2.0","method":"account.get","params":{"account":"vol:jan"}}"#,
        #"{"params":{"account":"vol:jan"},"method":"account.get","jsonrpc":"2.0","id":"a-b"}"#,
        #"{"id":-7,"jsonrpc":"2.0","method":"ledger.status"}"#,
        #"{"id":2,"jsonrpc":"2.0","method":"ledger.status","params":[1,2]}"#,
        #"{"id":3,"jsonrpc":"2.0","method":"ledger.entries","params":{"from_seq":5,"limit":10},"x":1}"#,
        #"{"id":4,"jsonrpc":"2.0","method":"session.open","params":{"challenge":"ab"}}"#,
        #"{"id":5,"jsonrpc":"2.0","method":"ledger.submit","params":{"key_id":"ab","payload":"e30=","signature":"cd"}}"#,
        #"{"id":6,"jsonrpc":"2.0","method":"ledger.submit","params":{"key_id":"ab","payload":"e30=","signature":"cd","personal":[]}}"#,
        #"{"id":7,"jsonrpc":"2.0","method":"ledger.submit","params":{"keyId":"ab","payload":"e30=","signature":"cd"}}"#,
        #"{"id":8,"jsonrpc":"2.0","method":"ledger.submit","params":{"key_id":"ab","payload":"e30=","signature":"cd","x":1}}"#,
    ]
    static let left = [
        #"{"id":1e3,"jsonrpc":"2.0","method":"ledger.status"}"#,
        #"{"id":1,"jsonrpc":"2.0","method":"ledger.status","auth":null}"#,
        #"{"id":1,"jsonrpc":"2.0","method":"account.get","params":{"account":7}}"#,
        #"{"id":1,"jsonrpc":"2.0","method":"account.get"}"#,
        #"{"id":1,"jsonrpc":"2.0","method":"ledger.nope"}"#,
        #"{"id":1,"jsonrpc":"1.0","method":"ledger.status"}"#,
        #"{"id":[1],"jsonrpc":"2.0","method":"ledger.status"}"#,
        #"{"id":99999999999999999999,"jsonrpc":"2.0","method":"ledger.status"}"#,
        #"[1]"#,
        #"{"id":1,"jsonrpc":"2.0","method":"ledger.submit","params":{"key_id":7,"payload":"e30=","signature":"cd"}}"#,
        #"{"id":1,"jsonrpc":"2.0","method":"ledger.submit","params":{"payload":"e30=","signature":"cd"}}"#,
    ]

    func tree(_ line: String) throws -> JSONTree { try StrictJSON.parse(Array(line.utf8), lenient: true) }

    /// What a parsed request holds, as text: its id, method and params, or its error.
    func shown(_ request: Request) -> String {
        switch request.call {
        case .success(let call): "\(request.id) \(call.route.method) \(call.params)"
        case .failure(let error): "\(request.id) \(error.message)"
        }
    }

    @Test(arguments: taken)
    func theShortWayReadsWhatTheLongWayReads(line: String) throws {
        let short = try #require(Request.shortWay(try tree(line)))
        let long = try JSONTreeDecoder(convertFromSnakeCase: true).decode(Request.self, from: try tree(line))
        #expect(shown(short) == shown(long))
        guard case .success = short.call else {
            Issue.record("the short way takes only requests it can route")
            return
        }
    }

    @Test(arguments: left)
    func whatTheShortWayLeavesTheLongWayNames(line: String) throws {
        #expect(Request.shortWay(try tree(line)) == nil)
    }
}
