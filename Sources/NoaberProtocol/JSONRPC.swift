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
