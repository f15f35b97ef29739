package org.kevent.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/**
 * Descriptor of {@code struct sockaddr_in} ({@code netinet/in.h}), 16 bytes on every Linux ABI:
 * <pre>
 *  0          2          4                    8                                  16
 * +----------+----------+--------------------+----------------------------------+
 * | family   | port     | addr (4 bytes)     | zero (8 bytes)                   |
 * | (host)   | (net BE) | (network order)    |                                  |
 * +----------+----------+--------------------+----------------------------------+
 * </pre>
 *
 * <p><b>Threading.</b> Stateless; the accessors are as thread-safe as the segment they touch.
 */
public final class SockaddrIn {
    /** {@code AF_INET} (bits/socket.h). */
    public static final short AF_INET = 2;

    /** Layout of the struct. */
    public static final MemoryLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin_family"),
            ValueLayout.JAVA_SHORT.withName("sin_port"),
            MemoryLayout.sequenceLayout(4, ValueLayout.JAVA_BYTE).withName("sin_addr"),
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("sin_zero"))
            .withName("sockaddr_in");

    /** Bytes of the struct. */
    public static final int SIZE = (int) LAYOUT.byteSize();
    /** Offset of the address family, host order. */
    public static final long FAMILY_OFFSET = 0;
    /** Offset of the port, network (big-endian) order. */
    public static final long PORT_OFFSET = 2;
    /** Offset of the IPv4 address, network order. */
    public static final long ADDR_OFFSET = 4;

    static final ValueLayout.OfShort PORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SockaddrIn() {
    }

    /**
     * Writes {@code address} as a {@code sockaddr_in} at the start of {@code into}.
     *
     * @param into    at least {@link #SIZE} bytes
     * @param address an IPv4 address
     * @param port    0..65535
     * @return {@link #SIZE}
     */
    static int encode(MemorySegment into, Inet4Address address, int port) {
        into.asSlice(0, SIZE).fill((byte) 0);
        into.set(ValueLayout.JAVA_SHORT, FAMILY_OFFSET, AF_INET);
        into.set(PORT, PORT_OFFSET, (short) port);
        MemorySegment.copy(address.getAddress(), 0, into, ValueLayout.JAVA_BYTE, ADDR_OFFSET, 4);
        return SIZE;
    }

    static InetSocketAddress decode(MemorySegment from) {
        byte[] addr = new byte[4];
        MemorySegment.copy(from, ValueLayout.JAVA_BYTE, ADDR_OFFSET, addr, 0, 4);
        int port = Short.toUnsignedInt(from.get(PORT, PORT_OFFSET));
        try {
            return new InetSocketAddress(InetAddress.getByAddress(addr), port);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
