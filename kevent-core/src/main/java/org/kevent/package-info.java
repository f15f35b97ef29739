/**
 * The kevent API: a {@link org.kevent.KeventQueue} holds interests registered on sources of events
 * (timers, user events; sockets, files and async I/O in later releases) and hands out the ready ones.
 *
 * <p>Names follow the 2006 kevent proposal: {@code kevent_user} is {@link org.kevent.KeventQueue},
 * {@code ukevent} is {@link org.kevent.Ukevent}, {@code kevent_ctl} is
 * {@link org.kevent.KeventQueue#ctl}, {@code kevent_get_events} is
 * {@link org.kevent.KeventQueue#getEvents}, and {@code kevent_wait}/{@code kevent_commit} are
 * {@link org.kevent.EventRing#await} and {@link org.kevent.EventRing#commit}.
 */
package org.kevent;
