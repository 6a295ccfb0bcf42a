import Foundation
import NoaberAudit
import NoaberClient
import NoaberCore
import Testing

@Suite("Reading an import file")
struct ImportFileTests {
    let today = CalendarDate("2026-11-30")!

    func parse(_ text: String) throws -> (lines: [ImportFile.Line], problems: [ImportFile.Problem]) {
        let contents = try ImportFile.parse(text, source: "month.csv", today: today)
        return (contents.lines, contents.problems)
    }

    func failure(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func linesCarryTheirValuesInAnyColumnOrder() throws {
        let (lines, problems) = try parse(
            "Hours, account ,date,category,memo,external_id\n1.5,vol:piet,2026-11-01,boodschappen,\"a, b\",N-1\n")
        #expect(problems.isEmpty)
        let line = try #require(lines.first)
        #expect(line.number == 2 && line.account.rawValue == "vol:piet" && line.date == "2026-11-01")
        #expect(line.hours?.hundredths == 150 && line.category == "boodschappen" && line.memo == "a, b")
        #expect(line.externalID == "N-1" && line.identity == "external:N-1")
    }

    @Test(arguments: [
        ("", "month.csv is empty"),
        ("volunteer,date,hours\nx,2026-11-01,1\n", "line 1: unknown column \"volunteer\""),
        ("date,hours\n2026-11-01,1\n", "line 1: the column \"account\" is missing"),
        ("account,date,memo\nvol:piet,2026-11-01,x\n", "line 1: give a column \"hours\" or \"amount\""),
        ("account,date,hours,hours\nvol:piet,2026-11-01,1,1\n", "line 1: the column \"hours\" appears twice"),
        ("account,date,hours\n\n", "month.csv has a header but no lines to import"),
    ])
    func aBadHeaderOrNoLinesRefusesTheFile(text: String, message: String) {
        #expect(failure(text)?.hasPrefix(message) == true, "\(failure(text) ?? "no failure")")
    }

    @Test func everyBadLineIsNamedNotJustTheFirst() throws {
        let text = """
            account,date,hours,amount,category,external_id
            vol:piet,2026-11-01,0,,,
            VOL,2026-11-01,1,,,
            vol:piet,2026-02-30,1,,,
            vol:piet,2026-11-01,1,5,,
            vol:piet,2026-11-01,,,,
            vol:piet,2026-11-01,,5,tuin,
            vol:piet,2026-12-01,1,,,
            vol:piet,2026-11-01,1,,,A
            vol:piet,2026-11-02,1,,,A
            vol:piet,2026-11-03,1
            ,2026-11-03,1,,,

            """
        let (lines, problems) = try parse(text)
        #expect(lines.count == 1 && lines[0].number == 9)
        #expect(problems.map(\.line) == [2, 3, 4, 5, 6, 7, 8, 10, 11, 12])
        let reasons = problems.map(\.reason)
        #expect(reasons[0].hasPrefix("invalid hours"))
        #expect(reasons[1] == "\"VOL\" is not an account id")
        #expect(reasons[2] == "the date must be YYYY-MM-DD, not \"2026-02-30\"")
        #expect(reasons[3] == "give hours or an amount, not both")
        #expect(reasons[4] == "give hours or an amount")
        #expect(reasons[5] == "a category goes with hours, not an amount")
        #expect(reasons[6] == "the date 2026-12-01 is after today: care is credited once given")
        #expect(reasons[7] == "external_id A is also on line 9")
        #expect(reasons[8] == "3 fields, but the header names 6")
        #expect(reasons[9] == "the account is empty")
        #expect(problems[0].description.hasPrefix("line 2: "))
    }

    @Test func aLineWithSeveralFaultsIsNamedWithAllOfThem() throws {
        let (lines, problems) = try parse(
            "account,date,hours,category,memo\nvol:piet,2026-13-01,1.234,Tuin!,ok\nVOL,2026-11-01,1,boodschappen,x\n")
        #expect(lines.isEmpty)
        #expect(
            problems.map(\.reasons.count) == [3, 1]
                && problems[0].reason.hasPrefix("the date must be YYYY-MM-DD, not \"2026-13-01\"; invalid hours"))
        #expect(problems[0].reason.contains("category \"Tuin!\" must be"))
        // What the line names and reads is kept, for the ledger to be asked about it too.
        #expect(problems[0].account?.rawValue == "vol:piet" && problems[0].category == nil)
        #expect(problems[1].account == nil && problems[1].category == "boodschappen")
    }

    @Test func aSemicolonFileAsDutchExcelSavesIt() throws {
        // A byte-order mark, CRLF line ends, semicolons, and decimal commas in hours and amounts.
        let text =
            "\u{FEFF}account;date;hours;amount;memo\r\nvol:piet;2026-11-01;2,5;;boodschappen, bakker\r\n"
            + "vol:jan;2026-11-02;;12,50;\r\nvol:jan;2026-11-03;1.234,5;;\r\n"
        let contents = try ImportFile.parse(text, source: "month.csv", today: today)
        #expect(contents.delimiter == .semicolon && contents.delimiter.name == "semicolon-separated")
        #expect(contents.lines.count == 2 && contents.lines[0].hours?.hundredths == 250)
        #expect(contents.lines[0].memo == "boodschappen, bakker" && contents.lines[1].amountText == "12.50")
        #expect(contents.problems.map(\.line) == [4] && contents.problems[0].reason.hasPrefix("invalid hours"))
        // In a comma file the same hours are a decimal point's.
        let comma = try ImportFile.parse("account,date,hours\nvol:piet,2026-11-01,\"2,5\"\n", source: "m", today: today)
        #expect(comma.delimiter == .comma && comma.lines.isEmpty && comma.problems.count == 1)
    }

    @Test func aDecimalCommaGivesTheEntryIDOfItsPoint() throws {
        let issuer = try AccountID("org:zorgkring")
        let point = try parse("account,date,hours\nvol:piet,2026-11-01,2.5\n").lines[0]
        let comma = try parse("account;date;hours\nvol:piet;2026-11-01;2,5\n").lines[0]
        #expect(ImportFile.entryID(issuer: issuer, point) == ImportFile.entryID(issuer: issuer, comma))
    }

    @Test func aRepeatedLineWithoutExternalIDIsRefused() throws {
        let (lines, problems) = try parse("account,date,hours\nvol:piet,2026-11-01,1\nvol:piet,2026-11-01,1\n")
        #expect(lines.count == 1)
        #expect(problems.first?.reason == "repeats line 2; if both are meant, give each an external_id")
    }

    @Test func theEntryIDDependsOnTheIssuerAndTheLineNotItsPosition() throws {
        let issuer = try AccountID("org:zorgkring")
        let first = try parse("account,date,hours\nvol:piet,2026-11-01,1\n").lines[0]
        let moved = try parse("account,date,hours\n\nvol:piet,2026-11-01,1\n").lines[0]
        #expect(first.number != moved.number)
        #expect(ImportFile.entryID(issuer: issuer, first) == ImportFile.entryID(issuer: issuer, moved))
        #expect(
            ImportFile.entryID(issuer: issuer, first) != ImportFile.entryID(issuer: try AccountID("org:other"), first))
        #expect(ImportFile.entryID(issuer: issuer, first).hasPrefix("imp-"))
    }

    @Test func readNamesTheFirstLineThatIsNotUTF8() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "noaber-latin1-\(UUID().uuidString).csv"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = Data("account,date,hours,memo\nvol:piet,2026-11-01,1,caf".utf8) + Data([0xE9]) + Data("\n".utf8)
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(throws: ClientFailure.self) { try ImportFile.read(path, today: today) }
        do { _ = try ImportFile.read(path, today: today) } catch {
            #expect("\(error)" == "\(path) is not UTF-8 text (line 2 has bytes that are not); save it as UTF-8 CSV")
        }
    }

    @Test func readRefusesAMissingFile() {
        #expect(throws: ClientFailure.self) { try ImportFile.read("/nonexistent/month.csv", today: today) }
    }
}

extension ImportFileTests {
    /// A field's spaces and tabs at its ends, and Unicode's other spaces (a no-break space), are
    /// not part of it; those inside are.
    @Test func fieldsAreTrimmedOfSpacesAtTheirEndsOnly() throws {
        let (lines, problems) = try parse(
            "account,date,hours,memo\n vol:piet\t,2026-11-01 ,1,\u{00A0}boodschappen bakker \n")
        #expect(problems.isEmpty)
        #expect(lines.first?.account.rawValue == "vol:piet" && lines.first?.date == "2026-11-01")
        #expect(lines.first?.memo == "boodschappen bakker")
    }

    /// A second reading of bytes already found without repeats keeps no key per line, so it
    /// lets a repeated line through; the first reading refuses it.
    @Test func aReadingWithoutTheRepeatCheckLetsARepeatThrough() throws {
        let bytes = Array("account,date,hours\nvol:piet,2026-11-01,1\nvol:piet,2026-11-01,1\n".utf8)
        let today = CalendarDate("2026-12-06")!
        func read(_ checksRepeats: Bool) throws -> (lines: Int, problems: Int) {
            var reader = try ImportFile.Reader(bytes, source: "f.csv", today: today, checksRepeats: checksRepeats)
            var lines = 0
            while try reader.next() != nil { lines += 1 }
            return (lines, reader.problems.count)
        }
        #expect(try read(true) == (1, 1))
        #expect(try read(false) == (2, 0))
    }
}
