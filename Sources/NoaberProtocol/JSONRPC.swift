package import Foundation

/// A JSON-RPC id: a number, a string or null.
package enum RPCID: Codable, Hashable, Sendable {
    case number(Int64)
    case string(String)
    case null

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let number = try? container.decode(Int64.self) {
            self = .number(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .number(let n): try container.encode(n)
        case .string(let s): try container.encode(s)
        case .null: try container.encodeNil()
        }
    }
}

/// The parts of a request read before its method is known; everything optional so that a bad
/// request still gets an error naming what is wrong.
package struct RPCEnvelope: Decodable, Sendable {
    package var jsonrpc: String?
    package var id: RPCID?
    package var method: String?
}

/// Reads the `params` of a request as the method's own type.
package struct RPCParams<P: Decodable>: Decodable {
    package var params: P
}

package struct RPCRequest<Params: Encodable>: Encodable {
    package var jsonrpc = "2.0"
    package var id: RPCID
    package var method: String
    package var params: Params

    package init(id: RPCID, method: String, params: Params) {
        self.id = id
        self.method = method
        self.params = params
    }
}

package struct RPCSuccess<Result: Encodable>: Encodable {
    package var jsonrpc = "2.0"
    package var id: RPCID
    package var result: Result

    package init(id: RPCID, result: Result) {
        self.id = id
        self.result = result
    }
}

package struct RPCFailure: Encodable {
    package var jsonrpc = "2.0"
    package var id: RPCID
    package var error: RPCError

    package init(id: RPCID, error: RPCError) {
        self.id = id
        self.error = error
    }
}

package struct RPCResponse<Result: Decodable>: Decodable {
    package var id: RPCID?
    package var result: Result?
    package var error: RPCError?
}

/// A request's members before its params: `RPCCoding.requestLine` splices the params' own bytes
/// in after them, so that a read authorisation signs exactly the bytes the daemon receives.
private struct RPCRequestHead: Encodable {
    var auth: ReadAuthorization?
    var id: RPCID
    var jsonrpc = "2.0"
    var method: String
}

extension RPCCoding {
    /// One request line. With `authorize`, the params are encoded first and their bytes signed
    /// (`ReadAuthorization`), then written into the line unchanged; keys stay sorted, as `params`
    /// comes last.
    package static func requestLine(
        id: RPCID, method: String, params: some Encodable,
        authorize: ((_ method: String, _ params: [UInt8]) throws -> ReadAuthorization)? = nil
    ) throws -> Data {
        let encoder = encoder()
        let paramsBytes: Data
        if let writable = params as? any JSONWritable {
            var writer = JSONWriter()
            writable.write(to: &writer)
            paramsBytes = Data(writer.bytes)
        } else {
            paramsBytes = try encoder.encode(params)
        }
        let auth = try authorize?(method, [UInt8](paramsBytes))
        var line = try encoder.encode(RPCRequestHead(auth: auth, id: id, method: method))
        line.removeLast()  // the head's closing brace
        line.append(contentsOf: Array(",\"params\":".utf8))
        line.append(paramsBytes)
        line.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
        return line
    }
}

/// The one JSON style of the protocol: snake_case keys, compact, one object per line.
package enum RPCCoding {
    package static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    package static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Encodes `value` as one line, newline included.
    package static func line(_ value: some Encodable) throws -> Data {
        var data = try encoder().encode(value)
        data.append(0x0A)
        return data
    }
}
