package org.kevent.cli.http;

import java.io.InputStream;
import java.net.InetSocketAddress;

/**
 * Run in a child JVM under {@code prlimit} by {@link HostileClientsTest}: evserver with its
 * default limits, so that the connection cap comes from this JVM's own descriptor limit. Prints
 * {@code port N} and {@code cap N}, serves until its stdin ends, then prints {@code evicted N}.
 * Only this throwaway JVM runs short of descriptors.
 */
public final class CapProbe {
    private CapProbe() {
    }

    public static void main(String[] args) throws Exception {
        boolean aio = args.length > 0 && args[0].equals("aio");
        try (EvServer server = EvServer.start(new InetSocketAddress("127.0.0.1", 0), 1, null, aio)) {
            System.out.println("port " + server.localAddress().getPort());
            System.out.println("cap " + EvServer.Limits.defaultMaxConnections(false));
            System.out.flush();
            InputStream in = System.in;
            while (in.read() >= 0) {
                // serving until the parent closes our stdin
            }
            System.out.println("evicted " + server.evicted());
        }
    }
}
