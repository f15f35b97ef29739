package org.kevent.netty;

import io.netty.channel.IoHandle;

/**
 * What a {@link KeventIoHandler} accepts for registration: its events arrive as
 * {@link KeventIoEvent}s, its interests are submitted as {@link KeventIoOps}.
 */
interface KeventIoHandle extends IoHandle {
}
