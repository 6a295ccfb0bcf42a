// The answers the daemon gives most, written by `JSONWriter` (keys in the order `.sortedKeys`
// puts their snake_case names); `JSONWriterTests` holds them to `JSONEncoder`'s bytes.

extension SubmitResult: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("committed_at")
        writer.string(committedAt)
        writer.key("hash")
        writer.string(hash)
        writer.key("id")
        writer.string(id)
        writer.key("kind")
        writer.string(kind)
        writer.key("replayed")
        writer.bool(replayed)
        writer.key("seq")
        writer.integer(seq)
        writer.endObject()
    }
}

extension SubmitBatchResult: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("results")
        writer.array(results)
        writer.endObject()
    }
}

extension AccountInfo: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("account")
        writer.string(account)
        writer.key("balance")
        writer.integer(balance)
        writer.key("controllers")
        writer.beginArray()
        for controller in controllers { writer.string(controller) }
        writer.endArray()
        writer.key("kind")
        writer.string(kind)
        writer.key("min_balance")
        writer.integer(minBalance)
        writer.key("name")
        writer.string(name)
        writer.key("opened_seq")
        writer.integer(openedSeq)
        writer.key("status")
        writer.string(status)
        writer.endObject()
    }
}
