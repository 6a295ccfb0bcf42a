import Foundation
import NoaberProtocol
import NoaberTestSupport
import Testing

/// `noaber verify` asks for packed pages and reads a JSON page where a daemon from before packed
/// pages ignores the ask: here a relay strips `packed` from every `ledger.entries` request on its
/// way to the real daemon, which then answers as an old one would.
@Suite("Verify against a daemon without packed pages")
struct PackedFallbackTests {
    static let python = "/usr/bin/python3"
    static let hasPython = FileManager.default.isExecutableFile(atPath: python)

    /// Relays each connection to the daemon line by line, dropping `packed` from `ledger.entries`
    /// params; prints how many it dropped. Stops once a file `<socket>.stop` exists (or after 300 s).
    static let relayScript = #"""
        import json, os, socket, sys, threading

        listen_path, daemon_path = sys.argv[1:3]
        stripped = 0
        lock = threading.Lock()

        def pipe_answers(source, sink):
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
            sink.shutdown(socket.SHUT_WR)

        def serve(client):
            global stripped
            daemon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            daemon.connect(daemon_path)
            threading.Thread(target=pipe_answers, args=(daemon, client), daemon=True).start()
            buffer = b""
            while True:
                data = client.recv(65536)
                if not data:
                    break
                buffer += data
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    request = json.loads(line)
                    params = request.get("params")
                    if request.get("method") == "ledger.entries" and isinstance(params, dict) and "packed" in params:
                        del params["packed"]
                        line = json.dumps(request).encode()
                        with lock:
                            stripped += 1
                    daemon.sendall(line + b"\n")
            daemon.shutdown(socket.SHUT_WR)

        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(listen_path + ".tmp")
        server.listen(8)
        os.rename(listen_path + ".tmp", listen_path)
        server.settimeout(0.2)
        threads = []
        waited = 0.0
        while not os.path.exists(listen_path + ".stop") and waited < 300:
            try:
                conn, _ = server.accept()
            except socket.timeout:
                waited += 0.2
                continue
            thread = threading.Thread(target=serve, args=(conn,))
            thread.start()
            threads.append(thread)
        for thread in threads:
            thread.join()
        os.unlink(listen_path)
        print(stripped)
        """#

    @Test(.enabled(if: hasPython, "python3 is missing; scripts/setup.sh installs it"))
    func verifyReadsTheJSONPagesOfAnOlderDaemon() async throws {
        let daemon = try await DaemonProcess()
        defer { daemon.tearDown() }
        _ = try WalkthroughLedger(on: daemon)
        let entries = try await daemon.status().entries
        let direct = try daemon.noaber(arguments: ["verify"])
        #expect(
            direct.status == 0 && direct.stdout.contains("OK: \(entries) entries"), "\(direct.stdout)\(direct.stderr)")

        let dir = daemon.directory
        let relaySocket = dir.appendingPathComponent("relay.sock").path
        try Self.relayScript.write(to: dir.appendingPathComponent("relay.py"), atomically: true, encoding: .utf8)
        let relay = ThreadJob {
            try runProcess(URL(fileURLWithPath: Self.python), ["relay.py", relaySocket, daemon.socket], in: dir)
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while !FileManager.default.fileExists(atPath: relaySocket) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        let relayed = try daemon.noaber(arguments: ["verify", "--socket", relaySocket])
        FileManager.default.createFile(atPath: relaySocket + ".stop", contents: nil)
        let result = try await relay.value()
        #expect(result.status == 0, "relay: \(result.stderr)")
        #expect(
            relayed.status == 0 && relayed.stdout.contains("OK: \(entries) entries"),
            "verify through the relay: \(relayed.stdout)\(relayed.stderr)")
        // The relay took `packed` off every page asked for, so every page came back as JSON.
        #expect((Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) >= 1, "\(result.stdout)")
    }
}
