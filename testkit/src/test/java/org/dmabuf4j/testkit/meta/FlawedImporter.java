package org.dmabuf4j.testkit.meta;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.UnsupportedFeatureException;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.testkit.ImporterPuppet;

/**
 * A small dynamic importer written the way a third party would, with one {@link ImporterFlaw} at a time. Correct, it
 * unmaps inside moveNotify (the notifier holds the lock), maps again under the lock on its next use and waits for the
 * KERNEL fences before touching the memory.
 */
final class FlawedImporter implements ImporterPuppet, Importer {
    private final DmaBuf buffer;
    private final SimulatedDevice device;
    private final ImporterFlaw flaw;
    private final Reservation reservation;
    private volatile Attachment attachment;
    /** Guarded by the reservation lock. */
    private Mapping mapping;
    private volatile boolean stale;
    /** Whether the pinning design's pin was accepted (a static exporter refuses it: it never moves anyway). */
    private volatile boolean pinned;

    FlawedImporter(DmaBuf buffer, SimulatedDevice device, ImporterFlaw flaw) {
        this.buffer = buffer;
        this.device = device;
        this.flaw = flaw;
        this.reservation = buffer.reservation();
    }

    private DmaBuf worker;

    @Override
    public void attach() {
        if (flaw == ImporterFlaw.LEAKS_SHARED_HANDLE) {
            worker = buffer.share();
        }
        if (flaw.design() == ImporterFlaw.Design.STATIC) {
            attachment = buffer.attach(device);
            return;
        }
        if (flaw.design() == ImporterFlaw.Design.PINNING) {
            attachment = buffer.attach(device, this);
            reservation.lock();
            try {
                attachment.pin();
                pinned = true;
            } catch (UnsupportedFeatureException staticExporter) {
                // a static exporter never moves its memory: nothing to pin (PIN-2)
            } finally {
                reservation.unlock();
            }
            return;
        }
        if (flaw == ImporterFlaw.ATTACHES_UNDER_LOCK) {
            reservation.lock();
            try {
                attachment = buffer.attach(device, this);
            } finally {
                reservation.unlock();
            }
            return;
        }
        attachment = buffer.attach(device, this);
    }

    @Override
    public void moveNotify(Attachment a) {
        if (flaw == ImporterFlaw.LOCKS_IN_NOTIFY) {
            reservation.lock();
        }
        if (flaw == ImporterFlaw.RELOCKS_IN_NOTIFY) {
            // "let the other threads in while we clean up" -- the move's lock hold is broken
            reservation.unlock();
            reservation.lock();
        }
        if (flaw == ImporterFlaw.IGNORES_NOTIFY) {
            return;
        }
        stale = true;
        if (flaw == ImporterFlaw.KEEPS_MAPPING_ON_REVOKE && a.buffer().isRevoked()) {
            return;
        }
        if (flaw == ImporterFlaw.CHECKS_STALE_BEFORE_LOCK && !a.buffer().isRevoked()) {
            return; // unmaps lazily, on the next use
        }
        if (flaw == ImporterFlaw.LEAKS_STALE_MAPPINGS && !a.buffer().isRevoked()) {
            mapping = null; // forgets the dead mapping instead of unmapping it
            return;
        }
        if (mapping != null) {
            a.unmap(mapping);
            mapping = null;
        }
    }

    @Override
    public void use() {
        Attachment a = attachment;
        if (flaw == ImporterFlaw.MAPS_WITHOUT_LOCK) {
            a.map(Direction.BIDIRECTIONAL);
        }
        misuse();
        Direction dir = flaw == ImporterFlaw.WRITES_THROUGH_TO_DEVICE ? Direction.TO_DEVICE : Direction.BIDIRECTIONAL;
        boolean remapDecided = mapping == null || stale;
        Mapping m;
        reservation.lock();
        try {
            boolean remap = flaw == ImporterFlaw.CHECKS_STALE_BEFORE_LOCK ? remapDecided
                    : mapping == null || stale && flaw != ImporterFlaw.IGNORES_NOTIFY;
            if (remap) {
                Mapping fresh = a.map(dir);
                if (mapping != null && !mapping.isCached()) {
                    a.unmap(mapping);
                }
                mapping = fresh;
                stale = false;
            }
            m = mapping;
        } finally {
            reservation.unlock();
        }
        if (flaw != ImporterFlaw.NO_FENCE_WAIT && flaw.design() != ImporterFlaw.Design.STATIC) {
            Duration wait = flaw == ImporterFlaw.GIVES_UP_WAITING ? Duration.ofMillis(50) : Duration.ofSeconds(10);
            if (!reservation.await(FenceUsage.KERNEL, wait) && flaw != ImporterFlaw.GIVES_UP_WAITING) {
                throw new IllegalStateException("the move's fence did not signal");
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(64);
            device.dmaRead(m.dmaAddress(0), data);
            byte next = (byte) (data.get(ValueLayout.JAVA_BYTE, 0) + 1);
            data.set(ValueLayout.JAVA_BYTE, 0, next);
            device.dmaWrite(m.dmaAddress(0), data);
            if (flaw == ImporterFlaw.CHECKS_FRAMES_THROUGH_ENTRY_VIEW) {
                // "the entry has a CPU view: no need for a window to check the frame"
                byte seen = m.entries().getFirst().cpuSegment().get(ValueLayout.JAVA_BYTE, 0);
                if (seen != next) {
                    throw new IllegalStateException("frame check failed: the device wrote " + next + ", the buffer"
                            + " holds " + seen);
                }
            }
        }
        if (flaw == ImporterFlaw.UNMAPS_THROUGH_OTHER_ATTACHMENT) {
            Attachment other = buffer.attach(device, this);
            try {
                reservation.lock();
                try {
                    other.unmap(m);
                } finally {
                    reservation.unlock();
                }
            } finally {
                other.close();
            }
        }
        if (flaw == ImporterFlaw.UNMAPS_TWICE) {
            reservation.lock();
            try {
                a.unmap(m);
                mapping = null;
                a.unmap(m);
            } finally {
                reservation.unlock();
            }
        }
    }

    private void misuse() {
        switch (flaw) {
            case CPU_AFTER_CLOSE -> {
                MemorySegment kept;
                try (CpuAccess w = buffer.beginCpuAccess(Access.READ)) {
                    kept = w.segment();
                }
                kept.get(ValueLayout.JAVA_BYTE, 0);
            }
            case CPU_OUTSIDE_BUFFER -> buffer.beginCpuAccess(Access.READ, Region.range(buffer.size() - 8, 64)).close();
            case CPU_UNDER_LOCK -> {
                reservation.lock();
                try {
                    buffer.beginCpuAccess(Access.READ).close();
                } finally {
                    reservation.unlock();
                }
            }
            case VMAP_WITHOUT_LOCK -> buffer.vmap().close();
            case RESERVES_NO_SLOT -> {
                reservation.lock();
                try {
                    reservation.reserveFences(0);
                } finally {
                    reservation.unlock();
                }
            }
            case RESERVES_WITHOUT_LOCK -> reservation.reserveFences(1);
            case UNLOCKS_WITHOUT_HOLDING -> reservation.unlock();
            case PINS_WITHOUT_LOCK -> attachment.pin();
            case UNPINS_TWICE -> {
                reservation.lock();
                try {
                    attachment.pin();
                    attachment.unpin();
                    attachment.unpin();
                } finally {
                    reservation.unlock();
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void stop() {
        Attachment a = attachment;
        if (flaw != ImporterFlaw.DETACHES_WITH_MAPPINGS) {
            reservation.lock();
            try {
                if (mapping != null && !mapping.isCached()) {
                    a.unmap(mapping);
                }
                mapping = null;
                if (pinned) {
                    a.unpin();
                    if (flaw == ImporterFlaw.PINNING_UNPINS_TWICE) {
                        a.unpin();
                    }
                }
            } finally {
                reservation.unlock();
            }
        }
        if (flaw != ImporterFlaw.NEVER_DETACHES) {
            a.close();
        }
    }
}
