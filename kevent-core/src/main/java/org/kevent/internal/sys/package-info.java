/**
 * FFM bindings to the Linux kernel facilities kevent is built on, one final class per facility
 * ({@link org.kevent.internal.sys.Epoll}, {@link org.kevent.internal.sys.EventFd},
 * {@link org.kevent.internal.sys.TimerFd}, {@link org.kevent.internal.sys.Fd},
 * {@link org.kevent.internal.sys.Inotify}, {@link org.kevent.internal.sys.Sockets},
 * {@link org.kevent.internal.sys.FileOpen}, {@link org.kevent.internal.sys.IoUring},
 * {@link org.kevent.internal.sys.Pidfd}) plus
 * descriptor classes for the structs they pass ({@link org.kevent.internal.sys.EpollEvent},
 * {@link org.kevent.internal.sys.IoUringSqe}, ...).
 *
 * <p>The only package of the project that touches {@code MemorySegment}, {@code MethodHandle},
 * {@code Arena}, the linker or errno. Methods are named after the system call and return
 * {@code -errno} on failure; deciding which errno is normal, and throwing
 * {@link org.kevent.internal.sys.Errno#exception(String, int)} for the rest, is the caller's job.
 * Calls allocate nothing once a thread has made its first one. Not exported.
 */
package org.kevent.internal.sys;
