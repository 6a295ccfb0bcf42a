/// Rows of one table inserted many to a statement (`INSERT … VALUES (…), (…), …`), for the
/// writer's batches of thousands of rows (a `credits` entry's postings, credit ids and memos):
/// one run of SQLite's machine, one set of cursors and one bind loop for up to `perStatement`
/// rows instead of each row's, and, as the rows come in key order, each B-tree insert starts
/// from the cursor left on the table's last page rather than from its root (Benchmarks/README.md,
/// "The import path", sixth round). The rows are those single inserts would write, in order;
/// a failure throws, and the caller's transaction rolls back every row.
package struct RowInserts {
    private let connection: Connection
    private let head: String
    private let row: String
    private let columns: Int
    private let perStatement: Int
    private var values: [SQLValue] = []

    /// `columns` names the table's columns a row gives, in the order of `add`'s values.
    package init(_ connection: Connection, into table: String, columns: [String], perStatement: Int = 50) {
        precondition(!columns.isEmpty && perStatement > 0 && columns.count * perStatement <= 32_766)
        self.connection = connection
        head = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
        row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        self.columns = columns.count
        self.perStatement = perStatement
        values.reserveCapacity(columns.count * perStatement)
    }

    /// Adds one row; a full statement's rows are inserted at once.
    package mutating func add(_ row: SQLValue...) throws(StoreError) {
        precondition(row.count == columns, "a row of \(row.count) values for \(columns) columns")
        values.append(contentsOf: row)
        if values.count == columns * perStatement {
            try insert(values)
            values.removeAll(keepingCapacity: true)
        }
    }

    /// Inserts the rows added since the last full statement, in statements of 32, 16, …, 1 rows:
    /// each statement is prepared once and cached (some 18 KB at 50 rows of five columns), so a
    /// table has at most seven, where one for each count of rows would be up to `perStatement`.
    package mutating func finish() throws(StoreError) {
        var start = 0
        while start < values.count {
            let rows = (values.count - start) / columns
            let size = 1 << (Int.bitWidth - 1 - rows.leadingZeroBitCount)
            try insert(Array(values[start..<start + size * columns]))
            start += size * columns
        }
        values.removeAll(keepingCapacity: true)
    }

    private func insert(_ rows: [SQLValue]) throws(StoreError) {
        let count = rows.count / columns
        try connection.statement(head + Array(repeating: row, count: count).joined(separator: ", ")).run(rows)
    }
}
