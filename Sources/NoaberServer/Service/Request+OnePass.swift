import NoaberCore
import NoaberProtocol

extension Request {
    /// The usual request read in one pass over its bytes, with no tree between: `id` (an integer or
    /// a string), `jsonrpc` "2.0", a known `method` and, after the method, `params` that its route
    /// reads in one pass; each once, no other member, nothing after the object. Anything else is
    /// nil, and goes `shortWay` or the long way, which name what is wrong; so the ways agree on
    /// every line this one takes (the `rpc-lines` fuzz target compares them). The tree, the
    /// params' decoder and the duplicate scan were the 10.6 % of a session read's CPU that its
    /// parse cost (Benchmarks/README.md, "The read path, fourth round").
    static func onePass(_ bytes: [UInt8]) -> Request? {
        var reader = JSONPullReader(bytes)
        var id: RPCID?
        var versioned = false
        var route: Route?
        var params: (any Sendable)?
        do {
            try reader.object(depth: 0) { reader, key throws(LedgerError) in
                switch key {
                case "id" where id == nil:
                    id =
                        try reader.peek() == UInt8(ascii: "\"")
                        ? .string(try reader.string()) : .number(try reader.integer())
                case "jsonrpc" where !versioned:
                    guard try reader.string() == "2.0" else { throw JSONPullReader.mismatch }
                    versioned = true
                case "method" where route == nil:
                    guard let method = Method(rawValue: try reader.string()) else { throw JSONPullReader.mismatch }
                    route = LedgerService.route(for: method)
                case "params" where params == nil:
                    guard let pull = route?.pullParams, let pulled = pull(&reader) else {
                        throw JSONPullReader.mismatch
                    }
                    params = pulled
                default: throw JSONPullReader.mismatch
                }
            }
            try reader.end()
        } catch { return nil }
        guard let id, versioned, let route, let params = params ?? (try? route.decodeTree(nil)) else { return nil }
        return Request(id: id, call: .success((route, params)))
    }
}
