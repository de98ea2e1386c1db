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
        long from = bad - dataOffset;
        long len = Math.min(256, data.byteSize() - from);
        MemorySegment run = data.asSlice(from, len);
        byte first = run.get(ValueLayout.JAVA_BYTE, 0);
        if (Pattern.mismatchConstant(run, bad, first) < 0) {
            return first == 0 ? Fact.ZEROS : Fact.CONSTANT;
        }
        for (int e : earlier) {
            if (e != want && e != ZERO && Pattern.mismatch(run, bad, e) < 0) {
                return Fact.EARLIER_WRITE;
            }
        }
        if (want != ZERO) {
            for (long shift = -4 * PAGE; shift <= 4 * PAGE; shift += PAGE) {
                if (shift != 0 && bad + shift >= 0 && Pattern.mismatch(run, bad + shift, want) < 0) {
                    return Fact.SHIFTED;
                }
            }
            return Fact.FOREIGN;
        }
        return Fact.LEFTOVER;
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
            case SHIFTED -> "the memory is listed out of buffer order: entries or spans in the wrong order, or offsets"
                    + " not converted between the layouts";
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
        Fact f = fact(data, dataOffset, bad, want, earlier);
        return new String[] {describe(f), "most likely " + cause(f, situation)};
    }
}
