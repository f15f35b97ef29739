package org.kevent.cli.stress;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.kevent.cli.http.EvServer;

/**
 * evserver under hostile clients (issue 12), over loopback, once plain and once with
 * {@code --aio} (half the budget each), one serving thread, short limits (request timeout
 * {@link #REQUEST_TIMEOUT}, idle timeout {@link #IDLE_TIMEOUT}, {@link #CAP} connections). While
 * the attacks run, {@link #POLITE} well-behaved clients ask for {@code /plaintext} and a small
 * file, 2 ms apart, on keep-alive connections they renew every 25 requests, each request bounded
 * by a 2-s read timeout. The attacks ({@link Attack}, each selectable), every one bounded in
 * count, re-opening what the server closes so that the pressure lasts:
 * <ul>
 * <li>{@code slowloris}: 200 connections send a request head one byte every 100 ms, never ending it;</li>
 * <li>{@code pipeliners}: 200 connections with a 4-KiB receive buffer pipeline requests for a
 * 64-KiB file, a few every 50 ms, and never read an answer;</li>
 * <li>{@code abandoned}: up to 1,500 connections (fewer under a low descriptor limit), at most 150
 * new ones per 100 ms, that send half a request head and are left open;</li>
 * <li>{@code fifo}: a file under the root is swapped, by rename, with a FIFO and back, while a
 * client asks for it, 8 pipelined requests at a time;</li>
 * <li>{@code symlink}: a file under the root is swapped with a symlink to a file outside the root
 * and back, while a client asks for it, 8 pipelined requests at a time.</li>
 * </ul>
 *
 * <p>Books, per mode: every polite request answered whole (one that is not counts as lost), their
 * latency (p50, p99, max) with p99 held to a bound when one is given (100 ms from the command
 * line); per attack, connections opened and closed by the server, and for the file swaps what
 * was answered. Findings: the server froze on a FIFO (a request unanswered for 1 s, after which
 * the scenario opens the FIFO itself to release it), a FIFO served as a file, the outside file
 * served, a never-reading client still open after three idle timeouts, a half request
 * answered, the server not stopping after the run.
 *
 * <p>The file swaps need the other half of issue 12 (files opened without following symlinks,
 * regular files only): until then they fail the run, which is what they are for.
 */
final class HttpAbuseScenario implements Scenario {
    /** The attacks, by their names on the command line. */
    enum Attack {
        SLOWLORIS, PIPELINERS, ABANDONED, FIFO, SYMLINK;

        /** @return the name on the command line and in the books */
        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final Duration REQUEST_TIMEOUT = Duration.ofMillis(400);
    static final Duration IDLE_TIMEOUT = Duration.ofMillis(800);
    static final int CAP = 1024;
    static final int POLITE = 4;
    private static final int SLOWLORIS = 200;
    private static final int PIPELINERS = 200;
    private static final int ABANDONED = 1500;
    private static final int READ_TIMEOUT_MILLIS = 2000;
    private static final byte[] SECRET = "kevent-secret-outside-the-root\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REGULAR = "regular\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HELLO = "hello\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HALF_HEAD = "GET /plaintext HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SLOW_HEAD = "GET /plaintext HTTP/1.1\r\nHost: t\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
    /** Requests a file-swap client sends at a time. */
    private static final int SWAP_BATCH = 8;

    private final Set<Attack> attacks;
    private final Duration p99Bound;

    /** Every attack, polite p99 bound 100 ms: {@code kevent stress --scenario http-abuse}. */
    HttpAbuseScenario() {
        this(EnumSet.allOf(Attack.class), Duration.ofMillis(100));
    }

    /**
     * @param attacks  the attacks to run (none: the polite clients alone)
     * @param p99Bound the polite clients' p99 latency above which the run fails, or null to report it only
     */
    HttpAbuseScenario(Set<Attack> attacks, Duration p99Bound) {
        this.attacks = attacks.isEmpty() ? EnumSet.noneOf(Attack.class) : EnumSet.copyOf(attacks);
        this.p99Bound = p99Bound;
    }

    /**
     * @param names attack names ({@link Attack#label()})
     * @return the attacks
     * @throws IllegalArgumentException naming an unknown one and the known ones
     */
    static Set<Attack> attacks(Collection<String> names) {
        Set<Attack> chosen = EnumSet.noneOf(Attack.class);
        for (String n : names) {
            Attack a = Arrays.stream(Attack.values()).filter(x -> x.label().equals(n)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("unknown attack '" + n + "'; known: " + String.join(", ",
                            Arrays.stream(Attack.values()).map(Attack::label).toList())));
            chosen.add(a);
        }
        return chosen;
    }

    @Override
    public String name() {
        return "http-abuse";
    }

    @Override
    public void run(Duration budget, StressStats stats) throws InterruptedException {
        Duration half = budget.dividedBy(2);
        runMode(false, half, stats);
        runMode(true, budget.minus(half), stats);
    }

    /** One mode's run: the files, the server, the clients, the books. */
    private void runMode(boolean aio, Duration budget, StressStats stats) throws InterruptedException {
        String label = name() + "/" + (aio ? "aio" : "plain");
        Path dir;
        Tree files;
        try {
            dir = Files.createTempDirectory("kevent-http-abuse");
            files = new Tree(dir);
        } catch (IOException e) {
            stats.failed(label + ": cannot prepare the root: " + e);
            return;
        }
        try {
            EvServer server;
            try {
                server = EvServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1, files.root, aio,
                        new EvServer.Limits(REQUEST_TIMEOUT, IDLE_TIMEOUT, CAP));
            } catch (IOException | RuntimeException e) {
                stats.failed(label + ": the server did not start: " + e);
                return;
            }
            Books books = new Books();
            try {
                attack(label, server.localAddress(), files, budget, books, stats);
            } finally {
                stop(label, server, files, stats);
            }
            settle(label, aio, server, books, stats);
        } finally {
            files.delete();
        }
    }

    private void attack(String label, InetSocketAddress at, Tree files, Duration budget, Books books, StressStats stats)
            throws InterruptedException {
        long end = System.nanoTime() + budget.toNanos();
        Workers workers = new Workers(label, stats);
        for (int i = 0; i < POLITE; i++) {
            workers.start("polite" + i, () -> polite(at, end, books, stats));
        }
        if (attacks.contains(Attack.SLOWLORIS)) {
            workers.start("slowloris", () -> slowloris(at, end, books.slowloris, stats));
        }
        if (attacks.contains(Attack.PIPELINERS)) {
            workers.start("pipeliners", () -> pipeliners(at, end, books.pipeliners, stats));
        }
        if (attacks.contains(Attack.ABANDONED)) {
            workers.start("abandoned", () -> abandoned(at, end, books.abandoned, stats));
        }
        if (attacks.contains(Attack.FIFO)) {
            if (files.fifo == null) {
                stats.note(label + ": fifo skipped: mkfifo failed");
            } else {
                workers.start("fifo-swap", () -> files.swap(files.fifo, "fifo", files.regular, end));
                workers.start("fifo-client", () -> swapClient(at, "/fifo.txt", end, books.fifo, files, stats));
            }
        }
        if (attacks.contains(Attack.SYMLINK)) {
            workers.start("symlink-swap", () -> files.swap(files.secret, "link", files.regular, end));
            workers.start("symlink-client", () -> swapClient(at, "/link.txt", end, books.symlink, files, stats));
        }
        workers.joinAll(budget.toNanos() + Workers.DRAIN_NANOS, "from the abuse");
    }

    /**
     * Closes the server, bounded: a thread that does not stop counts as stuck. Meanwhile the FIFO
     * is opened now and then, since a thread blocked opening it would never see the close.
     */
    private static void stop(String label, EvServer server, Tree files, StressStats stats) throws InterruptedException {
        Thread closing = Thread.ofPlatform().daemon().name(label + "-close").start(server::close);
        long deadline = System.nanoTime() + Workers.STUCK_NANOS + Workers.DRAIN_NANOS;
        while (closing.isAlive() && System.nanoTime() < deadline) {
            files.unfreeze();
            closing.join(100);
        }
        if (closing.isAlive()) {
            stats.stuck(label + ": the server did not stop");
        }
    }

    // ------------------------------------------------------------------------------ the books

    /** What one attack did and met. */
    static final class Tally {
        final AtomicLong opened = new AtomicLong();
        final AtomicLong closedByServer = new AtomicLong();
        /** Per attack: never-reading clients open past 3 idle timeouts, silent ones answered, file answers. */
        final AtomicLong findings = new AtomicLong();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong regular = new AtomicLong();
        final AtomicLong refused = new AtomicLong();
        final AtomicLong unanswered = new AtomicLong();
        /** Nanoseconds the longest-lived connection the server closed was open (pipeliners only). */
        final AtomicLong longestOpen = new AtomicLong();
    }

    /** The books of one mode. */
    static final class Books {
        final ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
        final AtomicLong politeRequests = new AtomicLong();
        final AtomicLong politeFailed = new AtomicLong();
        final ConcurrentLinkedQueue<String> politeErrors = new ConcurrentLinkedQueue<>();
        final Tally slowloris = new Tally();
        final Tally pipeliners = new Tally();
        final Tally abandoned = new Tally();
        final Tally fifo = new Tally();
        final Tally symlink = new Tally();
    }

    private void settle(String label, boolean aio, EvServer server, Books books, StressStats stats) {
        long[] all = books.latencies.stream().flatMapToLong(Arrays::stream).filter(n -> n > 0).sorted().toArray();
        long failed = books.politeFailed.get();
        stats.lost(failed, label + ": " + failed + " of " + books.politeRequests.get()
                + " polite requests not answered, e.g. " + books.politeErrors.stream().limit(3).toList());
        double p50 = percentile(all, 0.50);
        double p99 = percentile(all, 0.99);
        double max = all.length == 0 ? 0 : all[all.length - 1] / 1e6;
        if (p99Bound != null && p99 > p99Bound.toNanos() / 1e6) {
            stats.failed(String.format(Locale.ROOT, "%s: polite p99 %.1f ms, over the %d-ms bound", label, p99,
                    p99Bound.toMillis()));
        }
        if (all.length == 0) {
            stats.failed(label + ": no polite request was answered");
        }
        StringBuilder note = new StringBuilder(String.format(Locale.ROOT,
                "%s: polite %,d requests, %d failed, p50 %.2f ms, p99 %.2f ms, max %.1f ms; server closed %,d on"
                        + " timeouts, %,d at the cap", label, books.politeRequests.get(), failed, p50, p99, max,
                server.timedOut(), server.evicted()));
        tally(note, Attack.SLOWLORIS, books.slowloris);
        tally(note, Attack.PIPELINERS, books.pipeliners);
        tally(note, Attack.ABANDONED, books.abandoned);
        swapped(note, Attack.FIFO, books.fifo);
        swapped(note, Attack.SYMLINK, books.symlink);
        stats.note(note.toString());
        findings(label, books, stats);
    }

    private void tally(StringBuilder note, Attack a, Tally t) {
        if (attacks.contains(a)) {
            note.append(String.format(Locale.ROOT, "; %s %,d opened, %,d closed by the server", a.label(),
                    t.opened.get(), t.closedByServer.get()));
            if (a == Attack.PIPELINERS) {
                note.append(String.format(Locale.ROOT, " (the longest after %.1f s)", t.longestOpen.get() / 1e9));
            }
        }
    }

    private void swapped(StringBuilder note, Attack a, Tally t) {
        if (attacks.contains(a)) {
            note.append(String.format(Locale.ROOT, "; %s %,d requests: %,d the regular file, %,d refused, %,d %s,"
                    + " %,d unanswered", a.label(), t.requests.get(), t.regular.get(), t.refused.get(),
                    t.findings.get(), a == Attack.FIFO ? "the FIFO served" : "the outside file served",
                    t.unanswered.get()));
        }
    }

    private static void findings(String label, Books books, StressStats stats) {
        if (books.pipeliners.findings.get() > 0) {
            stats.failed(label + ": pipeliners: " + books.pipeliners.findings.get()
                    + " never-reading clients still open after three idle timeouts (issue 12, point 3)");
        }
        if (books.abandoned.findings.get() > 0) {
            stats.failed(label + ": abandoned: " + books.abandoned.findings.get()
                    + " connections that sent nothing were sent bytes");
        }
        if (books.fifo.unanswered.get() > 0 || books.fifo.findings.get() > 0) {
            stats.failed(label + ": fifo: the server froze " + books.fifo.unanswered.get()
                    + " times opening a FIFO under the root and served one " + books.fifo.findings.get()
                    + " times (issue 12, point 1)");
        }
        if (books.symlink.findings.get() > 0) {
            stats.failed(label + ": symlink: a file outside the root was served " + books.symlink.findings.get()
                    + " times (issue 12, point 5)");
        }
    }

    private static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    // ------------------------------------------------------------------------------ the clients

    /** A well-behaved client: keep-alive requests 2 ms apart, a new connection every 25. */
    private static void polite(InetSocketAddress at, long end, Books books, StressStats stats) throws InterruptedException {
        long[] latencies = new long[1 << 16];
        books.latencies.add(latencies);
        int n = 0;
        Client s = null;
        int onConnection = 0;
        try {
            while (System.nanoTime() < end) {
                boolean file = (n & 1) == 1;
                long t0 = System.nanoTime();
                books.politeRequests.incrementAndGet();
                try {
                    if (s == null) {
                        s = new Client(at, READ_TIMEOUT_MILLIS);
                    }
                    Answer a = exchange(s, file ? "/hello.txt" : "/plaintext");
                    byte[] want = file ? HELLO : "Hello, World!".getBytes(StandardCharsets.US_ASCII);
                    if (a.status != 200 || !Arrays.equals(a.body, want)) {
                        throw new IOException("answer " + a.status + " with " + a.body.length + " bytes");
                    }
                    latencies[n++ & (latencies.length - 1)] = System.nanoTime() - t0;
                    stats.operations(1);
                    stats.delivered(1);
                    if (++onConnection == 25) {
                        s.close();
                        s = null;
                        onConnection = 0;
                    }
                } catch (IOException e) {
                    books.politeFailed.incrementAndGet();
                    if (books.politeErrors.size() < 3) {
                        books.politeErrors.add(e.toString());
                    }
                    closeQuietly(s);
                    s = null;
                    onConnection = 0;
                }
                Thread.sleep(2);
            }
        } finally {
            closeQuietly(s);
        }
    }

    /** One tick's turn of a held connection. */
    private interface Turn {
        /**
         * @param c   the connection
         * @param age nanoseconds since it was opened
         * @return false if it is gone (closed by the server, or given up): it leaves the set
         */
        boolean take(SocketChannel c, long age);
    }

    /**
     * Holds up to {@code most} connections of one attack until {@code end}: each tick opens up to
     * {@code perTick} new ones (each sending {@code first}), then gives every one its turn.
     */
    private static void hold(InetSocketAddress at, long end, Tally t, StressStats stats, int most, int perTick,
                             int receiveBuffer, byte[] first, long tickMillis, Turn turn) throws InterruptedException {
        List<SocketChannel> open = new ArrayList<>();
        List<Long> since = new ArrayList<>();
        try {
            while (System.nanoTime() < end) {
                for (int k = 0; k < perTick && open.size() < most; k++) {
                    SocketChannel c = openChannel(at, receiveBuffer, t, stats);
                    if (c == null) {
                        break;
                    }
                    if (write(c, ByteBuffer.wrap(first), t)) {
                        open.add(c);
                        since.add(System.nanoTime());
                    }
                }
                long now = System.nanoTime();
                for (int i = open.size() - 1; i >= 0; i--) {
                    if (!turn.take(open.get(i), now - since.get(i))) {
                        closeQuietly(open.get(i));
                        open.remove(i);
                        since.remove(i);
                    }
                }
                stats.operations(open.size());
                Thread.sleep(tickMillis);
            }
        } finally {
            open.forEach(HttpAbuseScenario::closeQuietly);
        }
    }

    /** A request head that never ends, one more byte every 100 ms, on each of 200 connections. */
    private static void slowloris(InetSocketAddress at, long end, Tally t, StressStats stats) throws InterruptedException {
        ByteBuffer oneByte = ByteBuffer.allocate(1);
        hold(at, end, t, stats, SLOWLORIS, SLOWLORIS, 0, SLOW_HEAD, 100,
                (c, age) -> write(c, oneByte.clear().put((byte) 'a').flip(), t));
    }

    /** Pipelined requests for a 64-KiB file, never a read, on each of 200 small-windowed connections. */
    private static void pipeliners(InetSocketAddress at, long end, Tally t, StressStats stats) throws InterruptedException {
        byte[] requests = "GET /big.bin HTTP/1.1\r\nHost: t\r\n\r\n".repeat(8).getBytes(StandardCharsets.US_ASCII);
        // The kernel takes at most 128 KiB of its answers unsent (evserver bounds it), so they stop
        // moving at once: the idle timeout must close it well before this. (Unbounded, the kernel
        // took megabytes per connection, each chunk counting as progress: seconds on a busy server.)
        long tooLong = 3 * IDLE_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(1);
        hold(at, end, t, stats, PIPELINERS, PIPELINERS, 4096, requests, 50, (c, age) -> {
            if (age > tooLong) {
                t.findings.incrementAndGet();
                return false;
            }
            if (!write(c, ByteBuffer.wrap(requests), t)) {
                t.longestOpen.accumulateAndGet(age, Math::max);
                return false;
            }
            return true;
        });
    }

    /** Connections that send half a head and stop, up to {@link #ABANDONED} held (fewer under a low descriptor limit). */
    private static void abandoned(InetSocketAddress at, long end, Tally t, StressStats stats) throws InterruptedException {
        int most = (int) Math.clamp(descriptorLimit() - CAP - 1000, 0, ABANDONED);
        ByteBuffer probe = ByteBuffer.allocate(256);
        hold(at, end, t, stats, most, 150, 0, HALF_HEAD, 100, (c, age) -> {
            int r;
            try {
                r = c.read(probe.clear());
            } catch (IOException reset) {
                r = -1;
            }
            if (r > 0) {
                t.findings.incrementAndGet();   // no request was complete: nothing may come
            } else if (r < 0) {
                t.closedByServer.incrementAndGet();
            }
            return r == 0;
        });
    }

    /** Asks for a swapped file again and again; sorts the answers; releases a server frozen on a FIFO. */
    private static void swapClient(InetSocketAddress at, String path, long end, Tally t, Tree files, StressStats stats)
            throws InterruptedException {
        Client s = null;
        try {
            while (System.nanoTime() < end) {
                try {
                    if (s == null) {
                        s = new Client(at, 1000);
                    }
                    send(s, path, SWAP_BATCH);
                    for (int k = 0; k < SWAP_BATCH; k++) {
                        t.requests.incrementAndGet();
                        Answer a = answer(s);
                        stats.operations(1);
                        if (a.status == 404) {
                            t.refused.incrementAndGet();
                        } else if (a.status == 200 && Arrays.equals(a.body, REGULAR)) {
                            t.regular.incrementAndGet();
                        } else {
                            t.findings.incrementAndGet();   // the FIFO, or the file outside the root
                        }
                    }
                } catch (SocketTimeoutException frozen) {
                    t.unanswered.incrementAndGet();
                    files.unfreeze();
                    closeQuietly(s);
                    s = null;
                } catch (IOException e) {
                    closeQuietly(s);   // closed by a timeout of its own, or reset: ask again
                    s = null;
                }
            }
        } finally {
            closeQuietly(s);
        }
    }

    /** @return a nonblocking connected channel, or null if connecting failed (counted nowhere: the server's choice) */
    private static SocketChannel openChannel(InetSocketAddress at, int receiveBuffer, Tally t, StressStats stats) {
        SocketChannel c = null;
        try {
            c = SocketChannel.open();
            if (receiveBuffer > 0) {
                c.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
            }
            c.socket().connect(at, READ_TIMEOUT_MILLIS);
            c.configureBlocking(false);
            t.opened.incrementAndGet();
            stats.operations(1);
            return c;
        } catch (IOException e) {
            closeQuietly(c);
            return null;
        }
    }

    /** @return false if the server closed the connection (the write failed); then it is closed here too */
    private static boolean write(SocketChannel c, ByteBuffer b, Tally t) {
        try {
            c.write(b);
            return true;
        } catch (IOException closed) {
            t.closedByServer.incrementAndGet();
            closeQuietly(c);
            return false;
        }
    }

    /** One answer: the status and the body. */
    private record Answer(int status, byte[] body) {
    }

    /** A blocking keep-alive client connection with a buffered reader: one read call per answer, not per byte. */
    private static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final InputStream in;
        final OutputStream out;

        Client(InetSocketAddress at, int readTimeoutMillis) throws IOException {
            try {
                socket.connect(at, READ_TIMEOUT_MILLIS);
                socket.setSoTimeout(readTimeoutMillis);
                socket.setTcpNoDelay(true);
                in = new BufferedInputStream(socket.getInputStream());
                out = socket.getOutputStream();
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Sends {@code GET path} and reads the answer. */
    private static Answer exchange(Client c, String path) throws IOException {
        send(c, path, 1);
        return answer(c);
    }

    /** Sends {@code count} pipelined {@code GET path} requests in one write. */
    private static void send(Client c, String path, int count) throws IOException {
        c.out.write(("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").repeat(count).getBytes(StandardCharsets.US_ASCII));
        c.out.flush();
    }

    /** Reads one answer: the head, then a Content-Length body. */
    private static Answer answer(Client c) throws IOException {
        InputStream in = c.in;
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("end of stream after " + head.size() + " bytes of a head");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
        }
        String h = head.toString(StandardCharsets.US_ASCII);
        int status = Integer.parseInt(h.substring(9, 12));
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("end of stream inside a body of " + length + " bytes");
        }
        return new Answer(status, body);
    }

    private static long descriptorLimit() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return 1024;
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing is best effort
            }
        }
    }

    // ------------------------------------------------------------------------------ the files

    /**
     * The served root, and beside it (outside the root, on the same file system, so hard links
     * and renames work) the regular file, the FIFO and the secret that the swaps put in place.
     */
    private static final class Tree {
        final Path dir;
        final Path root;
        final Path store;
        final Path regular;
        final Path secret;
        /** Null if {@code mkfifo} failed. */
        final Path fifo;

        Tree(Path dir) throws IOException {
            this.dir = dir;
            root = Files.createDirectory(dir.resolve("root"));
            store = Files.createDirectory(dir.resolve("store"));
            Files.write(root.resolve("hello.txt"), HELLO);
            Files.write(root.resolve("big.bin"), new byte[64 * 1024]);
            regular = Files.write(store.resolve("regular.txt"), REGULAR);
            secret = Files.write(dir.resolve("secret.txt"), SECRET);
            Files.write(root.resolve("fifo.txt"), REGULAR);
            Files.write(root.resolve("link.txt"), REGULAR);
            fifo = mkfifo(store.resolve("fifo"));
        }

        private static Path mkfifo(Path p) {
            try {
                Process m = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
                m.getOutputStream().close();
                m.getInputStream().readAllBytes();
                return m.waitFor(10, TimeUnit.SECONDS) && m.exitValue() == 0 ? p : null;
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        /**
         * Puts {@code odd} (a FIFO, hard-linked; or a symlink to it) and {@code even} (the regular
         * file, hard-linked) in turn at {@code root/NAME.txt}, each by an atomic rename, until {@code end}.
         */
        void swap(Path odd, String name, Path even, long end) throws IOException, InterruptedException {
            Path target = root.resolve(name + ".txt");
            Path staged = store.resolve(name + ".staged");
            boolean link = name.equals("link");
            for (long k = 0; System.nanoTime() < end; k++) {
                Files.deleteIfExists(staged);
                if (k % 2 == 0 && link) {
                    Files.createSymbolicLink(staged, odd);
                } else {
                    Files.createLink(staged, k % 2 == 0 ? odd : even);
                }
                Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                if (k % 64 == 63) {
                    Thread.sleep(1);   // leave the core to the server now and then
                }
            }
        }

        /**
         * Opens the FIFO for reading and writing, which never blocks on Linux and releases a
         * thread blocked opening it for reading; harmless when nobody is.
         */
        void unfreeze() {
            if (fifo != null) {
                try (RandomAccessFile ignored = new RandomAccessFile(fifo.toFile(), "rw")) {
                    // opened and closed: a reader blocked in open(2) has its writer now
                } catch (IOException e) {
                    // nothing to release
                }
            }
        }

        void delete() {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                // a temporary directory: left for the system to clean
            }
        }
    }
}
