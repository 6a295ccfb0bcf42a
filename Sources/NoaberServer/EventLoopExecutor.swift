import NIOCore

/// Runs a connection's task on the event loop that serves its socket.
///
/// On the global executor each request crossed threads four times: the line from the event loop
/// to a pool thread, the answer back to the loop to be written, the write's completion to the
/// pool again, and the next line. The profile of the submit path showed those wake-ups costing
/// as much as the fsyncs. With the loop as the task's executor, a request is read, checked and
/// answered on one thread, and leaves it only for the writer (and a read for the read pool). The
/// event loops are one per core, so decoding and signature checks still use every core. They are
/// `MultiThreadedEventLoopGroup.singleton`'s, which live as long as the process, so no job is
/// ever handed to a loop that has stopped.
final class EventLoopExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
