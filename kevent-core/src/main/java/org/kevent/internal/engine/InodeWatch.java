package org.kevent.internal.engine;

import java.util.Arrays;

/**
 * One inotify watch (one watched inode of a queue) and the INODE interests it serves, each with
 * the prefix that turns an entry name into a name relative to that interest's root: {@code ""}
 * for the root itself, {@code "sub/"} for a subdirectory of a recursive interest. Several
 * interests share a watch when their trees overlap (inotify has one wd per inode and instance).
 * Guarded by the queue lock.
 */
final class InodeWatch {
    final int wd;
    InodeState[] members = new InodeState[1];
    byte[][] prefixes = new byte[1][];
    int count;

    InodeWatch(int wd) {
        this.wd = wd;
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
