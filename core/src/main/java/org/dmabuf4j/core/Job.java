package org.dmabuf4j.core;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SyncFile;

/**
 * A unit of work for a {@link DeviceEngine}: which bytes it reads and writes, through which mappings, and which
 * fences it must wait for besides the implicit ones ({@link Rule#DEV_8 DEV-8}).
 *
 * <p>A job reaches buffer memory only through mappings of its engine's device, by DMA address; offsets are buffer
 * offsets within the mapping. Heap-side segments ({@link Read#into()}, {@link Write#from()}) are touched when the job
 * runs, on the engine's thread: they must be reachable from any thread (heap, global, automatic or shared memory, not
 * a confined arena's) and stay alive and unchanged by others until the job's fence signals. Jobs are immutable values;
 * {@link #after(Fence...)} returns a copy with more explicit dependencies.
 *
 * <pre>
 *   Fence copied = engine.submit(Job.copy(srcMapping, 0, dstMapping, 0, 4096).after(cameraDone));
 * </pre>
 */
public sealed interface Job permits Job.Copy, Job.Fill, Job.Read, Job.Write {
    /**
     * The explicit dependencies: fences (leaves or containers) the job waits for besides the implicit ones.
     *
     * @return an immutable list
     */
    List<Fence> after();

    /**
     * A copy of this job that also waits for {@code fences}.
     *
     * @param fences more dependencies; not null, elements not null
     * @return the new job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) on a null array or element
     */
    Job after(Fence... fences);

    /**
     * A copy of this job that also waits for the fence of a sync file (explicit synchronisation).
     *
     * @param syncFile the sync file; not null
     * @return the new job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) if null
     */
    default Job after(SyncFile syncFile) {
        if (syncFile == null) {
            throw new RuleViolationException(Rule.DEV_8, "after(null sync file) for " + this
                    + ": pass a sync file, or no dependency at all");
        }
        return after(syncFile.fence());
    }

    /**
     * The number of bytes the job moves or fills.
     *
     * @return a positive count
     */
    long length();

    /**
     * A device copy from one mapping to another (both of the engine's device; the same buffer is allowed).
     *
     * @param src the source mapping; allows device reads ({@link Rule#DEV_4 DEV-4})
     * @param srcOffset the first source byte
     * @param dst the destination mapping; allows device writes ({@link Rule#DEV_4 DEV-4})
     * @param dstOffset the first destination byte
     * @param length the bytes; positive
     * @return the job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) on a null mapping or a range outside a mapping,
     *     ({@link Rule#DEV_4 DEV-4}) on a mapping whose direction does not allow the access
     */
    static Copy copy(Mapping src, long srcOffset, Mapping dst, long dstOffset, long length) {
        return new Copy(src, srcOffset, dst, dstOffset, length, List.of());
    }

    /**
     * A device fill of a range with one byte value.
     *
     * @param dst the mapping written; allows device writes ({@link Rule#DEV_4 DEV-4})
     * @param offset the first byte
     * @param length the bytes; positive
     * @param value the byte written
     * @return the job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) on a null mapping or a range outside it,
     *     ({@link Rule#DEV_4 DEV-4}) on a wrong direction
     */
    static Fill fill(Mapping dst, long offset, long length, byte value) {
        return new Fill(dst, offset, length, value, List.of());
    }

    /**
     * A device read of buffer memory into a heap-side segment (device memory to heap).
     *
     * @param src the mapping read; allows device reads ({@link Rule#DEV_4 DEV-4})
     * @param offset the first byte
     * @param into where the bytes go: {@code into.byteSize()} of them; writable, reachable from any thread
     * @return the job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) on a null argument, an empty or read-only segment or a
     *     range outside the mapping, ({@link Rule#DEV_4 DEV-4}) on a wrong direction
     */
    static Read read(Mapping src, long offset, MemorySegment into) {
        return new Read(src, offset, into, List.of());
    }

    /**
     * A device write of a heap-side segment into buffer memory (heap to device memory).
     *
     * @param from the bytes to write: all {@code from.byteSize()} of them; reachable from any thread
     * @param dst the mapping written; allows device writes ({@link Rule#DEV_4 DEV-4})
     * @param offset the first byte written
     * @return the job
     * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}) on a null argument, an empty segment or a range outside
     *     the mapping, ({@link Rule#DEV_4 DEV-4}) on a wrong direction
     */
    static Write write(MemorySegment from, Mapping dst, long offset) {
        return new Write(from, dst, offset, List.of());
    }

    /**
     * A device copy between two mappings of the engine's device.
     *
     * @param src the source mapping
     * @param srcOffset the first source byte
     * @param dst the destination mapping
     * @param dstOffset the first destination byte
     * @param length the bytes
     * @param after explicit dependencies
     */
    record Copy(Mapping src, long srcOffset, Mapping dst, long dstOffset, long length, List<Fence> after)
            implements Job {
        /**
         * Validates the job.
         *
         * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}, {@link Rule#DEV_4 DEV-4}) as {@link Job#copy}
         */
        public Copy {
            checkRange("copy", "source", src, srcOffset, length, false);
            checkRange("copy", "destination", dst, dstOffset, length, true);
            after = fences(after, "copy");
        }

        @Override
        public Copy after(Fence... fences) {
            return new Copy(src, srcOffset, dst, dstOffset, length, append(after, fences, "copy"));
        }
    }

    /**
     * A device fill of a range with one byte value.
     *
     * @param dst the mapping written
     * @param offset the first byte
     * @param length the bytes
     * @param value the byte written
     * @param after explicit dependencies
     */
    record Fill(Mapping dst, long offset, long length, byte value, List<Fence> after) implements Job {
        /**
         * Validates the job.
         *
         * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}, {@link Rule#DEV_4 DEV-4}) as {@link Job#fill}
         */
        public Fill {
            checkRange("fill", "destination", dst, offset, length, true);
            after = fences(after, "fill");
        }

        @Override
        public Fill after(Fence... fences) {
            return new Fill(dst, offset, length, value, append(after, fences, "fill"));
        }
    }

    /**
     * A device read of buffer memory into a heap-side segment.
     *
     * @param src the mapping read
     * @param offset the first byte
     * @param into where the bytes go
     * @param after explicit dependencies
     */
    record Read(Mapping src, long offset, MemorySegment into, List<Fence> after) implements Job {
        /**
         * Validates the job.
         *
         * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}, {@link Rule#DEV_4 DEV-4}) as {@link Job#read}
         */
        public Read {
            if (into == null || into.byteSize() == 0 || into.isReadOnly()) {
                throw new RuleViolationException(Rule.DEV_8, "read job into " + (into == null ? "a null segment"
                        : into.byteSize() == 0 ? "an empty segment" : "a read-only segment")
                        + ": pass a writable segment of the bytes to read");
            }
            checkRange("read", "source", src, offset, into.byteSize(), false);
            after = fences(after, "read");
        }

        @Override
        public long length() {
            return into.byteSize();
        }

        @Override
        public Read after(Fence... fences) {
            return new Read(src, offset, into, append(after, fences, "read"));
        }
    }

    /**
     * A device write of a heap-side segment into buffer memory.
     *
     * @param from the bytes to write
     * @param dst the mapping written
     * @param offset the first byte written
     * @param after explicit dependencies
     */
    record Write(MemorySegment from, Mapping dst, long offset, List<Fence> after) implements Job {
        /**
         * Validates the job.
         *
         * @throws RuleViolationException ({@link Rule#DEV_8 DEV-8}, {@link Rule#DEV_4 DEV-4}) as {@link Job#write}
         */
        public Write {
            if (from == null || from.byteSize() == 0) {
                throw new RuleViolationException(Rule.DEV_8, "write job from " + (from == null ? "a null segment"
                        : "an empty segment") + ": pass the bytes to write");
            }
            checkRange("write", "destination", dst, offset, from.byteSize(), true);
            after = fences(after, "write");
        }

        @Override
        public long length() {
            return from.byteSize();
        }

        @Override
        public Write after(Fence... fences) {
            return new Write(from, dst, offset, append(after, fences, "write"));
        }
    }

    private static void checkRange(String job, String role, Mapping m, long offset, long length, boolean write) {
        if (m == null) {
            throw new RuleViolationException(Rule.DEV_8, job + " job with a null " + role
                    + " mapping: pass a mapping of an attachment to the engine's device");
        }
        if (length <= 0 || offset < 0 || offset > m.size() - length) {
            throw new RuleViolationException(Rule.DEV_8, job + " job: the " + role + " range [" + offset + ", "
                    + offset + " + " + length + ") is not within the " + m.size() + " bytes of the mapping of "
                    + m.attachment() + "; a job touches memory only through its mappings, with a positive length");
        }
        if (write ? !m.direction().allowsDeviceWrite() : !m.direction().allowsDeviceRead()) {
            // The usual cause is a mapping made for another device's job (a TO_DEVICE mapping of the encoder given to
            // a camera job): remapping in the other direction would only lead to DEV-8 at submit, so say that first.
            String device = m.attachment().device().name();
            throw new RuleViolationException(Rule.DEV_4, job + " job " + (write ? "writes" : "reads") + " through a "
                    + m.direction() + " mapping of " + m.attachment() + ", which does not allow a device "
                    + (write ? "write" : "read") + ". A job runs only on an engine of the mapping's own device (DEV-8):"
                    + " for another device's engine, use a mapping of an attachment to that device; for an engine of '"
                    + device + "', map " + (write ? "FROM_DEVICE" : "TO_DEVICE") + " or BIDIRECTIONAL");
        }
    }

    private static List<Fence> fences(List<Fence> after, String job) {
        if (after == null) {
            throw new RuleViolationException(Rule.DEV_8, job + " job with a null dependency list: pass List.of()");
        }
        for (int i = 0; i < after.size(); i++) {
            if (after.get(i) == null) {
                throw new RuleViolationException(Rule.DEV_8, job + " job: dependency " + i + " is null");
            }
        }
        return List.copyOf(after);
    }

    private static List<Fence> append(List<Fence> after, Fence[] more, String job) {
        if (more == null) {
            throw new RuleViolationException(Rule.DEV_8, job + " job: after(null); pass fences");
        }
        List<Fence> all = new ArrayList<>(after.size() + more.length);
        all.addAll(after);
        for (int i = 0; i < more.length; i++) {
            if (more[i] == null) {
                throw new RuleViolationException(Rule.DEV_8, job + " job: dependency " + i + " given to after() is"
                        + " null");
            }
            all.add(more[i]);
        }
        return List.copyOf(all);
    }
}
