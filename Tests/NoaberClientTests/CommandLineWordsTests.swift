import NoaberClient
import NoaberCore
import Testing

@Suite("What people type: negative values, near commands, plurals")
struct CommandLineWordsTests {
    @Test func aNegativeNumberAfterALongOptionBecomesItsValue() {
        #expect(
            CommandLineWords.joiningNegativeValues(["credit", "--amount", "-1.00", "--to", "vol:x"])
                == ["credit", "--amount=-1.00", "--to", "vol:x"])
        #expect(CommandLineWords.joiningNegativeValues(["--hours", "-0,5"]) == ["--hours=-0,5"])
        #expect(CommandLineWords.joiningNegativeValues(["--min-balance", "-45"]) == ["--min-balance=-45"])
    }

    @Test func everythingElseIsLeftAsItIs() {
        for arguments in [
            ["--amount=-1.00"], ["--amount", "--json"], ["-k", "-1"], ["--amount", "-x"], ["--amount", "-1.0.0"],
            ["--amount", "-"], ["balance", "-1"], ["--", "--amount", "-1"], ["--amount"],
        ] {
            #expect(CommandLineWords.joiningNegativeValues(arguments) == arguments, "\(arguments)")
        }
    }

    @Test func theNearestCommandIsATypoAwayOrTheOnlyOneItBegins() {
        let names = ["balance", "history", "statement", "status", "init", "import", "verify", "verify-proof"]
        #expect(CommandLineWords.nearest("blance", among: names) == "balance")
        #expect(CommandLineWords.nearest("balnace", among: names) == "balance")
        #expect(CommandLineWords.nearest("BALANCE", among: names) == "balance")
        #expect(CommandLineWords.nearest("histroy", among: names) == "history")
        #expect(CommandLineWords.nearest("stat", among: names) == "status")
        #expect(CommandLineWords.nearest("statem", among: names) == "statement")
        #expect(CommandLineWords.nearest("imprt", among: names) == "import")
        #expect(CommandLineWords.nearest("xyzzy", among: names) == nil)
        #expect(CommandLineWords.nearest("ver", among: names) == nil, "verify and verify-proof both begin so")
        #expect(CommandLineWords.nearest("in", among: names) == "init")
    }

    @Test func countsTakeTheirNounsNumber() {
        #expect(counted(1, "line") == "1 line" && counted(2, "line") == "2 lines" && counted(0, "line") == "0 lines")
        #expect(counted(1, "entry", "entries") == "1 entry" && counted(UInt64(16), "entry", "entries") == "16 entries")
        #expect(
            Hours.phrase("1") == "1 hour" && Hours.phrase("2.5") == "2.5 hours" && Hours.phrase("0.5") == "0.5 hours")
    }
}
