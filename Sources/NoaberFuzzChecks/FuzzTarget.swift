/// A property of a decoder that an input broke: the fuzzer stops on it, and the unit tests
/// replay the input that once did.
package struct FuzzFinding: Error, CustomStringConvertible {
    package var description: String
    init(_ description: String) { self.description = description }
}

/// Requires `condition`, else a finding that says which property broke.
func require(_ condition: Bool, _ property: @autoclosure () -> String) throws(FuzzFinding) {
    if !condition { throw FuzzFinding(property()) }
}

/// One decoder that reads outside bytes, and the properties it must keep on any input: each
/// returns normally for an input that is decoded correctly or refused, and throws a finding
/// otherwise. A crash or a hang is a finding too, which the fuzzer catches on its own.
package enum FuzzTarget: String, CaseIterable, Sendable {
    /// The daemon's line framing (`LineFrameDecoder`) and each line's JSON-RPC envelope.
    case rpcLines = "rpc-lines"
    /// `StrictJSON`, against an independent RFC 8259 reader.
    case strictJSON = "strict-json"
    /// Entry payloads of every kind (`Payload.decode`).
    case payload
    /// Base64 and hex as the protocol, the export and the C2SP formats read them.
    case encodings
    /// PEM key files, private and public.
    case pemKeys = "pem-keys"
    /// Signed notes and checkpoints (c2sp.org/signed-note, tlog-checkpoint).
    case signedNote = "signed-note"
    /// Offline proofs (c2sp.org/tlog-proof) and the RFC 6962 proofs inside them.
    case tlogProof = "tlog-proof"
    /// Verifier keys (`<name>+<hex8>+<base64>`).
    case verifierKey = "verifier-key"
    /// The jsonl export reader (`ExportReader`).
    case exportJSONL = "export-jsonl"
    /// The CSV import reader (`CSVReader`, `ImportFile.parse`).
    case csvImport = "csv-import"
    /// A packed page of `ledger.entries` (`PackedEntries.read`).
    case packedPage = "packed-page"

    /// Runs the target's properties on `bytes`.
    package func check(_ bytes: [UInt8]) throws(FuzzFinding) {
        switch self {
        case .rpcLines: try EnvelopeChecks.check(bytes)
        case .strictJSON: try StrictJSONChecks.check(bytes)
        case .payload: try PayloadChecks.check(bytes)
        case .encodings: try EncodingChecks.check(bytes)
        case .pemKeys: try KeyChecks.checkPEM(bytes)
        case .signedNote: try NoteChecks.check(bytes)
        case .tlogProof: try ProofChecks.check(bytes)
        case .verifierKey: try KeyChecks.checkVerifierKey(bytes)
        case .exportJSONL: try ExportChecks.check(bytes)
        case .csvImport: try ImportChecks.check(bytes)
        case .packedPage: try PackedPageChecks.check(bytes)
        }
    }
}
