/**
 * The kevent API: a {@link org.kevent.KeventQueue} holds interests registered on sources of events
 * (timers, user events, the readiness of any file descriptor, the library's TCP sockets, inotify's
 * file-system changes and network async I/O; {@link org.kevent.EventType}) and hands out the ready
 * ones (docs/SEMANTICS.md).
 *
 * <p>Names follow the 2006 kevent proposal: {@code kevent_user} is {@link org.kevent.KeventQueue},
 * {@code ukevent} is {@link org.kevent.Ukevent}, {@code kevent_ctl} is
 * {@link org.kevent.KeventQueue#ctl}, {@code kevent_get_events} is
 * {@link org.kevent.KeventQueue#getEvents}, and {@code kevent_wait}/{@code kevent_commit} are
 * {@link org.kevent.EventRing#await} and {@link org.kevent.EventRing#commit}.
 */
package org.kevent;
