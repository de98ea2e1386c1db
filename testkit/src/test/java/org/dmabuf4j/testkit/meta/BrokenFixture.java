package org.dmabuf4j.testkit.meta;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.ExportInfo;
import org.dmabuf4j.api.ExportedBuffer;
import org.dmabuf4j.api.FenceContext;
import org.dmabuf4j.api.FenceUsage;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.SignalingFence;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.testkit.ExporterFeature;
import org.dmabuf4j.testkit.ExporterFixture;

/** The fixture of a {@link MovableExporter} broken by one {@link Flaw}, in its export, its callbacks or its moves. */
final class BrokenFixture implements ExporterFixture {
    private final Flaw flaw;
    private final Pool pool;
    private final Map<ExportedBuffer, MovableExporter> exporters = new ConcurrentHashMap<>();
    private final Map<ExportedBuffer, DmaBuf> keptHandles = new ConcurrentHashMap<>();
    private final Map<ExportedBuffer, FenceContext> contexts = new ConcurrentHashMap<>();

    BrokenFixture(Flaw flaw) {
        this.flaw = flaw;
        this.pool = flaw.heap() ? new Pool(flaw != Flaw.POOL_NOT_ZEROED) : null;
    }

    @Override
    public String name() {
        return "broken-" + flaw.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public Set<ExporterFeature> features() {
        EnumSet<ExporterFeature> f = EnumSet.of(ExporterFeature.CPU_ACCESS, ExporterFeature.REGIONS_2D,
                ExporterFeature.REVOCATION);
        if (flaw.dynamic()) {
            f.add(ExporterFeature.DYNAMIC_MOVE);
        }
        if (flaw == Flaw.UNCLEAN_CPU_REFUSAL) {
            f.remove(ExporterFeature.CPU_ACCESS);
            f.remove(ExporterFeature.REGIONS_2D);
        }
        if (flaw.heap()) {
            f.add(ExporterFeature.HEAP);
        }
        if (flaw.p2p()) {
            f.add(ExporterFeature.PEER_TO_PEER);
        }
        return f;
    }

    @Override
    public OptionalLong liveBytes() {
        return pool == null ? OptionalLong.empty() : OptionalLong.of(pool.liveBytes());
    }

    private static SimulatedDevice vram(SimulatedSystem system) {
        synchronized (BrokenFixture.class) {
            for (SimulatedDevice d : system.devices()) {
                if (d.name().equals("vram")) {
                    return d;
                }
            }
            return system.newDevice("vram").peerToPeer(true).build();
        }
    }

    @Override
    public ExportedBuffer export(SimulatedSystem system, long size, Optional<BufferLayout> layout) {
        MovableExporter inner = new MovableExporter(system, size, flaw, pool, flaw.p2p() ? vram(system) : null);
        String name = flaw == Flaw.BLANK_NAME ? " " : "movable";
        ExportedBuffer e;
        try {
            e = system.export(new ExportInfo(name, size, new BrokenExporter(inner, flaw), layout));
        } catch (RuntimeException x) {
            inner.release();
            throw x;
        }
        inner.exported = e;
        exporters.put(e, inner);
        contexts.put(e, system.fences().newContext("movable", "moves"));
        if (flaw == Flaw.KEEPS_HANDLE) {
            keptHandles.put(e, e.handle().share());
        }
        return e;
    }

    @Override
    public void move(ExportedBuffer buffer) {
        MovableExporter ex = exporters.get(buffer);
        Reservation r = buffer.reservation();
        if (flaw == Flaw.MOVES_WITHOUT_LOCK) {
            buffer.invalidateMappings();
            ex.switchMemory(true, true);
            return;
        }
        r.lock();
        try {
            boolean pinned = buffer.isPinned();
            if (pinned && flaw == Flaw.MOVES_PINNED_SILENTLY) {
                ex.switchMemory(true, false);
                publish(buffer, r);
                return;
            }
            if (pinned && flaw != Flaw.MOVES_WHILE_PINNED) {
                return;
            }
            if (flaw != Flaw.MOVES_WITHOUT_NOTIFY) {
                buffer.invalidateMappings();
            }
            ex.switchMemory(flaw != Flaw.LOSES_DATA_ON_MOVE, flaw != Flaw.MOVES_WITHOUT_NOTIFY);
            if (flaw == Flaw.UNMAPPABLE_AFTER_MOVE) {
                ex.unmappable = true;
            }
            if (flaw != Flaw.NO_MOVE_FENCE) {
                publish(buffer, r);
            }
        } finally {
            r.unlock();
            java.util.concurrent.atomic.AtomicLong returned = moveReturned.get(buffer);
            if (returned != null) {
                returned.set(System.nanoTime());
            }
        }
    }

    /** SIGNALS_UNDER_LOCK: when the last move of a buffer returned (0 while one runs). */
    private final Map<ExportedBuffer, java.util.concurrent.atomic.AtomicLong> moveReturned = new ConcurrentHashMap<>();

    private void publish(ExportedBuffer buffer, Reservation r) {
        SignalingFence f = fenceFor(buffer);
        r.reserveFences(1);
        r.addFence(f, FenceUsage.KERNEL);
        switch (flaw) {
            case HUNG_FENCE -> {
                // never signaled
            }
            case ERROR_AFTER_SIGNAL -> {
                f.signal();
                f.setError(new IllegalStateException("the copy failed"));
            }
            case SIGNALS_UNDER_LOCK -> {
                // the copy engine reports completion within 50 ms of the move; the completion handler takes the
                // reservation lock to update the buffer's bookkeeping, then signals: it waits for any holder
                java.util.concurrent.atomic.AtomicLong returned = moveReturned.computeIfAbsent(buffer,
                        b -> new java.util.concurrent.atomic.AtomicLong());
                returned.set(0);
                Thread t = new Thread(() -> {
                    while (true) {
                        long at = returned.get();
                        if (at != 0 && (r.isLocked() || System.nanoTime() - at > 50_000_000L)) {
                            break;
                        }
                        Thread.onSpinWait();
                    }
                    r.lock();
                    try {
                        f.signal();
                    } finally {
                        r.unlock();
                    }
                }, "broken-signaler");
                t.setDaemon(true);
                t.start();
            }
            default -> f.signal();
        }
    }

    private SignalingFence fenceFor(ExportedBuffer buffer) {
        return contexts.get(buffer).next();
    }

    @Override
    public void revoke(ExportedBuffer buffer, Duration timeout) {
        if (flaw != Flaw.REVOKES_BY_INVALIDATING) {
            buffer.revoke(timeout);
            return;
        }
        Reservation r = buffer.reservation();
        r.lock();
        try {
            buffer.invalidateMappings();
        } finally {
            r.unlock();
        }
    }
}
