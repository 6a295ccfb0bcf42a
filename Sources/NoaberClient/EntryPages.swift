package import NoaberProtocol
package import NoaberTransport

/// The chain from entry 1 to `head`, a page of `ledger.entries` at a time, each fetched only when
/// the one before has been used, so memory stays small at any size. Entries past `head` (committed
/// while reading) are left out: the readers compare against a snapshot taken at `head`.
package struct EntryPages: AsyncSequence {
    package typealias Element = [EntryInfo]

    let client: RPCClient
    let head: Int64
    let complete: Bool

    /// `complete`: every entry up to the head must come, and a page that does not start where the
    /// last one ended is an error (export). Otherwise the pages end where the daemon's do, and
    /// what is missing is left for the reader to find (verify names the missing entry).
    package init(client: RPCClient, through head: Int64, complete: Bool = false) {
        self.client = client
        self.head = head
        self.complete = complete
    }

    package func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pages: self) }

    package struct AsyncIterator: AsyncIteratorProtocol {
        let pages: EntryPages
        var next: Int64 = 1

        package mutating func next() async throws -> [EntryInfo]? {
            let head = pages.head
            guard next <= head else { return nil }
            let limit = Int(Swift.min(Int64(EntriesParams.maxLimit), head - next + 1))
            let page = try await pages.client.call(
                .entries, EntriesParams(fromSeq: next, limit: limit), as: EntriesResult.self)
            // Each page must start where the last one ended, or the export would not advance.
            if pages.complete, page.entries.first?.seq != next {
                throw ClientFailure("the daemon did not return entry \(next), though its head is \(head)")
            }
            let entries = page.entries.filter { $0.seq <= head }
            // A page that does not advance ends the pages rather than asking for it forever.
            guard let last = entries.last, last.seq >= next else { return nil }
            next = last.seq + 1
            return entries
        }
    }
}
