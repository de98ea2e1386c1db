package org.dmabuf4j.testkit.internal;

import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.FenceUsage;

/**
 * One step of a campaign: an intention ("map attachment a3 BIDIRECTIONAL"), not an outcome. The model decides at
 * replay what the step should do, so a shrunk sequence keeps meaning; a step whose target no longer exists is skipped.
 *
 * @param kind what to do
 * @param label the label of the object the step creates, or 0
 * @param ref the label of the object the step works on, or 0
 * @param arg a number: pages, device index, pattern seed or fence usage ordinal
 * @param flag a switch: dynamic attachment
 * @param direction a mapping direction, or null
 */
public record Op(Kind kind, int label, int ref, int arg, boolean flag, Direction direction) {
    /** The operations. */
    public enum Kind {
        /** Export a buffer of {@code arg} pages; creates handle {@code label}. */
        EXPORT,
        /** Share handle {@code ref}; creates handle {@code label}. */
        SHARE,
        /** Close handle {@code ref}. */
        CLOSE,
        /** Attach handle {@code ref}'s buffer to device {@code arg}, dynamic if {@code flag}. */
        ATTACH,
        /** Detach attachment {@code ref}. */
        DETACH,
        /** Map attachment {@code ref} with the lock held; creates mapping {@code label}. */
        MAP,
        /** Call the locked map of attachment {@code ref} without the lock: MAP-1 misuse. */
        MAP_WITHOUT_LOCK,
        /** Unmap mapping {@code ref} (unlocked variant). */
        UNMAP,
        /** The device of mapping {@code ref} writes pattern {@code arg} over the whole buffer. */
        DEVICE_WRITE,
        /** The device of mapping {@code ref} reads the whole buffer. */
        DEVICE_READ,
        /** The device of mapping {@code ref} reads through the mapping's first address, dead or alive. */
        DEVICE_PROBE,
        /** A CPU window writes pattern {@code arg} over the whole buffer of handle {@code ref}. */
        CPU_WRITE,
        /** A CPU window on the first page of handle {@code ref} writes pattern {@code arg}. */
        CPU_WRITE_PAGE,
        /** A CPU window reads the whole buffer of handle {@code ref}. */
        CPU_READ,
        /** Add a pending fence of usage {@code arg} to handle {@code ref}'s buffer; creates fence {@code label}. */
        FENCE,
        /** Signal fence {@code ref}. */
        SIGNAL,
        /** Poll handle {@code ref}'s readiness for read and write. */
        POLL,
        /** Move handle {@code ref}'s buffer (fixture.move). */
        MOVE,
        /** Pin attachment {@code ref}. */
        PIN,
        /** Unpin attachment {@code ref}. */
        UNPIN
    }

    /**
     * A readable line for reports.
     *
     * @return the step
     */
    public String describe() {
        return switch (kind) {
            case EXPORT -> "export a buffer of " + arg + " page(s) -> handle h" + label;
            case SHARE -> "share handle h" + ref + " -> handle h" + label;
            case CLOSE -> "close handle h" + ref;
            case ATTACH -> "attach handle h" + ref + "'s buffer to device " + CampaignRun.DEVICES[arg].deviceName() + " ("
                    + (flag ? "dynamic" : "static") + ") -> attachment a" + label;
            case DETACH -> "detach attachment a" + ref;
            case MAP -> "map attachment a" + ref + " " + direction + " (lock held) -> mapping m" + label;
            case MAP_WITHOUT_LOCK -> "map attachment a" + ref + " " + direction + " WITHOUT the lock (misuse)";
            case UNMAP -> "unmap mapping m" + ref;
            case DEVICE_WRITE -> "device of mapping m" + ref + " writes pattern " + arg + " over the buffer";
            case DEVICE_READ -> "device of mapping m" + ref + " reads the buffer";
            case DEVICE_PROBE -> "device of mapping m" + ref + " reads through the mapping's first address";
            case CPU_WRITE -> "CPU WRITE window on handle h" + ref + " writes pattern " + arg;
            case CPU_WRITE_PAGE -> "CPU WRITE window on the first page of handle h" + ref + " writes pattern " + arg;
            case CPU_READ -> "CPU READ window on handle h" + ref + " reads the buffer";
            case FENCE -> "add a pending " + FenceUsage.values()[arg] + " fence to handle h" + ref + "'s buffer -> fence f"
                    + label;
            case SIGNAL -> "signal fence f" + ref;
            case POLL -> "poll handle h" + ref + " for read and write readiness";
            case MOVE -> "move handle h" + ref + "'s buffer";
            case PIN -> "pin attachment a" + ref;
            case UNPIN -> "unpin attachment a" + ref;
        };
    }
}
