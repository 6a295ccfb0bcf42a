public import Foundation

/// A JSON-RPC id: a number, a string or null.
public enum RPCID: Codable, Hashable, Sendable {
    case number(Int64)
    case string(String)
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let number = try? container.decode(Int64.self) {
            self = .number(number)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
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
public struct RPCEnvelope: Decodable, Sendable {
    public var jsonrpc: String?
    public var id: RPCID?
    public var method: String?
}

/// Reads the `params` of a request as the method's own type.
public struct RPCParams<P: Decodable>: Decodable {
    public var params: P
}

public struct RPCRequest<Params: Encodable>: Encodable {
    public var jsonrpc = "2.0"
    public var id: RPCID
    public var method: String
    public var params: Params

    public init(id: RPCID, method: String, params: Params) {
        self.id = id
        self.method = method
        self.params = params
    }
}

public struct RPCSuccess<Result: Encodable>: Encodable {
    public var jsonrpc = "2.0"
    public var id: RPCID
    public var result: Result

    public init(id: RPCID, result: Result) {
        self.id = id
        self.result = result
    }
}

public struct RPCFailure: Encodable {
    public var jsonrpc = "2.0"
    public var id: RPCID
    public var error: RPCError

    public init(id: RPCID, error: RPCError) {
        self.id = id
        self.error = error
    }
}

public struct RPCResponse<Result: Decodable>: Decodable {
    public var id: RPCID?
    public var result: Result?
    public var error: RPCError?
}

/// The one JSON style of the protocol: snake_case keys, compact, one object per line.
public enum RPCCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Encodes `value` as one line, newline included.
    public static func line(_ value: some Encodable) throws -> Data {
        var data = try encoder().encode(value)
        data.append(0x0A)
        return data
    }
}
