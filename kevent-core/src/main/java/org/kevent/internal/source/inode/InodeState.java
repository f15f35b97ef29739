package org.kevent.internal.source.inode;

import java.nio.file.Path;
import java.util.Arrays;
import org.kevent.internal.queue.Interest;

/**
 * What {@link InodeKind} keeps per INODE interest ({@code Interest.sourceState}): the watched
 * root, the watches it is a member of, and its FIFO of undelivered events. Guarded by the queue
 * lock.
 */
final class InodeState {
    final Interest interest;
    final Path root;
    final boolean recursive;
    int rootWd = -1;
    final InodeRecords records = new InodeRecords();
    /** A DELETE_SELF with BROKEN is queued: nothing more is queued after it. */
    boolean broken;
    /** An OVERFLOW is queued and not yet delivered: kernel records are dropped until it is. */
    boolean overflowPending;
    InodeWatch[] watches = new InodeWatch[1];
    int watchCount;
    /** Neighbours in the kind's list of interests, for overflow broadcasts. */
    InodeState prev;
    InodeState next;

    InodeState(Interest interest, Path root, boolean recursive) {
        this.interest = interest;
        this.root = root;
        this.recursive = recursive;
    }

    void addWatch(InodeWatch w) {
        for (int k = 0; k < watchCount; k++) {
            if (watches[k] == w) {
                return;
            }
        }
        if (watchCount == watches.length) {
            watches = Arrays.copyOf(watches, watchCount * 2);
        }
        watches[watchCount++] = w;
    }

    void removeWatch(InodeWatch w) {
        for (int k = 0; k < watchCount; k++) {
            if (watches[k] == w) {
                watches[k] = watches[--watchCount];
                watches[watchCount] = null;
                return;
            }
        }
    }
}
