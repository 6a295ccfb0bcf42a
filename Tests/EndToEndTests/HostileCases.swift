import Foundation
import NoaberCore
import NoaberCrypto
import NoaberProtocol
import NoaberTransport

/// The hostile requests of the fault-injection suite, by what they attack: the line and its JSON,
/// the envelope, the params, the read authorisation, and the entry submitted.
extension HostileContext {
    mutating func all() throws -> [HostileCase] {
        lineCases() + envelopeCases() + (try paramsCases()) + (try readCases()) + (try submissionCases())
            + (try personalCases())
    }

    /// Lines that are not JSON at all, or not one JSON text.
    mutating func lineCases() -> [HostileCase] {
        func parse(_ name: String, _ bytes: [UInt8]) -> HostileCase {
            HostileCase(name: name, bytes: bytes, code: -32700, reason: "parse_error")
        }
        let status = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ledger.status\""
        let garbage = (0..<512).map { _ in UInt8.random(in: 0...255, using: &rng) }.map { $0 == 0x0A ? 0x0B : $0 }
        let depth = 100_000
        return [
            parse("not JSON", Self.line("{not json")),
            parse("a lone brace", Self.line("{")),
            parse("a closing brace", Self.line("}")),
            parse("a request cut short inside a string", Self.line(String(status.dropLast(4)))),
            parse("a request cut short after a key", Self.line("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":")),
            parse("single quotes", Self.line("{'jsonrpc':'2.0','id':1,'method':'ledger.status'}")),
            parse("a comment", Self.line("{\"jsonrpc\":\"2.0\" /* hi */,\"id\":1,\"method\":\"ledger.status\"}")),
            parse("NaN", Self.line("{\"jsonrpc\":\"2.0\",\"id\":NaN,\"method\":\"ledger.status\"}")),
            parse("invalid UTF-8", Self.line(String(status.dropLast(8))) + [0xFF, 0xFE] + Self.line("status\"}")),
            parse("binary garbage", garbage),
            parse("NUL bytes", [UInt8](repeating: 0, count: 64)),
            parse("only spaces", Self.line("     ")),
            parse("two requests on one line", Self.line(status + "}" + status + "}")),
            parse("an unterminated string", Self.line("{\"jsonrpc\":\"2.0\",\"id\":\"1,\"method\":\"x}")),
            parse(
                "arrays nested \(depth) deep",
                Self.line(status + ",\"params\":" + String(repeating: "[", count: depth))
                    + Self.line(String(repeating: "]", count: depth) + "}")),
            parse(
                "objects nested \(depth) deep",
                Self.line(status + ",\"params\":" + String(repeating: "{\"a\":", count: depth) + "1")
                    + Self.line(String(repeating: "}", count: depth) + "}")),
        ]
    }

    /// JSON that is not a JSON-RPC request this daemon serves.
    func envelopeCases() -> [HostileCase] {
        func invalid(_ name: String, _ text: String) -> HostileCase {
            HostileCase(name: name, bytes: Self.line(text), code: -32600, reason: "invalid_request")
        }
        func notFound(_ name: String, _ method: String) -> HostileCase {
            HostileCase(name: name, bytes: Self.request(method), code: -32601, reason: "method_not_found")
        }
        return [
            invalid("an array", "[1,2]"), invalid("an empty array", "[]"), invalid("a number", "1"),
            invalid("a string", "\"ledger.status\""), invalid("null", "null"), invalid("true", "true"),
            invalid("an empty object", "{}"),
            invalid("a batch of requests", "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ledger.status\"}]"),
            invalid("a notification (no id)", "{\"jsonrpc\":\"2.0\",\"method\":\"ledger.status\"}"),
            invalid("a null id", "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ledger.status\"}"),
            invalid("a fractional id", "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ledger.status\"}"),
            invalid("an object id", "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ledger.status\"}"),
            invalid("a boolean id", "{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ledger.status\"}"),
            invalid(
                "an id beyond 64 bits", "{\"jsonrpc\":\"2.0\",\"id\":99999999999999999999,\"method\":\"ledger.status\"}"
            ),
            invalid("an id of 1e999", "{\"jsonrpc\":\"2.0\",\"id\":1e999,\"method\":\"ledger.status\"}"),
            invalid("jsonrpc 1.0", "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ledger.status\"}"),
            invalid("jsonrpc as a number", "{\"jsonrpc\":2.0,\"id\":1,\"method\":\"ledger.status\"}"),
            invalid("no jsonrpc", "{\"id\":1,\"method\":\"ledger.status\"}"),
            invalid("no method", "{\"jsonrpc\":\"2.0\",\"id\":1}"),
            invalid("a numeric method", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}"),
            invalid(
                "a method with a lone surrogate", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ledger.\\ud800status\"}"),
            invalid(
                "a duplicate method",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ledger.status\",\"method\":\"ledger.drop\"}"),
            invalid(
                "a duplicate id", "{\"jsonrpc\":\"2.0\",\"id\":1,\"id\":2,\"method\":\"ledger.status\"}"),
            notFound("an unknown method", "ledger.drop"), notFound("an empty method", ""),
            notFound("a method in capitals", "LEDGER.STATUS"), notFound("a method with a space", "ledger.status "),
            notFound("a method with a NUL", "ledger.status\\u0000"),
            notFound("a method name of 10,000 characters", String(repeating: "m", count: 10_000)),
            notFound("rpc.discover", "rpc.discover"),
            HostileCase(
                name: "a line longer than max_line_bytes",
                bytes: [UInt8](repeating: UInt8(ascii: "x"), count: (1 << 20) + 10), code: -32600,
                reason: "request_too_large", closes: true),
        ]
    }

    /// Requests whose params do not fit their method.
    func paramsCases() throws -> [HostileCase] {
        func params(_ name: String, _ method: String, _ params: String?) -> HostileCase {
            HostileCase(name: name, bytes: Self.request(method, params: params), code: -32602, reason: "invalid_params")
        }
        let signature = String(repeating: "ab", count: 64)
        let key = jan.publicKey.keyID.hex
        func submit(payload: String, signature: String, key: String) -> String {
            "{\"payload\":\"\(payload)\",\"signature\":\"\(signature)\",\"key_id\":\"\(key)\"}"
        }
        return [
            params("submit without params", "ledger.submit", nil),
            params("submit with empty params", "ledger.submit", "{}"),
            params("submit with params as an array", "ledger.submit", "[1]"),
            params("submit with params as a string", "ledger.submit", "\"x\""),
            params("submit with another method's params", "ledger.submit", "{\"from_seq\":1}"),
            params(
                "a payload that is not base64", "ledger.submit", submit(payload: "!!!", signature: signature, key: key)),
            params(
                "a signature of 127 hex digits", "ledger.submit",
                submit(payload: "e30=", signature: String(signature.dropLast()), key: key)),
            params(
                "a signature that is not hex", "ledger.submit",
                submit(payload: "e30=", signature: String(repeating: "zz", count: 64), key: key)),
            params(
                "a key id of 31 hex digits", "ledger.submit",
                submit(payload: "e30=", signature: signature, key: String(key.dropLast()))),
            params(
                "a key id that is not hex", "ledger.submit",
                submit(payload: "e30=", signature: signature, key: String(repeating: "zz", count: 16))),
            params(
                "a payload of the wrong type", "ledger.submit",
                "{\"payload\":5,\"signature\":\"\(signature)\",\"key_id\":\"\(key)\"}"),
            params("a batch that is not a list", "ledger.submit_batch", "{\"entries\":{}}"),
            params("a consistency proof from a negative size", "ledger.consistency_proof", "{\"old_size\":-1}"),
            params(
                "a consistency proof beyond the tree", "ledger.consistency_proof", "{\"old_size\":5,\"new_size\":99999}"
            ),
            params(
                "a consistency proof of sizes in reverse", "ledger.consistency_proof", "{\"old_size\":9,\"new_size\":3}"
            ),
            params("a size as a string", "ledger.consistency_proof", "{\"old_size\":\"3\"}"),
            params("a size of 1e30", "ledger.consistency_proof", "{\"old_size\":1e30}"),
        ]
    }
}
