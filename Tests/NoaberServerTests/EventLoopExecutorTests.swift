import NIOCore
import NIOPosix
import Testing

@testable import NoaberServer

/// A connection's task runs on its socket's event loop, every part of it: after each suspension
/// it resumes there, and so do the child tasks it starts.
@Suite("Connection tasks on their event loop")
struct EventLoopExecutorTests {
    @Test func aTaskAndItsChildrenRunOnTheLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let loop = group.next()
        let other = group.next()
        let executor = EventLoopExecutor(loop)
        let seen = await withTaskGroup(of: [Bool].self) { tasks in
            tasks.addTask(executorPreference: executor) {
                var seen = [loop.inEventLoop]
                // A suspension that completes on the other loop still resumes on this one.
                try? await other.scheduleTask(in: .milliseconds(1)) {}.futureResult.get()
                seen.append(loop.inEventLoop)
                async let child = loop.inEventLoop
                seen.append(await child)
                return seen
            }
            return await tasks.next() ?? []
        }
        #expect(seen == [true, true, true])
        try await group.shutdownGracefully()
    }
}
