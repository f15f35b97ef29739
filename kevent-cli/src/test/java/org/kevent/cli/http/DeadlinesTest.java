package org.kevent.cli.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The deadline lists of a worker, on a made-up clock: request timeout 10, idle timeout 60. */
class DeadlinesTest {
    private final Deadlines d = new Deadlines(10, 60);

    private static HttpConnection conn() {
        return new HttpConnection(new MemoryIo());
    }

    @Test
    void bytesThatCompleteNoRequestDoNotExtendTheRequestDeadline() {
        HttpConnection slow = conn();
        d.awaitRequest(slow, 0, true);
        d.awaitRequest(slow, 5, false);   // a byte of the head
        d.awaitRequest(slow, 9, false);

        assertThat(d.deadline(slow)).isEqualTo(10);
        assertThat(d.expired(9)).isNull();
        assertThat(d.expired(10)).isSameAs(slow);
    }

    @Test
    void aCompletedRequestStartsTheNextWaitAfresh() {
        HttpConnection c = conn();
        d.awaitRequest(c, 0, true);
        d.awaitRequest(c, 8, true);   // a request completed, the next one began in the same read

        assertThat(d.deadline(c)).isEqualTo(18);
    }

    @Test
    void anIdleConnectionKeepsItsDeadlineUntilItMakesProgress() {
        HttpConnection c = conn();
        d.awaitClient(c, 0, true);
        d.awaitClient(c, 30, false);   // an event that moved nothing

        assertThat(d.deadline(c)).isEqualTo(60);
        d.awaitClient(c, 40, true);
        assertThat(d.deadline(c)).isEqualTo(100);
        d.awaitRequest(c, 50, false);   // part of a new request: the request timeout, from now
        assertThat(d.deadline(c)).isEqualTo(60);
    }

    @Test
    void theFirstDeadlineOfEitherListComesFirstAndRemovedConnectionsAreGone() {
        HttpConnection idle = conn();
        HttpConnection fresh = conn();
        HttpConnection later = conn();
        d.awaitClient(idle, 0, true);      // due at 60
        d.awaitRequest(fresh, 45, true);   // due at 55
        d.awaitRequest(later, 52, true);   // due at 62

        assertThat(d.first()).isSameAs(fresh);
        assertThat(d.expired(54)).isNull();
        d.remove(fresh);
        assertThat(d.first()).isSameAs(idle);
        d.remove(idle);
        d.remove(idle);   // twice: harmless
        assertThat(d.first()).isSameAs(later);
        assertThat(d.expired(62)).isSameAs(later);
        d.remove(later);
        assertThat(d.first()).isNull();
        assertThat(d.expired(Long.MAX_VALUE)).isNull();
    }

    @Test
    void manyConnectionsExpireInTheOrderOfTheirDeadlines() {
        HttpConnection[] cs = new HttpConnection[6];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = conn();
            if (i % 2 == 0) {
                d.awaitRequest(cs[i], i * 10, true);   // due at 10 i + 10
            } else {
                d.awaitClient(cs[i], i * 10 - 45, true);   // due at 10 i + 15
            }
        }
        d.awaitClient(cs[1], 30, true);   // progress: moves to the tail, due at 90

        StringBuilder order = new StringBuilder();
        for (HttpConnection c = d.expired(100); c != null; c = d.expired(100)) {
            order.append(java.util.Arrays.asList(cs).indexOf(c));
            d.remove(c);
        }
        assertThat(order).hasToString("023451");
    }
}
