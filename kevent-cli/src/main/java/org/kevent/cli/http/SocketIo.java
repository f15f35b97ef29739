package org.kevent.cli.http;

import org.kevent.net.NativeFile;
import org.kevent.net.TcpSocket;

/**
 * {@link HttpIo} over a library-owned nonblocking socket, and files as {@link NativeFile}s for
 * {@code sendfile}. The only {@link HttpIo} loaded in the server, so calls through it stay
 * monomorphic.
 */
final class SocketIo implements HttpIo {
    final TcpSocket socket;
    /** Bytes the kernel took for this connection: the server's books. */
    long sentBytes;

    SocketIo(TcpSocket socket) {
        this.socket = socket;
    }

    @Override
    public int recv(byte[] buf, int off, int len) {
        return socket.recv(buf, off, len);
    }

    @Override
    public int send(byte[] buf, int off, int len) {
        int n = socket.send(buf, off, len);
        if (n > 0) {
            sentBytes += n;
        }
        return n;
    }

    @Override
    public long sendFile(FileBody file, long offset, long count) {
        NativeBody body = (NativeBody) file;
        long n = socket.sendfile(body.file, offset, count);
        if (n == 0 && offset >= body.file.size()) {
            return -1;   // the file shrank under us: the promised Content-Length cannot be kept
        }
        if (n > 0) {
            sentBytes += n;
        }
        return n;
    }

    /** @return the native file behind a body this class opened */
    static NativeFile nativeFile(FileBody body) {
        return ((NativeBody) body).file;
    }

    /** Wraps a file {@link StaticFiles} opened; the {@link StaticFiles.Opener} of the server. */
    static FileBody open(NativeFile file) {
        return new NativeBody(file);
    }

    /** A native file and the size it had when opened. */
    private static final class NativeBody implements FileBody {
        final NativeFile file;
        private final long size;

        NativeBody(NativeFile file) {
            this.file = file;
            try {
                this.size = file.size();
            } catch (RuntimeException e) {
                file.close();
                throw e;
            }
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void close() {
            file.close();
        }
    }
}
