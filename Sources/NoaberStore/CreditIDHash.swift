/// The short integer `batch_credits` finds a credit id by (docs/FORMAT.md §6, schema version 10):
/// FNV-1a (32 bits) of the id's UTF-8 bytes. The index on it holds the hash and the row's seq and
/// idx, about 12 bytes a credit against some 45 when it was keyed by the id itself, so a batch's
/// random-looking ids dirty fewer of its pages. Two ids may share a hash, so a lookup compares the
/// id too; the hash is stored, so its definition may never change.
package enum CreditIDHash {
    /// The hash of `id`, 0 to 2³² − 1.
    package static func of(_ id: String) -> Int64 {
        // Over the string's own bytes where it has them in one piece (a native string does): the
        // writer hashes each new credit id two or three times, and the view's iterator cost more.
        func fnv1a(_ bytes: some Sequence<UInt8>) -> Int64 {
            var hash: UInt32 = 0x811C_9DC5
            for byte in bytes {
                hash ^= UInt32(byte)
                hash &*= 0x0100_0193
            }
            return Int64(hash)
        }
        return id.utf8.withContiguousStorageIfAvailable { fnv1a($0) } ?? fnv1a(id.utf8)
    }
}
