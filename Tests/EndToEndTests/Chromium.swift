import Foundation
import NoaberTestSupport
import Testing

/// Debian's headless `chromium` (installed by `scripts/setup.sh --test`), which renders a statement
/// page as a volunteer's browser would: a screenshot, the page's DOM after its scripts ran, and its
/// print to PDF. Tests that need it are skipped, with `skipMessage`, where it is missing.
enum Chromium {
    static let path = onPath("chromium")
    static var available: Bool { path != nil }
    static let skipMessage: Comment =
        "chromium is not installed (scripts/setup.sh --test installs it); skipping the statement page rendering tests"

    /// Runs headless chromium on `page` with a profile of its own in `directory` (so runs at the same
    /// time do not share one), at a 900 × 1200 window; requires it to succeed.
    @discardableResult
    static func run(_ arguments: [String], page: URL, in directory: URL) async throws -> String {
        let profile = try makeTemporaryDirectory("chromium", under: directory, shortName: true)
        let result = try await runProcessOffloaded(
            URL(fileURLWithPath: try #require(path)),
            [
                "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--user-data-dir=\(profile.path)",
                "--window-size=900,1200",
            ] + arguments + [page.absoluteString], in: directory, input: .empty)
        try #require(result.status == 0, "chromium \(arguments) failed: \(result.stderr)")
        return result.stdout
    }

    /// A PNG's width and height, from its IHDR chunk (the first, at byte 16).
    static func pngSize(_ data: Data) throws -> (width: Int, height: Int) {
        let bytes = [UInt8](data)
        try #require(bytes.count > 24 && bytes[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        try #require(Array(bytes[12..<16]) == Array("IHDR".utf8))
        func big(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (big(16), big(20))
    }

    /// The pages of a PDF chromium printed: its page tree's `/Count` (chromium writes it uncompressed).
    static func pdfPages(_ data: Data) throws -> Int {
        let text = String(decoding: data, as: UTF8.self)
        let count = try #require(text.firstMatch(of: /\/Count (\d+)/), "no /Count in the PDF")
        return try #require(Int(count.1))
    }

    /// The text a reader sees: the DOM without its scripts, styles and tags, entities decoded.
    static func visibleText(_ dom: String) -> String {
        var text = dom.replacing(/<script.*?<\/script>/.dotMatchesNewlines(), with: " ")
        text = text.replacing(/<style.*?<\/style>/.dotMatchesNewlines(), with: " ")
        text = text.replacing(/<[^>]*>/, with: " ")
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }
}
