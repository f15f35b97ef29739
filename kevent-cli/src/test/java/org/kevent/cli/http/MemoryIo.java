package org.kevent.cli.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.kevent.net.NativeFile;

/**
 * An in-memory nonblocking socket: input arrives chunk by chunk (one chunk per "readiness"), and
 * sends accept a limited budget of bytes before they would block, so partial sends are exercised.
 */
final class MemoryIo implements HttpIo {
    private final List<byte[]> chunks = new ArrayList<>();
    private int arrived;          // chunks the "network" has delivered so far
    private int chunk;            // the chunk being read
    private int chunkPos;
    private boolean eof;
    private final int sendBudgetPerReadiness;
    private int sendBudget;
    final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    int recvCalls;

    MemoryIo(int sendBudgetPerReadiness) {
        this.sendBudgetPerReadiness = sendBudgetPerReadiness;
        this.sendBudget = sendBudgetPerReadiness;
    }

    MemoryIo() {
        this(Integer.MAX_VALUE);
    }

    MemoryIo chunk(byte[] b) {
        chunks.add(b);
        return this;
    }

    /** Makes the next chunk readable; false when there is none left. */
    boolean deliverNext() {
        if (arrived < chunks.size()) {
            arrived++;
            return true;
        }
        return false;
    }

    void endOfStream() {
        eof = true;
    }

    void writable() {
        sendBudget = sendBudgetPerReadiness;
    }

    @Override
    public int recv(byte[] buf, int off, int len) {
        recvCalls++;
        while (chunk < arrived && chunkPos == chunks.get(chunk).length) {
            chunk++;
            chunkPos = 0;
        }
        if (chunk >= arrived) {
            return eof && arrived == chunks.size() ? -1 : 0;
        }
        byte[] c = chunks.get(chunk);
        int n = Math.min(len, c.length - chunkPos);
        if (n <= 0) {
            throw new AssertionError("recv with no room: len " + len);
        }
        System.arraycopy(c, chunkPos, buf, off, n);
        chunkPos += n;
        return n;
    }

    @Override
    public int send(byte[] buf, int off, int len) {
        int n = Math.min(len, sendBudget);
        if (n == 0) {
            return 0;
        }
        sent.write(buf, off, n);
        sendBudget -= n;
        return n;
    }

    @Override
    public long sendFile(FileBody file, long offset, long count) {
        int n = (int) Math.min(Math.min(count, sendBudget), 1 << 20);
        if (n == 0) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        try {
            int r = ((ChannelFile) file).channel.read(b, offset);
            if (r <= 0) {
                return -1;
            }
            sent.write(b.array(), 0, r);
            sendBudget -= r;
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A file body read through a FileChannel, standing in for the native file of the server. */
    static final class ChannelFile implements FileBody {
        static int open;
        final FileChannel channel;
        private final long size;

        /** Reads through a channel on the same path: the native file only proved it may be served. */
        ChannelFile(NativeFile file) throws IOException {
            try {
                channel = FileChannel.open(file.path(), StandardOpenOption.READ);
            } finally {
                file.close();
            }
            size = channel.size();
            open++;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void close() {
            try {
                if (channel.isOpen()) {
                    open--;
                }
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
