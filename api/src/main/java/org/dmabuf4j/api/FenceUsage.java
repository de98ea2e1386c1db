package org.dmabuf4j.api;

/**
 * Why a fence sits in a reservation, ordered from strongest to weakest: KERNEL &lt; WRITE &lt; READ &lt; BOOKKEEP.
 *
 * <p>A query at usage U covers every fence whose usage is U or stronger ({@link Rule#RESV_9 RESV-9}): asking for WRITE
 * gives KERNEL and WRITE fences, asking for BOOKKEEP gives all. A fence can be promoted to a stronger usage, never
 * degraded ({@link Rule#RESV_3 RESV-3}).
 *
 * @see "enum dma_resv_usage"
 */
public enum FenceUsage {
    /** Memory management by the exporter (moves, clears); everyone waits for these unless the buffer is pinned. */
    KERNEL,
    /** Implicitly synchronised writes. */
    WRITE,
    /** Implicitly synchronised reads. */
    READ,
    /**
     * No implicit synchronisation: explicitly synced work, bookkeeping; never blocks readiness
     * ({@link Rule#SYNC_4 SYNC-4}).
     */
    BOOKKEEP;

    /**
     * Whether a query at this usage covers a fence of usage {@code entry} ({@link Rule#RESV_9 RESV-9}).
     *
     * @param entry the usage of a fence in a reservation; not null
     * @return true if {@code entry} is this usage or stronger
     */
    public boolean covers(FenceUsage entry) {
        return Check.notNull(entry, Rule.RESV_9, "usage").ordinal() <= ordinal();
    }

    /**
     * The usage whose fences an access must wait for ({@link Rule#CPU_2 CPU-2}, {@link Rule#SYNC_5 SYNC-5}): a writer
     * waits for readers and writers (READ), a reader only for writers (WRITE).
     *
     * @param write whether the access writes
     * @return READ for a write access, WRITE for a read-only access
     * @see "dma_resv_usage_rw"
     */
    public static FenceUsage forAccess(boolean write) {
        return write ? READ : WRITE;
    }

    /**
     * The stronger of two usages (what promotion keeps, {@link Rule#RESV_3 RESV-3}).
     *
     * @param a a usage; not null
     * @param b a usage; not null
     * @return the one that comes first in KERNEL &lt; WRITE &lt; READ &lt; BOOKKEEP
     */
    public static FenceUsage strongest(FenceUsage a, FenceUsage b) {
        Check.notNull(a, Rule.RESV_3, "usage");
        Check.notNull(b, Rule.RESV_3, "usage");
        return a.ordinal() <= b.ordinal() ? a : b;
    }

    /**
     * The kernel's debugfs name of this usage.
     *
     * @return "kernel", "write", "read" or "bookkeep"
     */
    public String kernelName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
