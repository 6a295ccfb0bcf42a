import Glibc

/// A connection that one thread serves with several others (`serveLanes`), one request in flight
/// at a time: the read and the submit benchmarks' lanes. Sixteen or sixty-four blocking threads on
/// two cores spent the client's time switching between them.
protocol PolledLane: AnyObject {
    /// The socket whose answers `receive` takes.
    var descriptor: Int32 { get }
    /// Every request has been answered.
    var isFinished: Bool { get }
    /// Sends the first request.
    func sendFirst() throws
    /// Takes what the daemon has sent, and sends the next request.
    func receive() throws
}

/// Runs every lane to the end on this thread, woken by whichever answers first; fails when none
/// answers for `timeout` seconds.
func serveLanes(_ lanes: [some PolledLane], timeout: Int32) throws {
    for lane in lanes where !lane.isFinished { try lane.sendFirst() }
    var waiting = lanes.map { pollfd(fd: $0.descriptor, events: Int16(POLLIN), revents: 0) }
    while lanes.contains(where: { !$0.isFinished }) {
        for index in waiting.indices {
            waiting[index].fd = lanes[index].isFinished ? -1 : lanes[index].descriptor
        }
        let ready = poll(&waiting, nfds_t(waiting.count), timeout * 1000)
        guard ready > 0 else {
            throw LineSocket.Failure(
                description: ready == 0 ? "no answer for \(timeout) s" : "poll: \(String(cString: strerror(errno)))")
        }
        for index in waiting.indices where waiting[index].revents != 0 { try lanes[index].receive() }
    }
}
