import Foundation
import NoaberCore
import NoaberProtocol

/// One request line, parsed once: the envelope checked field by field, so that each mistake gets
/// its own message, and the params decoded straight into the method's own type.
struct Request: Decodable {
    let id: RPCID
    /// The method's route and its decoded params, or why the request cannot be served; known only
    /// once the id is, so that the error names the request.
    let call: Result<(route: Route, params: any Sendable), RPCError>
    /// The read authorisation, if the request carries one.
    private(set) var auth: ReadAuthorization?
    /// The params' bytes as the line holds them, which `auth` signs; read only when it is there.
    private(set) var paramsBytes: ArraySlice<UInt8> = []

    fileprivate enum Keys: String, CodingKey {
        case jsonrpc, id, method, params, auth
    }

    /// Parses `line`; a line that is not a JSON object with a usable id cannot be answered by id,
    /// so the failure carries the null id.
    static func parse(_ line: Data) -> Result<Request, Failure> {
        parse([UInt8](line))
    }

    /// As `parse(_:)`, of the line's bytes as the socket gave them; `onePass` false for the tree's
    /// way alone, which the fuzz target compares with the one-pass way.
    static func parse(_ bytes: [UInt8], onePass: Bool = true) -> Result<Request, Failure> {
        // JSON is UTF-8; a decoder that patches a bad byte over would read another request than was
        // sent. ASCII is UTF-8, and most lines are ASCII: only others are validated, which copies them.
        guard bytes.allSatisfy({ $0 < 0x80 }) || String(validating: bytes, as: UTF8.self) != nil else {
            return .failure(Failure(id: .null, error: .parseError("not valid UTF-8")))
        }
        if onePass, let request = Self.onePass(bytes) { return .success(request) }
        // One parse, as lenient as `JSONDecoder` (a twice-named member keeps its first value, and
        // outer twins are refused below, by name), and the envelope decoded from its tree.
        let tree: JSONTree
        do { tree = try StrictJSON.parse(bytes, lenient: true) } catch {
            return .failure(Failure(id: .null, error: .parseError("not valid JSON")))
        }
        do {
            var request =
                try shortWay(tree) ?? JSONTreeDecoder(convertFromSnakeCase: true).decode(Request.self, from: tree)
            if let name = ParamsSpan.duplicateMember(in: bytes) {
                // A twice-given id cannot name the request either.
                return .failure(
                    Failure(
                        id: name == "id" ? .null : request.id,
                        error: .invalidRequest("\"\(RPCError.shown(name))\" appears twice")))
            }
            if request.auth != nil {
                guard let span = ParamsSpan.find(in: bytes) else {
                    return .failure(Failure(id: request.id, error: .invalidRequest("\"params\" appears twice")))
                }
                request.paramsBytes = span
            }
            return .success(request)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(id: .null, error: .invalidRequest("expected a JSON object")))
        }
    }

    /// The usual request, read straight from its tree: an integer or string id, `jsonrpc` "2.0", a
    /// known method, no `auth` (a read in a session, or an open one), params that decode. Anything
    /// else, nil: `init(from:)` reads it the long way and names whatever is wrong, so both ways
    /// agree on every request the short one takes. The long way sorts and converts the envelope's
    /// keys and tries each field as a string before an integer: 5 % of the daemon's CPU for a
    /// read in a session (Benchmarks/README.md, "The read path").
    static func shortWay(_ tree: JSONTree) -> Request? {
        guard case .object(let members) = tree, members["auth"] == nil, case .string("2.0")? = members["jsonrpc"],
            case .string(let name)? = members["method"], let method = Method(rawValue: name)
        else { return nil }
        let id: RPCID
        switch members["id"] {
        case .string(let text)?: id = .string(text)
        case .number(let text)?:
            guard let number = Int64(text, radix: 10) else { return nil }
            id = .number(number)
        default: return nil
        }
        let route = LedgerService.route(for: method)
        // `ledger.submit`'s usual params are read by hand there (`SubmitParams.exactly`).
        guard let params = try? route.decodeTree(members["params"]) else { return nil }
        return Request(id: id, call: .success((route, params)))
    }

    init(id: RPCID, call: Result<(route: Route, params: any Sendable), RPCError>) {
        self.id = id
        self.call = call
    }

    /// A request that cannot be answered with its own id.
    struct Failure: Error {
        var id: RPCID
        var error: RPCError
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let loose = { (key: Keys) in (try? container.decodeIfPresent(LooseValue.self, forKey: key)) ?? nil }
        switch loose(.id) {
        case nil:
            throw Failure(id: .null, error: .invalidRequest("\"id\" is required; notifications are not supported"))
        case .string(let text)?: id = .string(text)
        case .integer(let number)?: id = .number(number)
        case .other?: throw Failure(id: .null, error: .invalidRequest("\"id\" must be an integer or a string"))
        }
        guard case .string("2.0")? = loose(.jsonrpc) else {
            call = .failure(.invalidRequest("\"jsonrpc\" must be \"2.0\""))
            return
        }
        guard case .string(let name)? = loose(.method) else {
            call = .failure(.invalidRequest("\"method\" must be a string"))
            return
        }
        do { auth = try container.decodeIfPresent(ReadAuthorization.self, forKey: .auth) } catch {
            call = .failure(.readAuthInvalid("\"auth\" must hold key_id, timestamp, nonce and signature, as strings"))
            return
        }
        guard let method = Method(rawValue: name) else {
            call = .failure(.methodNotFound(name))
            return
        }
        do {
            let route = LedgerService.route(for: method)
            call = .success((route, try route.decodeParams(ParamsDecoder(container: container))))
        } catch let error as RPCError {
            call = .failure(error)
        } catch {
            call = .failure(.invalidParams("params do not fit method"))
        }
    }

    /// Decodes the `params` member as the method's type, and names what does not fit as it is
    /// spelled on the wire.
    struct ParamsDecoder {
        fileprivate let container: KeyedDecodingContainer<Keys>

        func decode<P: Decodable>(_ type: P.Type) throws(RPCError) -> P {
            do {
                return try container.decode(P.self, forKey: .params)
            } catch let DecodingError.keyNotFound(key, context) {
                let path = Self.wireName(context.codingPath + [key])
                throw .invalidParams(path == "params" ? "\"params\" is missing" : "missing \"\(path)\"")
            } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
                throw .invalidParams("\"\(Self.wireName(context.codingPath))\" has the wrong type")
            } catch {
                throw .invalidParams("params do not fit method")
            }
        }

        /// A coding path as it is spelled on the wire: `params.from_seq`.
        private static func wireName(_ path: [any CodingKey]) -> String {
            path.map { key in
                key.intValue.map { "[\($0)]" }
                    ?? key.stringValue.reduce(into: "") { name, c in
                        if c.isUppercase { name += "_" + c.lowercased() } else { name.append(c) }
                    }
            }.joined(separator: ".")
        }
    }

    /// An envelope field of any JSON type, so that a wrong type is named rather than fatal.
    private enum LooseValue: Decodable {
        case string(String)
        case integer(Int64)
        case other

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .string(text)
            } else if let number = try? container.decode(Int64.self) {
                self = .integer(number)
            } else {
                self = .other
            }
        }
    }
}

/// The envelope's verdict on a request line, for its fuzz target (Sources/NoaberFuzzChecks).
package enum RequestEnvelope {
    /// How the daemon's reading of `line` differs from the tree's way alone (`onePass` off), or
    /// nil when they agree: the same request (id, method, params, authorisation and the bytes it
    /// signs) or the same failure. The whole parse is compared, not the one pass alone, so that
    /// what runs before it (the UTF-8 check) counts too.
    package static func onePassDisagreement(_ line: [UInt8]) -> String? {
        func shown(_ parsed: Result<Request, Request.Failure>) -> String {
            switch parsed {
            case .failure(let failed): return "refused \(failed.id): \(failed.error.message)"
            case .success(let request):
                let call =
                    switch request.call {
                    case .success(let call): "\(call.route.method) \(call.params)"
                    case .failure(let error): error.message
                    }
                return "\(request.id) \(call) auth \(String(describing: request.auth)) \(Array(request.paramsBytes))"
            }
        }
        let (daemon, tree) = (shown(Request.parse(line)), shown(Request.parse(line, onePass: false)))
        return daemon == tree ? nil : "the daemon: \(daemon); the tree's way: \(tree)"
    }

    /// The response line a request line gets before any method runs (a bad envelope, an unknown
    /// method, params that do not fit), or nil when it would be routed: all that a stranger's bytes
    /// reach without a ledger.
    package static func answerBeforeRouting(_ line: [UInt8]) -> [UInt8]? {
        switch Request.parse(line) {
        case .failure(let failed): return Array(RequestContext.respond(id: failed.id, failed.error))
        case .success(let request):
            guard case .failure(let error) = request.call else { return nil }
            return Array(RequestContext.respond(id: request.id, error))
        }
    }
}
