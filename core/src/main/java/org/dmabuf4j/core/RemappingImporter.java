package org.dmabuf4j.core;

import java.time.Duration;
import java.util.function.Function;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.DmaInterruptedException;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.InvalidatedMappingException;
import org.dmabuf4j.api.IommuFaultException;
import org.dmabuf4j.api.Mapping;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * What a good dynamic importer does, as a reusable piece: it attaches dynamically, and re-maps lazily after every
 * notification.
 *
 * <ul>
 *   <li>{@link #moveNotify} (called by the exporter's thread with the reservation lock held) unmaps the dead mapping at
 *       once and takes no lock ({@link Rule#MOVE_7 MOVE-7}, {@link Rule#REV_5 REV-5}); repeated notifications are
 *       harmless.</li>
 *   <li>{@link #mapping()} returns the current mapping; after a notification it maps again under the lock, then waits
 *       for the buffer's KERNEL fences (the copy of the move) so that the device never touches the new location
 *       before the copy is done ({@link Rule#MOVE_8 MOVE-8}). The fast path is one volatile read.</li>
 *   <li>{@link #use} runs a device access with the current mapping and retries it if a move killed the mapping while
 *       the access was starting (the access then faulted without touching memory).</li>
 * </ul>
 * Thread-safe: mapping() and use() may be called from any thread, concurrently with notifications.
 *
 * <pre>
 *   try (RemappingImporter npu = RemappingImporter.attach(buf, npuDevice, Direction.BIDIRECTIONAL)) {
 *       npu.use(m -&gt; { npuDevice.dmaWrite(m.dmaAddress(0), data); return null; });
 *       sys.move(buf);                                                  // npu is notified, its mapping dies
 *       npu.use(m -&gt; { npuDevice.dmaRead(m.dmaAddress(0), out); return null; });   // re-mapped: same data
 *   }
 * </pre>
 */
public final class RemappingImporter implements Importer, AutoCloseable {
    private static final int ATTEMPTS = 64;

    private final Direction direction;
    private final boolean peerToPeer;
    private Attachment attachment;
    private Reservation reservation;
    /** Written under the reservation lock only; read without it on the fast path. */
    private volatile Mapping current;
    private volatile long remaps;
    private volatile long notifications;
    private volatile boolean closed;

    private RemappingImporter(Direction direction, boolean peerToPeer) {
        this.direction = direction;
        this.peerToPeer = peerToPeer;
    }

    /**
     * Attaches a re-mapping importer that does not accept device memory without CPU pages.
     *
     * @param buffer the buffer; open; not null
     * @param device the importing device; open; not null
     * @param direction how the device will access the buffer; not null
     * @return the importer, attached; close it to unmap and detach
     * @throws RuntimeException as {@link DmaBuf#attach(Device, Importer)}
     */
    public static RemappingImporter attach(DmaBuf buffer, Device device, Direction direction) {
        return attach(buffer, device, direction, false);
    }

    /**
     * Attaches a re-mapping importer.
     *
     * @param buffer the buffer; open; not null
     * @param device the importing device; open; not null
     * @param direction how the device will access the buffer; not null
     * @param allowPeerToPeer whether the importer accepts device memory without CPU pages ({@link Rule#P2P_1 P2P-1})
     * @return the importer, attached; close it to unmap and detach
     * @throws RuleViolationException ({@link Rule#ATT_3 ATT-3}) on a null argument
     * @throws RuntimeException as {@link DmaBuf#attach(Device, Importer)}
     */
    public static RemappingImporter attach(DmaBuf buffer, Device device, Direction direction,
            boolean allowPeerToPeer) {
        if (buffer == null || device == null || direction == null) {
            throw new RuleViolationException(Rule.ATT_3, "RemappingImporter.attach with a null "
                    + (buffer == null ? "buffer" : device == null ? "device" : "direction"));
        }
        RemappingImporter importer = new RemappingImporter(direction, allowPeerToPeer);
        Attachment a = buffer.attach(device, importer);
        importer.attachment = a;
        importer.reservation = a.buffer().reservation();
        return importer;
    }

    @Override
    public boolean allowPeerToPeer() {
        return peerToPeer;
    }

    /**
     * Drops the dead mapping at once; the next {@link #mapping()} maps again. The calling thread holds the lock.
     *
     * @param a the attachment whose mappings died
     */
    @Override
    public void moveNotify(Attachment a) {
        notifications++;
        Mapping m = current;
        if (m != null) {
            current = null;
            a.unmap(m);
        }
    }

    /**
     * The current mapping: re-made under the lock if a notification killed the previous one, then returned once the
     * buffer's KERNEL fences signaled ({@link Rule#MOVE_8 MOVE-8}). Called without the reservation lock, or with it
     * held by this thread.
     *
     * @return a live mapping (it may die again at the next move: see {@link #use})
     * @throws org.dmabuf4j.api.RevokedException ({@link Rule#REV_2 REV-2}) if the buffer was revoked
     * @throws DmaInterruptedException ({@link Rule#MOVE_8 MOVE-8}) if interrupted while waiting for the copy of a move
     * @throws org.dmabuf4j.api.ClosedException ({@link Rule#ATT_4 ATT-4}) if closed
     */
    public Mapping mapping() {
        Mapping m = current;
        if (m != null && m.isValid()) {
            return m;
        }
        return remap();
    }

    private Mapping remap() {
        for (int i = 0; i < ATTEMPTS; i++) {
            Mapping m;
            boolean held = reservation.isHeldByCurrentThread();
            if (!held) {
                reservation.lock();
            }
            try {
                m = current;
                if (m == null || !m.isValid()) {
                    if (m != null) {
                        current = null;
                        attachment.unmap(m);
                    }
                    m = attachment.map(direction);
                    current = m;
                    remaps++;
                }
            } finally {
                if (!held) {
                    reservation.unlock();
                }
            }
            awaitKernelFences();
            if (m.isValid()) {
                return m;
            }
        }
        throw new InvalidatedMappingException(Rule.MOVE_6, "the buffer of " + attachment + " moved " + ATTEMPTS
                + " times while it was being re-mapped; the exporter keeps moving it");
    }

    private void awaitKernelFences() {
        try {
            while (!reservation.await(FenceUsage.KERNEL, Duration.ofMinutes(1))) {
                Thread.onSpinWait();
            }
        } catch (DmaInterruptedException e) {
            throw new DmaInterruptedException(Rule.MOVE_8, "re-mapping " + attachment + " was interrupted while"
                    + " waiting for the copy of a move (its KERNEL fence)", e.getCause() instanceof
                    InterruptedException ie ? ie : null);
        }
    }

    /**
     * Runs a device access with the current mapping. If it fails because a move killed the mapping meanwhile (an
     * {@link IommuFaultException} or {@link InvalidatedMappingException} while the mapping is dead), it re-maps and
     * runs it again: such a failed access touched nothing. Any other failure is thrown as is.
     *
     * @param access the access; gets a live mapping; not null
     * @param <T> what the access returns
     * @return what the access returned
     * @throws RuntimeException as {@link #mapping()} and as the access
     */
    public <T> T use(Function<? super Mapping, ? extends T> access) {
        if (access == null) {
            throw new RuleViolationException(Rule.MOVE_7, "use(null) on " + this);
        }
        for (int i = 0; ; i++) {
            Mapping m = mapping();
            try {
                return access.apply(m);
            } catch (IommuFaultException | InvalidatedMappingException e) {
                if (m.isValid() || i + 1 >= ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * The attachment.
     *
     * @return the dynamic attachment this importer made
     */
    public Attachment attachment() {
        return attachment;
    }

    /**
     * The direction mappings are made with.
     *
     * @return the direction
     */
    public Direction direction() {
        return direction;
    }

    /**
     * How many mappings this importer made.
     *
     * @return the count
     */
    public long remaps() {
        return remaps;
    }

    /**
     * How many notifications it received.
     *
     * @return the count
     */
    public long notifications() {
        return notifications;
    }

    /**
     * Unmaps the current mapping and detaches. Idempotent. Called without the reservation lock
     * ({@link Rule#BUF_9 BUF-9}).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (attachment.isAttached()) {
            reservation.lock();
            try {
                Mapping m = current;
                if (m != null) {
                    current = null;
                    attachment.unmap(m);
                }
            } finally {
                reservation.unlock();
            }
        }
        closed = true;
        attachment.close();
    }

    @Override
    public String toString() {
        return "re-mapping importer of " + attachment + " (" + remaps + " mappings, " + notifications
                + " notifications)";
    }
}
