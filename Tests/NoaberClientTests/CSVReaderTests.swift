import NoaberClient
import Testing

@Suite("CSV records as spreadsheets write them")
struct CSVReaderTests {
    @Test func fieldsRecordsAndTheirLines() throws {
        let records = try CSVReader.records("a,b\r\n1,2\n\n3,\n")
        #expect(records.map(\.fields) == [["a", "b"], ["1", "2"], [""], ["3", ""]])
        #expect(records.map(\.line) == [1, 2, 3, 4])
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let records = try CSVReader.records("memo,n\n\"a, \"\"b\"\"\nc\",1\nnext,2")
        #expect(records.map(\.fields) == [["memo", "n"], ["a, \"b\"\nc", "1"], ["next", "2"]])
        // A record that spans lines is named by the line it starts on; the next by its own.
        #expect(records.map(\.line) == [1, 2, 4])
    }

    @Test func aByteOrderMarkIsNotPartOfTheFirstColumn() throws {
        #expect(try CSVReader.records("\u{FEFF}account\nx").first?.fields == ["account"])
    }

    @Test func aQuoteInsideAFieldIsText() throws {
        #expect(try CSVReader.records("ab\"c,d").first?.fields == ["ab\"c", "d"])
    }

    @Test func anUnclosedQuoteNamesTheLineItStartsOn() {
        #expect(throws: ClientFailure.self) { try CSVReader.records("a\n\"open,\nstill") }
        do {
            _ = try CSVReader.records("a\n\"open,\nstill")
        } catch {
            #expect("\(error)" == "line 2: a quoted field is not closed")
        }
    }

    @Test(arguments: [
        ("account,date,hours\nx;y", CSVReader.Delimiter.comma),
        ("account;date;hours\nx,y,z", .semicolon),
        ("\u{FEFF}account;date;hours;memo\r\n", .semicolon),
        ("\"a;b\",c\n", .comma),
        ("account\n", .comma),
    ])
    func theHeaderSaysWhichSeparator(text: String, delimiter: CSVReader.Delimiter) {
        #expect(CSVReader.delimiter(of: text) == delimiter)
    }

    @Test func semicolonRecordsKeepCommasAsText() throws {
        let records = try CSVReader.records("a;b\r\n2,5;\"x;y\"\r\n", delimiter: .semicolon)
        #expect(records.map(\.fields) == [["a", "b"], ["2,5", "x;y"]])
    }

    @Test func emptyTextHasNoRecords() throws {
        #expect(try CSVReader.records("").isEmpty)
    }

    @Test func recordsComeOneAtATimeAsTheWholeTextGivesThem() throws {
        let text = "\u{FEFF}a;b\r\n\"x\ny\";2\n\n3;\n4"
        var reader = CSVReader.Records(Array(text.utf8), delimiter: .semicolon)
        var streamed: [CSVReader.Record] = []
        while let record = try reader.next() { streamed.append(record) }
        let whole = try CSVReader.records(text, delimiter: .semicolon)
        #expect(streamed.map(\.line) == whole.map(\.line) && streamed.map(\.line) == [1, 2, 4, 5, 6])
        #expect(streamed.map(\.fields) == whole.map(\.fields))
        #expect(streamed.map(\.fields) == [["a", "b"], ["x\ny", "2"], [""], ["3", ""], ["4"]])
        #expect(try reader.next() == nil)
        #expect(CSVReader.delimiter(of: Array(text.utf8)) == .semicolon)
    }
}
