package org.kevent.bench;

final class EngineRunner {
    static void run(Report report, BenchMain.Options options) {
        throw new UnsupportedOperationException();
    }
}
