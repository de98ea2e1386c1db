package org.dmabuf4j.core.debug;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Event counters for the hottest paths (a CPU window's begin and end, its cache maintenance), counted without an
 * atomic instruction: each counting thread has a cell of its own, which only it writes (plain arithmetic, an opaque
 * store), and a reader sums the cells. A {@link java.util.concurrent.atomic.LongAdder} costs a CAS per count even
 * uncontended; a window counted three to five of them (issue 15).
 *
 * <pre>
 *   thread A ──► cell A [cpuAccesses, syncs, bytes]  ┐
 *   thread B ──► cell B [cpuAccesses, syncs, bytes]  ├─► sum(i) = retired[i] + Σ cell[i]
 *   (dead threads' cells are folded into retired)    ┘
 * </pre>
 *
 * <p>A reader sees each thread's count as of a recent moment, and exactly every count that happens-before the read
 * (a joined thread's, a count made before a fence the reader waited for, its own). Cells of threads that have ended
 * are folded into one retired cell when the list of cells has doubled since the last sweep, so threads that come and
 * go (thread pools, virtual threads) do not grow it without bound.
 */
public final class ThreadCounters {
    private static final VarHandle VALUE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final int FIRST_SWEEP = 16;

    /** One thread's counts: written by that thread only. */
    private static final class Cell {
        final WeakReference<Thread> owner;
        final long[] values;

        Cell(Thread owner, int width) {
            this.owner = new WeakReference<>(owner);
            this.values = new long[width];
        }

        boolean ownerEnded() {
            Thread t = owner.get();
            return t == null || !t.isAlive();
        }
    }

    private final int width;
    private final ThreadLocal<Cell> local = ThreadLocal.withInitial(this::register);
    /** Every live thread's cell; guarded by this. */
    private final List<Cell> cells = new ArrayList<>();
    /** The counts of threads that have ended; guarded by this. */
    private final long[] retired;
    /** Sweep for ended threads when the list reaches this size; guarded by this. */
    private int sweepAt = FIRST_SWEEP;

    /**
     * Counters {@code 0 .. width - 1}, all zero.
     *
     * @param width how many counters
     */
    public ThreadCounters(int width) {
        this.width = width;
        this.retired = new long[width];
    }

    /**
     * Adds to one counter.
     *
     * @param counter 0 to width - 1
     * @param delta the amount
     */
    public void add(int counter, long delta) {
        long[] v = local.get().values;
        VALUE.setOpaque(v, counter, v[counter] + delta);
    }

    /**
     * Adds to two counters with one lookup of the thread's cell.
     *
     * @param first a counter
     * @param firstDelta its amount
     * @param second another counter
     * @param secondDelta its amount
     */
    public void add(int first, long firstDelta, int second, long secondDelta) {
        long[] v = local.get().values;
        VALUE.setOpaque(v, first, v[first] + firstDelta);
        VALUE.setOpaque(v, second, v[second] + secondDelta);
    }

    /**
     * The sum of one counter over every thread.
     *
     * @param counter 0 to width - 1
     * @return the sum
     */
    public synchronized long sum(int counter) {
        long s = retired[counter];
        for (Cell c : cells) {
            s += (long) VALUE.getOpaque(c.values, counter);
        }
        return s;
    }

    private synchronized Cell register() {
        if (cells.size() >= sweepAt) {
            sweep();
        }
        Cell c = new Cell(Thread.currentThread(), width);
        cells.add(c);
        return c;
    }

    /** Folds the cells of ended threads (whose last counts happen-before isAlive() returning false). */
    private void sweep() {
        for (Iterator<Cell> it = cells.iterator(); it.hasNext();) {
            Cell c = it.next();
            if (c.ownerEnded()) {
                for (int i = 0; i < width; i++) {
                    retired[i] += c.values[i];
                }
                it.remove();
            }
        }
        sweepAt = Math.max(FIRST_SWEEP, 2 * cells.size());
    }
}
