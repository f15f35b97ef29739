/**
 * Test support of kevent-core, in the test sources only: the fakes and helpers that tests of more
 * than one package share, so the rest of the test tree mirrors the main tree (a room's tests beside
 * its package, the behaviour tests of the public API in {@code org.kevent} and
 * {@code org.kevent.net}).
 *
 * <ul>
 *   <li>Kernel stand-ins: {@link org.kevent.testing.NoFdPoller}, {@link org.kevent.testing.FakePoller}
 *       and {@link org.kevent.testing.FakeEpoll} (pollers), {@link org.kevent.testing.FdKernel}
 *       (for the waiter-protocol checks), {@link org.kevent.testing.FakeInotify} and
 *       {@link org.kevent.testing.RefusingInotify} (inode backends), and
 *       {@link org.kevent.testing.ManualClock}.</li>
 *   <li>Runners: {@link org.kevent.testing.PropertyChecks} (QuickTheories with a printed seed) and
 *       {@link org.kevent.testing.ChildJvm} (a throwaway JVM for tests that exhaust a resource).</li>
 * </ul>
 *
 * A fake reaches a queue only through {@code KeventQueue.Builder}'s package-private test hooks
 * ({@code clock}, {@code poller}, {@code inodeBackend}, {@code aioRingEntries}), so the helpers that
 * build queues with them stay in {@code org.kevent}: {@code TestQueues}, {@code NaioQueues} (the
 * public bridge for {@code org.kevent.net}'s tests) and the model's {@code ModelHarness}.
 */
package org.kevent.testing;
