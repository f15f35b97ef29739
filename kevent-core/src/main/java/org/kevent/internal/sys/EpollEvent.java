package org.kevent.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Locale;

/**
 * Descriptor of {@code struct epoll_event} ({@code sys/epoll.h}): offsets, size, layout and
 * accessors over an array of them in a segment.
 *
 * <p>On x86-64 the kernel declares the struct {@code __attribute__((packed))} so that 32-bit and
 * 64-bit user space share one layout; everywhere else the 64-bit data word is naturally aligned:
 * <pre>
 * x86-64 (12 bytes, packed)          aarch64 and others (16 bytes)
 *  0                   4         12    0           4           8                 16
 * +-------------------+----------+    +-----------+-----------+-----------------+
 * | events (u32)      | data(u64)|    | events    | padding   | data (u64)      |
 * +-------------------+----------+    +-----------+-----------+-----------------+
 * </pre>
 * {@code data} is a union ({@code ptr}, {@code fd}, {@code u32}, {@code u64}); this package only
 * ever uses it as the 64-bit word, which the kernel hands back untouched.
 *
 * <p><b>Threading.</b> Stateless; the accessors are as thread-safe as the segment they read.
 */
public final class EpollEvent {

    private static final boolean PACKED = isX86_64(System.getProperty("os.arch"));

    /** Layout of one {@code struct epoll_event} on this architecture. */
    public static final MemoryLayout LAYOUT = PACKED
            ? MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("events"),
                    ValueLayout.JAVA_LONG_UNALIGNED.withName("data"))
                    .withName("epoll_event")
            : MemoryLayout.structLayout(
                    ValueLayout.JAVA_INT.withName("events"),
                    MemoryLayout.paddingLayout(4),
                    ValueLayout.JAVA_LONG.withName("data"))
                    .withName("epoll_event");

    /** Bytes of one {@code struct epoll_event}: 12 on x86-64, 16 elsewhere. */
    public static final long SIZE = LAYOUT.byteSize();

    /** Offset of the {@code events} mask ({@code EPOLLIN}, ...). */
    public static final long EVENTS_OFFSET =
            LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("events"));

    /** Offset of the 64-bit {@code data} word: 4 on x86-64 (unaligned), 8 elsewhere. */
    public static final long DATA_OFFSET =
            LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("data"));

    private EpollEvent() {
    }

    /**
     * Returns whether {@code os.arch} names x86-64, the one architecture with the packed layout.
     *
     * @param osArch a value of the {@code os.arch} system property
     * @return {@code true} for {@code amd64} and {@code x86_64}
     */
    static boolean isX86_64(String osArch) {
        String arch = osArch == null ? "" : osArch.toLowerCase(Locale.ROOT);
        return arch.equals("amd64") || arch.equals("x86_64");
    }

    /**
     * Reads the events mask of the struct at {@code index}.
     *
     * @param array a segment holding consecutive structs
     * @param index which struct
     * @return the {@code events} field
     */
    static int events(MemorySegment array, long index) {
        return array.get(ValueLayout.JAVA_INT, index * SIZE + EVENTS_OFFSET);
    }

    /**
     * Reads the data word of the struct at {@code index}.
     *
     * @param array a segment holding consecutive structs
     * @param index which struct
     * @return the {@code data} field as a 64-bit word
     */
    static long data(MemorySegment array, long index) {
        return array.get(ValueLayout.JAVA_LONG_UNALIGNED, index * SIZE + DATA_OFFSET);
    }

    /**
     * Writes one struct at {@code index}.
     *
     * @param array  a segment holding consecutive structs
     * @param index  which struct
     * @param events the {@code events} mask
     * @param data   the {@code data} word
     */
    static void set(MemorySegment array, long index, int events, long data) {
        long base = index * SIZE;
        array.set(ValueLayout.JAVA_INT, base + EVENTS_OFFSET, events);
        array.set(ValueLayout.JAVA_LONG_UNALIGNED, base + DATA_OFFSET, data);
    }
}
