import ArgumentParser
import Foundation
import NoaberClient
import NoaberCore
import NoaberProtocol
import NoaberTransport

extension Session {
    static func with<R>(
        _ connection: ConnectionOptions, requireInitialised: Bool = true, _ body: (Session) async throws -> R
    ) async throws -> R {
        try await with(connection.target, requireInitialised: requireInitialised, body)
    }

    static func with<R>(
        _ connection: ConnectionOptions, also batch: RPCClient.Batch,
        _ body: (Session, RPCClient.Answers) async throws -> R
    ) async throws -> R {
        try await with(connection.target, also: batch, body)
    }

    /// Signs `body` as a new entry with the --key, under `signing`'s --id if given, and submits it.
    func submit(_ body: Payload.Body, signing: SigningOptions) async throws -> SubmitResult {
        try await submit(body, id: signing.id)
    }
}

/// Prints what a submission did: one line for people, the receipt for scripts.
func printReceipt(
    _ result: SubmitResult, _ summary: String, output: OutputOptions, extra: [String: String] = [:]
) throws {
    if output.json {
        struct Receipt: Encodable {
            var result: SubmitResult
            var extra: [String: String]
            func encode(to encoder: any Encoder) throws {
                try result.encode(to: encoder)
                var container = encoder.container(keyedBy: AnyKey.self)
                for (key, value) in extra { try container.encode(value, forKey: AnyKey(key)) }
            }
        }
        try printJSON(Receipt(result: result, extra: extra))
        return
    }
    let note = result.replayed ? " (already committed earlier; nothing new was written)" : ""
    print("\(summary): entry \(result.seq), id \(result.id)\(note)")
    print("  committed \(result.committedAt), hash \(result.hash)")
}

struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

func printJSON(_ value: some Encodable) throws {
    let encoder = RPCCoding.encoder()
    encoder.outputFormatting.insert(.prettyPrinted)
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
