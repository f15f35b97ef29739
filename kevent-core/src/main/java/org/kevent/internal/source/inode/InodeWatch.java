package org.kevent.internal.source.inode;

import java.util.Arrays;

/**
 * One inotify watch (one watched inode of a queue) and the INODE interests it serves, each with
 * the prefix that turns an entry name into a name relative to that interest's root: {@code ""}
 * for the root itself, {@code "sub/"} for a subdirectory of a recursive interest. Several
 * interests share a watch when their trees overlap (inotify has one wd per inode and instance).
 * Guarded by the queue lock.
 */
final class InodeWatch {
    /** The {@code IN_*} event bits of a kernel mask (sys/inotify.h {@code IN_ALL_EVENTS}). */
    private static final int EVENT_BITS = 0x00000fff;

    final int wd;
    /** The events the kernel reports on this watch: every one the queue asked for on it (IN_MASK_ADD). */
    private int mask;
    InodeState[] members = new InodeState[1];
    byte[][] prefixes = new byte[1][];
    int count;

    /**
     * @param wd   the kernel's watch descriptor
     * @param mask the mask of the {@code inotify_add_watch} that made it
     */
    InodeWatch(int wd, int mask) {
        this.wd = wd;
        this.mask = mask & EVENT_BITS;
    }

    /** An {@code inotify_add_watch} with {@code IN_MASK_ADD} returned this watch: its mask grew. */
    void asked(int mask) {
        this.mask |= mask & EVENT_BITS;
    }

    /** @return whether the kernel reports every event of {@code mask} on this watch already */
    boolean reports(int mask) {
        return (mask & EVENT_BITS & ~this.mask) == 0;
    }

    int indexOf(InodeState s) {
        for (int k = 0; k < count; k++) {
            if (members[k] == s) {
                return k;
            }
        }
        return -1;
    }

    /** Adds {@code s} with its prefix, or updates its prefix (a renamed subdirectory). */
    void put(InodeState s, byte[] prefix) {
        int k = indexOf(s);
        if (k >= 0) {
            prefixes[k] = prefix;
            return;
        }
        if (count == members.length) {
            members = Arrays.copyOf(members, count * 2);
            prefixes = Arrays.copyOf(prefixes, count * 2);
        }
        members[count] = s;
        prefixes[count] = prefix;
        count++;
    }

    void remove(InodeState s) {
        int k = indexOf(s);
        if (k < 0) {
            return;
        }
        count--;
        members[k] = members[count];
        prefixes[k] = prefixes[count];
        members[count] = null;
        prefixes[count] = null;
    }

    /** @return whether some interest watches this inode as its root */
    InodeState rootMember() {
        for (int k = 0; k < count; k++) {
            if (members[k].rootWd == wd) {
                return members[k];
            }
        }
        return null;
    }
}
