import Glibc

/// A progress line on stderr for long commands, such as
/// `exporting  12000/20000 entries  [############........]  60%`.
///
/// It is drawn only when stderr is a terminal (a log file or a pipe would collect every redraw),
/// at most ten times a second (a terminal is slower than the work), and erased at the end, so the
/// summary line that follows starts on a clean line.
struct ProgressBar {
    static let width = 20
    static let interval = Duration.milliseconds(100)

    let label: String
    let unit: String
    let total: Int64
    private let enabled: Bool
    private var lastDraw: ContinuousClock.Instant?
    private var drawnCount = 0

    init(label: String, unit: String, total: Int64, enabled: Bool) {
        self.label = label
        self.unit = unit
        self.total = total
        self.enabled = enabled
    }

    /// Whether a bar belongs on this stderr: only a terminal, and not the terminal the command's
    /// own output is going to, where the bar would be drawn into the middle of that output.
    static func wanted(writingToStandardOutput: Bool) -> Bool {
        isatty(STDERR_FILENO) == 1 && !(writingToStandardOutput && isatty(STDOUT_FILENO) == 1)
    }

    mutating func update(_ done: Int64) {
        guard enabled else { return }
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < Self.interval, done < total { return }
        lastDraw = now
        let line = Self.line(label: label, done: done, total: total, unit: unit)
        let padding = String(repeating: " ", count: max(0, drawnCount - line.count))
        FileHandleStandardError.write("\r" + line + padding)
        drawnCount = line.count
    }

    mutating func clear() {
        guard enabled, drawnCount > 0 else { return }
        FileHandleStandardError.write("\r" + String(repeating: " ", count: drawnCount) + "\r")
        drawnCount = 0
    }

    /// The bar's text; integers only, like every other number the CLI prints.
    static func line(label: String, done: Int64, total: Int64, unit: String) -> String {
        let clamped = min(max(done, 0), total)
        let percent = total > 0 ? clamped * 100 / total : 100
        let filled = Int(total > 0 ? clamped * Int64(width) / total : Int64(width))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        return "\(label)  \(clamped)/\(total) \(unit)  [\(bar)]  \(percent)%"
    }
}
