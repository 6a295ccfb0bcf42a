// The pages `noaber verify` reads (`ledger.entries`, `ledger.tree_nodes`), written by `JSONWriter`
// (keys in the order `.sortedKeys` puts their snake_case names) and read back from `StrictJSON`'s
// tree: through `JSONEncoder` and `JSONDecoder` a page cost the daemon and the verifier more CPU
// than its signatures. `JSONWriterTests` and `PageReadingTests` hold both to Foundation's bytes
// and values.

extension EntriesResult: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("entries")
        writer.array(entries)
        writer.endObject()
    }
}

extension EntryInfo: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("committed_at")
        writer.string(committedAt)
        writer.key("hash")
        writer.string(hash)
        writer.key("id")
        writer.string(id)
        writer.key("key_id")
        writer.string(keyId)
        writer.key("kind")
        writer.string(kind)
        writer.key("payload")
        writer.string(payload)
        if let personal {
            writer.key("personal")
            writer.array(personal)
        }
        writer.key("postings")
        writer.array(postings)
        writer.key("prev_hash")
        writer.string(prevHash)
        writer.key("seq")
        writer.integer(seq)
        writer.key("signature")
        writer.string(signature)
        writer.endObject()
    }
}

extension PostingInfo: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("account")
        writer.string(account)
        writer.key("amount")
        writer.integer(amount)
        if let careDate {
            writer.key("care_date")
            writer.string(careDate)
        }
        if let idx {
            writer.key("idx")
            writer.integer(idx)
        }
        writer.endObject()
    }
}

extension TreeNodesResult: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("nodes")
        writer.array(nodes)
        writer.endObject()
    }
}

extension TreeNodeInfo: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("hash")
        writer.string(hash)
        writer.key("idx")
        writer.integer(idx)
        writer.key("level")
        writer.integer(level)
        writer.endObject()
    }
}
