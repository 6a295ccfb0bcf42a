// `ledger.status`, the open read every client and monitor asks first, written by `JSONWriter`
// (keys in the order `.sortedKeys` puts their snake_case names, absent optionals left out, as
// `JSONEncoder` leaves them); `JSONWriterTests` holds it to `JSONEncoder`'s bytes. Its encoding
// was a fifth of the daemon's time for each status read (Benchmarks/README.md, "The read path").

import NoaberCore

extension StatusResult: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        if let checkpointHold {
            writer.key("checkpoint_hold")
            checkpointHold.write(to: &writer)
        }
        if let checkpointSize {
            writer.key("checkpoint_size")
            writer.integer(checkpointSize)
        }
        if let currency {
            writer.key("currency")
            writer.beginObject()
            writer.key("code")
            writer.string(currency.code)
            writer.key("name")
            writer.string(currency.name)
            writer.key("scale")
            writer.integer(currency.scale)
            writer.endObject()
        }
        writer.key("database_bytes")
        writer.integer(databaseBytes)
        writer.key("entries")
        writer.integer(entries)
        writer.key("entries_committed")
        writer.integer(entriesCommitted)
        writer.key("group_commits")
        writer.integer(groupCommits)
        writer.key("head_hash")
        writer.string(headHash)
        if let headTime {
            writer.key("head_time")
            writer.string(headTime)
        }
        if let hourRate {
            writer.key("hour_rate")
            writer.integer(hourRate)
        }
        writer.key("initialised")
        writer.bool(initialised)
        if let ledgerId {
            writer.key("ledger_id")
            writer.string(ledgerId)
        }
        if let logKey {
            writer.key("log_key")
            writer.string(logKey)
        }
        if let logKeyRevoked {
            writer.key("log_key_revoked")
            writer.bool(logKeyRevoked)
        }
        if let logPublicKey {
            writer.key("log_public_key")
            writer.string(logPublicKey)
        }
        if let name {
            writer.key("name")
            writer.string(name)
        }
        writer.key("schema_version")
        writer.integer(schemaVersion)
        if let settings {
            writer.key("settings")
            settings.write(to: &writer)
        }
        writer.key("uptime_seconds")
        writer.integer(uptimeSeconds)
        writer.key("version")
        writer.string(version)
        writer.endObject()
    }
}

extension SettingsInfo: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("claim_expiry_days")
        writer.integer(claimExpiryDays)
        if let contact {
            writer.key("contact")
            writer.string(contact)
        }
        if let demurrage {
            writer.key("demurrage")
            writer.beginObject()
            writer.key("account")
            writer.string(demurrage.account)
            if let cursor = demurrage.cursor {
                writer.key("cursor")
                writer.string(cursor)
            }
            writer.key("next")
            writer.string(demurrage.next)
            writer.key("period")
            writer.string(demurrage.period)
            writer.key("rate_ppm")
            writer.integer(demurrage.ratePpm)
            writer.endObject()
        }
        if let language {
            writer.key("language")
            writer.string(language)
        }
        writer.endObject()
    }
}

extension CheckpointHoldInfo: JSONWritable {
    package func write(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.key("backup_entries")
        writer.integer(backupEntries)
        writer.key("backup_taken_at")
        writer.string(backupTakenAt)
        writer.key("log_key_id")
        writer.string(logKeyId)
        writer.key("message")
        writer.string(message)
        if let publishedSize {
            writer.key("published_size")
            writer.integer(publishedSize)
        }
        writer.key("reason")
        writer.string(reason)
        writer.endObject()
    }
}
