import Dispatch
import Foundation
public import NoaberHashing

/// Checks a page of entries' signatures on every core before the verifier replays them one by
/// one. Signature checks are nearly all of a replay's work and independent of each other; only
/// *which* key may sign depends on the chain, and that stays with the rules: a precheck result
/// only says "this signature verifies with this public key", which `LedgerState.apply` accepts
/// solely when it is exactly the key it would have picked itself.
public enum SignaturePrecheck {
    public struct Result: Sendable {
        /// The parsed payload, or nil when it does not parse (the replay then reports why).
        public var payload: Payload?
        /// The public key the signature verified with, or nil when it was not checked or failed.
        public var verifiedWith: Ed25519PublicKey?
    }

    /// `known` holds the public keys registered before the page; keys the page itself registers are
    /// added in order, so an entry signed by a key added earlier in the page is checked too.
    public static func run(_ page: [StoredEntry], known: [KeyID: Ed25519PublicKey]) -> [Result] {
        var payloads = [Payload?](repeating: nil, count: page.count)
        decodeAll(page, into: &payloads)
        var keys = known
        var candidates = [Ed25519PublicKey?](repeating: nil, count: page.count)
        for index in page.indices {
            let keyID = page[index].entry.signed.keyID
            if case .ledgerInit(let body)? = payloads[index].map(\.body) {
                let admin = try? body.adminKey.parsedKey()
                candidates[index] = admin
                for spec in [body.adminKey] + (body.logKey.map { [$0] } ?? []) {
                    if let key = try? spec.parsedKey(), keys[key.keyID] == nil { keys[key.keyID] = key }
                }
            } else {
                candidates[index] = keys[keyID]
                if case .keyAdd(let body)? = payloads[index].map(\.body), let key = try? body.key.parsedKey(), keys[key.keyID] == nil {
                    keys[key.keyID] = key
                }
            }
        }
        let verified = Slots<Ed25519PublicKey>(count: page.count)
        let (parsed, chosen) = (payloads, candidates)
        forEachChunk(page.count) { range in
            for index in range {
                guard let payload = parsed[index], let key = chosen[index], key.keyID == page[index].entry.signed.keyID else { continue }
                let signed = page[index].entry.signed
                if signed.isValid(for: payload, with: key) { verified.set(index, key) }
            }
        }
        return page.indices.map { Result(payload: payloads[$0], verifiedWith: verified.get($0)) }
    }

    private static func decodeAll(_ page: [StoredEntry], into payloads: inout [Payload?]) {
        let slots = Slots<Payload>(count: page.count)
        forEachChunk(page.count) { range in
            for index in range { slots.set(index, try? Payload.decode(page[index].entry.signed.payload)) }
        }
        for index in page.indices { payloads[index] = slots.get(index) }
    }

    /// Splits 0..<count into one chunk per core and runs them concurrently.
    private static func forEachChunk(_ count: Int, _ body: @Sendable (Range<Int>) -> Void) {
        guard count > 0 else { return }
        let chunks = min(count, max(1, ProcessInfo.processInfo.activeProcessorCount) * 2)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            body((count * chunk / chunks)..<(count * (chunk + 1) / chunks))
        }
    }
}

/// One write-once slot per index, in memory of its own: each index is written by exactly one
/// chunk, and all reads come after `concurrentPerform` returned, so the slots need no lock.
private final class Slots<T>: @unchecked Sendable {
    private let base: UnsafeMutablePointer<T?>
    private let count: Int
    init(count: Int) {
        self.count = count
        base = UnsafeMutablePointer<T?>.allocate(capacity: count)
        base.initialize(repeating: nil, count: count)
    }
    deinit {
        base.deinitialize(count: count)
        base.deallocate()
    }
    func set(_ index: Int, _ value: T?) { base[index] = value }
    func get(_ index: Int) -> T? { base[index] }
}
