package org.dmabuf4j.testkit.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.DmaBufSystem;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.PinRefusedException;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.RevokedException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.api.Span;

/**
 * A correct dynamic exporter over native memory that moves whenever told to, with the copy of a move published as a
 * KERNEL fence that the kit can hold back (slow) or fail. While a held-back move is pending, the new memory holds
 * poison, so an importer that touches it before the fence signals sees garbage and its writes are overwritten by the
 * copy. It records every translation it handed out.
 *
 * <p>Also the reference exporter the kit's own tests break in one way at a time.
 */
public final class AdversarialExporter implements Exporter {
    /** What a move's fence does. */
    public enum MoveFence {
        /** The copy is done inside move() and the fence is signaled before it returns. */
        IMMEDIATE,
        /** The copy waits for {@link #completeMove(boolean)}; until then the new memory holds poison. */
        HELD
    }

    /** The byte that fills new memory until a held move completes. */
    public static final byte POISON = (byte) 0xA5;

    private final String name;
    private final long size;
    private final boolean refusePins;
    private final long chunk;
    private final Object memoryLock = new Object();
    private final AtomicInteger maps = new AtomicInteger();
    private final AtomicInteger moves = new AtomicInteger();
    private final List<String> handedOut = new ArrayList<>();
    private volatile ExportedBuffer exported;
    private volatile DmaBufSystem system;
    private Arena arena;
    private MemorySegment memory;
    private Arena pendingOldArena;
    private MemorySegment pendingOld;
    private SignalingFence pendingFence;
    private boolean released;

    private AdversarialExporter(String name, long size, boolean refusePins, long chunk) {
        this.name = name;
        this.size = size;
        this.refusePins = refusePins;
        this.chunk = chunk;
        this.arena = Arena.ofShared();
        this.memory = arena.allocate(size, 4096);
    }

    /**
     * Exports a buffer backed by a new adversarial exporter.
     *
     * @param system the system
     * @param name the exporter name
     * @param size bytes, a multiple of the page size
     * @param layout the layout, or empty
     * @param refusePins whether explicit pins are refused (PIN-2)
     * @return the exporter, bound to its buffer
     */
    public static AdversarialExporter export(DmaBufSystem system, String name, long size,
            Optional<BufferLayout> layout, boolean refusePins) {
        AdversarialExporter ex = new AdversarialExporter(name, size, refusePins, 64 * 1024);
        try {
            ex.system = system;
            ex.exported = system.export(new ExportInfo(name, size, ex, layout));
        } catch (RuntimeException e) {
            ex.arena.close();
            throw e;
        }
        return ex;
    }

    /**
     * The exported buffer.
     *
     * @return the exporter's capability
     */
    public ExportedBuffer exported() {
        return exported;
    }

    /**
     * The number of map calls so far.
     *
     * @return the count
     */
    public int maps() {
        return maps.get();
    }

    /**
     * The number of moves so far.
     *
     * @return the count
     */
    public int moves() {
        return moves.get();
    }

    /**
     * Every translation handed out, as "device@address+length" lines.
     *
     * @return a copy
     */
    public synchronized List<String> handedOut() {
        return List.copyOf(handedOut);
    }

    @Override
    public boolean isDynamic() {
        return true;
    }

    @Override
    public void pin(Attachment attachment) {
        if (refusePins) {
            throw new PinRefusedException(Rule.PIN_2, "exporter '" + name + "' refuses to pin buffer #"
                    + attachment.buffer().id() + " for device '" + attachment.device().name() + "'; it moves its "
                    + "buffers freely: use a dynamic attachment and handle moveNotify");
        }
    }

    @Override
    public void unpin(Attachment attachment) {
        // nothing to undo: the framework counts pins, and move() asks it whether the buffer is pinned
    }

    /**
     * The memory the buffer currently lives in, in chunks as devices see it.
     *
     * @return the chunks
     */
    private List<MemorySegment> chunks() {
        synchronized (memoryLock) {
            List<MemorySegment> out = new ArrayList<>();
            for (long off = 0; off < size; off += chunk) {
                out.add(memory.asSlice(off, Math.min(chunk, size - off)));
            }
            return out;
        }
    }

    @Override
    public List<SgEntry> map(Attachment attachment, Direction direction) {
        if (exported != null && exported.isRevoked()) {
            throw new RevokedException(Rule.REV_2, "buffer #" + attachment.buffer().id() + " of exporter '" + name
                    + "' is revoked: device '" + attachment.device().name() + "' cannot map it; detach");
        }
        Device device = attachment.device();
        List<SgEntry> entries = device.mapPages(chunks(), direction);
        maps.incrementAndGet();
        synchronized (this) {
            for (SgEntry e : entries) {
                handedOut.add(device.name() + "@0x" + Long.toHexString(e.dmaAddress()) + "+" + e.length());
            }
        }
        return entries;
    }

    @Override
    public void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        attachment.device().unmap(entries);
    }

    @Override
    public void release() {
        synchronized (memoryLock) {
            if (released) {
                return;
            }
            released = true;
            if (pendingFence != null) {
                pendingFence.signal();
                pendingFence = null;
            }
            if (pendingOldArena != null) {
                pendingOldArena.close();
                pendingOldArena = null;
            }
            arena.close();
        }
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        if (exported != null && exported.isRevoked()) {
            throw new RevokedException(Rule.REV_2, "buffer of exporter '" + name + "' is revoked: no CPU access");
        }
        synchronized (memoryLock) {
            return memory;
        }
    }

    /**
     * Moves the buffer, as an exporter does under memory pressure: takes the lock and does {@link #moveLocked}.
     *
     * @param fence what the move's fence does
     * @return whether the buffer moved
     */
    public boolean move(MoveFence fence) {
        Reservation r = exported.reservation();
        r.lock();
        try {
            return moveLocked(fence);
        } finally {
            r.unlock();
        }
    }

    /**
     * Moves the buffer with the reservation lock already held by the caller: returns without moving if pinned
     * (MOVE-2); reserves the fence slot of the move, then invalidates the mappings (MOVE-3) and adds the move's fence
     * into that slot, so that an importer that drops and re-takes the lock inside moveNotify is seen (the slot does
     * not survive the unlock, RESV-12); allocates new memory; copies now ({@link MoveFence#IMMEDIATE}) or fills it
     * with poison until {@link #completeMove(boolean)} ({@link MoveFence#HELD}); publishes the copy as a KERNEL fence
     * (MOVE-8).
     *
     * @param fence what the move's fence does
     * @return whether the buffer moved
     * @throws RuleViolationException (MOVE-7) if an importer released the lock inside moveNotify; nothing moved
     */
    public boolean moveLocked(MoveFence fence) {
        Reservation r = exported.reservation();
        r.assertHeld(Rule.MOVE_1);
        if (exported.isPinned()) {
            return false;
        }
        completeMove(true);
        SignalingFence f = system.fences().newContext("adversarial-exporter", name + "-moves").next();
        r.reserveFences(1);
        exported.invalidateMappings();
        try {
            r.addFence(f, FenceUsage.KERNEL);
        } catch (DmaBufException slotGone) {
            f.signal();
            throw new RuleViolationException(Rule.MOVE_7, "an importer of buffer #" + exported.handle().id()
                    + " released the reservation lock inside moveNotify: the fence slot the move reserved just before"
                    + " invalidateMappings() was gone afterwards (slots live for one lock hold, RESV-12), so the lock"
                    + " was dropped and taken again; moveNotify must neither take nor release the lock", slotGone);
        }
        synchronized (memoryLock) {
            Arena next = Arena.ofShared();
            MemorySegment nextMemory = next.allocate(size, 4096);
            if (fence == MoveFence.IMMEDIATE) {
                nextMemory.copyFrom(memory);
                arena.close();
            } else {
                nextMemory.fill(POISON);
                pendingOldArena = arena;
                pendingOld = memory;
                pendingFence = f;
            }
            arena = next;
            memory = nextMemory;
        }
        moves.incrementAndGet();
        if (fence == MoveFence.IMMEDIATE) {
            f.signal();
        }
        return true;
    }

    /**
     * Completes a held move: copies the old memory into the new and signals the fence, or fails the fence.
     * Never takes the reservation lock (FENCE-4). Does nothing if no move is held.
     *
     * @param success whether the copy succeeds; a failed copy leaves poison and fails the fence with an error
     */
    public void completeMove(boolean success) {
        SignalingFence f;
        synchronized (memoryLock) {
            f = pendingFence;
            if (f == null) {
                return;
            }
            if (success) {
                memory.copyFrom(pendingOld);
            }
            pendingOldArena.close();
            pendingOldArena = null;
            pendingOld = null;
            pendingFence = null;
        }
        if (success) {
            f.signal();
        } else {
            f.fail(new IllegalStateException("the copy of a move of exporter '" + name + "' failed"));
        }
    }

    /**
     * Revokes the buffer through the framework (REV-1).
     *
     * @param timeout the bound on the waits
     */
    public void revoke(Duration timeout) {
        completeMove(true);
        exported.revoke(timeout);
    }
}
