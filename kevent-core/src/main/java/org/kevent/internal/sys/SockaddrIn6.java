package org.kevent.internal.sys;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Descriptor of {@code struct sockaddr_in6} ({@code netinet/in.h}), 28 bytes on every Linux ABI:
 * <pre>
 *  0        2        4             8                               24            28
 * +--------+--------+-------------+-------------------------------+-------------+
 * | family | port   | flowinfo    | addr (16 bytes, network order)| scope_id    |
 * | (host) | (BE)   | (BE)        |                               | (host)      |
 * +--------+--------+-------------+-------------------------------+-------------+
 * </pre>
 *
 * <p><b>Threading.</b> Stateless; the accessors are as thread-safe as the segment they touch.
 */
public final class SockaddrIn6 {
    /** {@code AF_INET6} (bits/socket.h). */
    public static final short AF_INET6 = 10;

    /** Layout of the struct. */
    public static final MemoryLayout LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sin6_family"),
            ValueLayout.JAVA_SHORT.withName("sin6_port"),
            ValueLayout.JAVA_INT.withName("sin6_flowinfo"),
            MemoryLayout.sequenceLayout(16, ValueLayout.JAVA_BYTE).withName("sin6_addr"),
            ValueLayout.JAVA_INT.withName("sin6_scope_id"))
            .withName("sockaddr_in6");

    /** Bytes of the struct. */
    public static final int SIZE = (int) LAYOUT.byteSize();
    /** Offset of the address family, host order. */
    public static final long FAMILY_OFFSET = 0;
    /** Offset of the port, network order. */
    public static final long PORT_OFFSET = 2;
    /** Offset of the flow information, network order. */
    public static final long FLOWINFO_OFFSET = 4;
    /** Offset of the IPv6 address, network order. */
    public static final long ADDR_OFFSET = 8;
    /** Offset of the scope id (interface index for link-local addresses), host order. */
    public static final long SCOPE_ID_OFFSET = 24;

    private SockaddrIn6() {
    }

    static int encode(MemorySegment into, Inet6Address address, int port) {
        into.asSlice(0, SIZE).fill((byte) 0);
        into.set(ValueLayout.JAVA_SHORT, FAMILY_OFFSET, AF_INET6);
        into.set(SockaddrIn.PORT, PORT_OFFSET, (short) port);
        MemorySegment.copy(address.getAddress(), 0, into, ValueLayout.JAVA_BYTE, ADDR_OFFSET, 16);
        into.set(ValueLayout.JAVA_INT, SCOPE_ID_OFFSET, Math.max(0, address.getScopeId()));
        return SIZE;
    }

    static InetSocketAddress decode(MemorySegment from) {
        byte[] addr = new byte[16];
        MemorySegment.copy(from, ValueLayout.JAVA_BYTE, ADDR_OFFSET, addr, 0, 16);
        int port = Short.toUnsignedInt(from.get(SockaddrIn.PORT, PORT_OFFSET));
        int scope = from.get(ValueLayout.JAVA_INT, SCOPE_ID_OFFSET);
        try {
            // Without a scope, getByAddress also turns an IPv4-mapped address (::ffff:a.b.c.d, what
            // a dual-stack listener reports for an IPv4 peer) back into the IPv4 address.
            InetAddress address = scope == 0 ? InetAddress.getByAddress(addr) : Inet6Address.getByAddress(null, addr, scope);
            return new InetSocketAddress(address, port);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
