package org.dmabuf4j.testkit.internal;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.dmabuf4j.api.DmaConstraints;

/**
 * What wrong bytes look like, and the most likely cause among those that produce them: the kit's messages name the
 * fact it saw (zeros, a constant, an earlier write, the right data at another offset, foreign data), not a fixed
 * hint per test.
 */
public final class Diagnose {
    /** The expected value of a run of bytes meaning "zero" rather than a pattern seed. */
    public static final int ZERO = Integer.MIN_VALUE;

    private static final long PAGE = DmaConstraints.PAGE_SIZE;

    private Diagnose() {
    }

    /** What the wrong bytes are. */
    public enum Fact {
        /** All zero where data was expected. */
        ZEROS,
        /** One repeated non-zero byte. */
        CONSTANT,
        /** The pattern of an earlier write to these bytes. */
        EARLIER_WRITE,
        /** The expected pattern, but of other buffer offsets. */
        SHIFTED,
        /** Non-zero data where zeros were expected, not of any known write. */
        LEFTOVER,
        /** Anything else. */
        FOREIGN
    }

    /**
     * Classifies the bytes around a mismatch.
     *
     * @param data the bytes read; its index 0 is buffer offset {@code dataOffset}
     * @param dataOffset the buffer offset of {@code data}'s first byte
     * @param bad the buffer offset of the first wrong byte
     * @param want the seed expected there, or {@link #ZERO}
     * @param earlier seeds written to these bytes before (oldest first), may be empty
     * @return the fact
     */
    public static Fact fact(MemorySegment data, long dataOffset, long bad, int want, int... earlier) {
        return find(data, dataOffset, bad, want, earlier).fact();
    }

    /**
     * What the wrong bytes are, and where they belong when they are data of another offset.
     *
     * @param fact the fact
     * @param source for {@link Fact#SHIFTED}, the buffer offset whose data the wrong bytes are; else -1
     * @param seed for {@link Fact#SHIFTED} and {@link Fact#EARLIER_WRITE}, the write the bytes are of
     */
    public record Found(Fact fact, long source, int seed) {
    }

    /**
     * Classifies the bytes around a mismatch, as {@link #fact} does, keeping where shifted bytes come from.
     *
     * @param data the bytes read; its index 0 is buffer offset {@code dataOffset}
     * @param dataOffset the buffer offset of {@code data}'s first byte
     * @param bad the buffer offset of the first wrong byte
     * @param want the seed expected there, or {@link #ZERO}
     * @param earlier seeds written to these bytes before (oldest first), may be empty
     * @return what was found
     */
    public static Found find(MemorySegment data, long dataOffset, long bad, int want, int... earlier) {
        long from = bad - dataOffset;
        // 64 bytes identify a pattern beyond doubt, and stay within one run of bytes that share an expectation (the
        // gap between two rows of a 2-D window, a span), so the fact is not a mixture of two neighbours
        long len = Math.min(64, data.byteSize() - from);
        MemorySegment run = data.asSlice(from, len);
        byte first = run.get(ValueLayout.JAVA_BYTE, 0);
        if (Pattern.mismatchConstant(run, bad, first) < 0) {
            return new Found(first == 0 ? Fact.ZEROS : Fact.CONSTANT, -1, 0);
        }
        for (int e : earlier) {
            if (e != want && e != ZERO && Pattern.mismatch(run, bad, e) < 0) {
                return new Found(Fact.EARLIER_WRITE, -1, e);
            }
        }
        if (want != ZERO) {
            long shift = shiftOf(run, bad, want);
            if (shift != 0) {
                return new Found(Fact.SHIFTED, bad + shift, want);
            }
        }
        for (int e : earlier) {
            if (e != want && e != ZERO) {
                long shift = shiftOf(run, bad, e);
                if (shift != 0) {
                    return new Found(Fact.SHIFTED, bad + shift, e);
                }
            }
        }
        return new Found(want != ZERO ? Fact.FOREIGN : Fact.LEFTOVER, -1, 0);
    }

    /** The largest buffer offset the shift search looks at. */
    private static final long SEARCH = (4L << 20) + (1L << 20);

    /**
     * How far the bytes at {@code bad} are from where they belong: the non-zero {@code d} such that they are the
     * expected pattern of buffer offset {@code bad + d}, looking first at whole pages (chunks listed out of order),
     * then at every byte (offsets dropped or added); 0 if none.
     *
     * @param run the wrong bytes, starting at buffer offset {@code bad}
     * @param bad the buffer offset of the first wrong byte
     * @param want the expected seed
     * @return the shift, or 0
     */
    public static long shiftOf(MemorySegment run, long bad, int want) {
        long n = Math.min(run.byteSize(), 64);
        MemorySegment head = run.asSlice(0, n);
        byte first = head.get(ValueLayout.JAVA_BYTE, 0);
        for (long at = bad % PAGE; at < SEARCH; at += PAGE) {
            if (at != bad && Pattern.at(want, at) == first && Pattern.mismatch(head, at, want) < 0) {
                return at - bad;
            }
        }
        for (long at = 0; at < SEARCH; at++) {
            if (at != bad && Pattern.at(want, at) == first && Pattern.mismatch(head, at, want) < 0) {
                return at - bad;
            }
        }
        return 0;
    }

    /**
     * A sentence stating the fact.
     *
     * @param fact the fact
     * @return e.g. "the bytes there are all zero"
     */
    public static String describe(Fact fact) {
        return switch (fact) {
            case ZEROS -> "the bytes there are all zero";
            case CONSTANT -> "the bytes there are one repeated non-zero value";
            case EARLIER_WRITE -> "the bytes there hold an earlier write, not the last one";
            case SHIFTED -> "the bytes there are the expected data of another offset";
            case LEFTOVER -> "the bytes there are non-zero data no one wrote to this buffer";
            case FOREIGN -> "the bytes there match nothing written to this buffer";
        };
    }

    /**
     * The most likely cause of a fact, in the situation the test set up.
     *
     * @param fact the fact
     * @param situation what happened to the bytes before the read ("after a move", "after a WRITE window", ...)
     * @return the cause, completing "most likely ..."
     */
    public static String cause(Fact fact, String situation) {
        return switch (fact) {
            case ZEROS -> "the bytes never reached the memory read " + situation + ": a copy that was skipped (a"
                    + " move or eviction without copy, a write-back that did not run) or memory allocated again";
            case CONSTANT -> "memory that was filled (poison, a clear) but never got the data " + situation
                    + ": a copy that did not run or ran into other memory";
            case EARLIER_WRITE -> "a stale copy " + situation + ": a staging copy, cache or old location that was"
                    + " not refreshed from (or written back to) the memory the last writer used";
            case SHIFTED -> "the memory is listed out of buffer order, or a copy used the wrong offset: entries or"
                    + " chunks in the wrong order, a span copied from or to the start of a staging copy instead of"
                    + " its own offset, or offsets not converted between the layouts";
            case LEFTOVER -> "memory reused from a previous user without being zeroed";
            case FOREIGN -> "memory that belongs to someone else " + situation + ": freed and reused, or another"
                    + " buffer's memory";
        };
    }

    /**
     * "observed; most likely cause" in one go, for a failure message's observation and hint.
     *
     * @param data the bytes read
     * @param dataOffset the buffer offset of {@code data}'s first byte
     * @param bad the first wrong buffer offset
     * @param want the expected seed or {@link #ZERO}
     * @param situation what happened before
     * @param earlier earlier seeds of these bytes
     * @return a two-element array: the fact sentence and the cause
     */
    public static String[] explain(MemorySegment data, long dataOffset, long bad, int want, String situation,
            int... earlier) {
        Found f = find(data, dataOffset, bad, want, earlier);
        String seen = f.fact() == Fact.SHIFTED ? "the bytes there are the " + (f.seed() == want ? "expected data"
                : "data of an earlier write") + " of byte " + f.source() + ", " + Math.abs(f.source() - bad)
                + " bytes " + (f.source() > bad ? "further on" : "before") : describe(f.fact());
        return new String[] {seen, "most likely " + cause(f.fact(), situation)};
    }
}
