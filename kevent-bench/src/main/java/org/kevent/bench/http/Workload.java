package org.kevent.bench.http;

/**
 * One wrk load shape: always one wrk thread ({@code -t1}); {@code connections} open connections;
 * pipelined or not.
 *
 * @param key         used in JSON: {@code c16}, {@code c256}, {@code pipelined16}
 * @param title       what the tables print
 * @param connections wrk's {@code -c}
 * @param pipelined   whether each write carries {@link Wrk#PIPELINE_DEPTH} requests
 */
record Workload(String key, String title, int connections, boolean pipelined) {
    static final Workload C16 = new Workload("c16", "c=16", 16, false);
    static final Workload C256 = new Workload("c256", "c=256", 256, false);
    static final Workload PIPELINED = new Workload("pipelined16", "pipelined ×16, c=16", 16, true);
    static final Workload[] ALL = {C16, C256, PIPELINED};
}
