package pcmshare.core.api.clock;

import java.util.Arrays;

/**
 * Armed timers by deadline, then by arming order, as a binary heap whose nodes
 * know their slot: arming, re-arming, firing and cancelling allocate nothing once
 * the array has grown to the number of timers armed at once. Not thread-safe:
 * the clock that owns it guards it.
 */
final class TimerHeap {

    /** A timer's place in the heap. */
    static class Node {
        long deadline;
        private long seq;
        /** Index in the heap, -1 when not armed. */
        private int slot = -1;

        final boolean armed() {
            return slot >= 0;
        }
    }

    private Node[] heap = new Node[16];
    private int size;
    private long sequence;

    /** Arms {@code n} for {@code deadline}, or moves it there; returns whether it is now the earliest. */
    boolean arm(Node n, long deadline) {
        n.deadline = deadline;
        n.seq = sequence++;
        if (n.slot < 0) {
            insert(n);
        } else {
            siftUp(n.slot);
            siftDown(n.slot);
        }
        return n.slot == 0;
    }

    /** Takes {@code n} out; false when it was not armed. */
    boolean disarm(Node n) {
        if (n.slot < 0) {
            return false;
        }
        remove(n.slot);
        return true;
    }

    /** The earliest armed node, or null. */
    Node peek() {
        return size == 0 ? null : heap[0];
    }

    /** Takes the earliest armed node out; null when none. */
    Node poll() {
        if (size == 0) {
            return null;
        }
        Node first = heap[0];
        remove(0);
        return first;
    }

    int size() {
        return size;
    }

    private static boolean before(Node a, Node b) {
        return a.deadline < b.deadline || (a.deadline == b.deadline && a.seq < b.seq);
    }

    private void insert(Node n) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = n;
        n.slot = size;
        size++;
        siftUp(n.slot);
    }

    private void remove(int slot) {
        Node gone = heap[slot];
        size--;
        if (slot != size) {
            Node last = heap[size];
            heap[slot] = last;
            last.slot = slot;
            heap[size] = null;
            siftUp(slot);
            siftDown(last.slot);
        } else {
            heap[size] = null;
        }
        gone.slot = -1;
    }

    private void siftUp(int i) {
        Node n = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Node p = heap[parent];
            if (!before(n, p)) {
                break;
            }
            heap[i] = p;
            p.slot = i;
            i = parent;
        }
        heap[i] = n;
        n.slot = i;
    }

    private void siftDown(int i) {
        Node n = heap[i];
        for (;;) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && before(heap[child + 1], heap[child])) {
                child++;
            }
            Node c = heap[child];
            if (!before(c, n)) {
                break;
            }
            heap[i] = c;
            c.slot = i;
            i = child;
        }
        heap[i] = n;
        n.slot = i;
    }
}
