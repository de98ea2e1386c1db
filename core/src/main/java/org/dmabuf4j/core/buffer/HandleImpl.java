package org.dmabuf4j.core.buffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.BufferLayout;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Confinement;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Reservation;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.SyncFile;
import org.dmabuf4j.api.VMapping;
import org.dmabuf4j.core.debug.Leaks;

/**
 * A handle to a buffer (a file descriptor of a dma-buf). Open handles hold a reference; {@link #close()} drops it
 * once. A handle that becomes unreachable while open is closed by the garbage collector and reported (BUF-8).
 *
 * <p>The view returned by {@link Attachment#buffer()} is a borrowed handle: it holds no reference, is open while its
 * attachment is attached, and its close does nothing.
 */
final class HandleImpl implements DmaBuf {
    final BufferCore core;
    private final State state;
    private final Cleaner.Cleanable cleanable;
    private final AttachmentImpl borrowedFrom;

    /** What the cleaner needs: never the handle itself. */
    private static final class State implements Runnable {
        private static final VarHandle OPEN;

        static {
            try {
                OPEN = MethodHandles.lookup().findVarHandle(State.class, "open", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final BufferCore core;
        /** Through {@link #OPEN}: a field, not an AtomicBoolean per handle (issue 15's footprint). */
        private volatile boolean open = true;
        final Throwable site;

        State(BufferCore core, Throwable site) {
            this.core = core;
            this.site = site;
        }

        boolean isOpen() {
            return open;
        }

        /** Closes once: true for the one caller that closed it. */
        boolean close() {
            return OPEN.compareAndSet(this, true, false);
        }

        @Override
        public void run() {
            if (close()) {
                if (core.released) {
                    return; // released by its system's close, which reported it: the handle holds nothing
                }
                String report = Leaks.report("a handle of " + core.describe(), site);
                core.handleClosed();
                core.drop();
                // reported once the handle is closed, so whoever reads the report sees the buffer released
                core.system.leaked(report);
            }
        }
    }

    /** A new owning handle; the caller has taken its reference. */
    HandleImpl(BufferCore core) {
        this.core = core;
        this.state = new State(core, core.system.leakDetection() ? Leaks.site("a handle of buffer #" + core.id) : null);
        this.cleanable = Leaks.register(this, state);
        this.borrowedFrom = null;
    }

    /** A borrowed view for an attachment. */
    HandleImpl(BufferCore core, AttachmentImpl attachment) {
        this.core = core;
        this.state = null;
        this.cleanable = null;
        this.borrowedFrom = attachment;
    }

    private void checkOpen(String what) {
        if (!isOpen()) {
            throw new ClosedException(Rule.BUF_3, what + " on a closed handle of " + core.describe()
                    + (borrowedFrom != null ? " (the view of a detached attachment)" : "")
                    + ": use another open handle, or share() one before closing it");
        }
    }

    @Override
    public long id() {
        return core.id;
    }

    @Override
    public long size() {
        return core.size;
    }

    @Override
    public String name() {
        checkOpen("name()");
        return core.name();
    }

    @Override
    public void setName(String name) {
        checkOpen("setName()");
        core.setName(name);
    }

    @Override
    public String exporterName() {
        return core.exporterName;
    }

    @Override
    public Optional<BufferLayout> layout() {
        return core.layout;
    }

    @Override
    public Reservation reservation() {
        checkOpen("reservation()");
        return core.reservation;
    }

    @Override
    public DmaBuf share() {
        checkOpen("share()");
        core.checkLockNotHeld(Rule.BUF_9, "share()");
        core.acquire();
        core.handleOpened();
        return new HandleImpl(core);
    }

    @Override
    public boolean isOpen() {
        if (borrowedFrom != null) {
            return borrowedFrom.isAttached();
        }
        return state.isOpen() && !core.released;
    }

    @Override
    public boolean isRevoked() {
        return core.revoked;
    }

    @Override
    public Attachment attach(Device device) {
        checkOpen("attach()");
        return UserAttachment.of(AttachmentImpl.attach(core, device, null));
    }

    @Override
    public Attachment attach(Device device, Importer importer) {
        checkOpen("attach()");
        if (importer == null) {
            throw new RuleViolationException(Rule.ATT_3, "dynamic attach of " + core.describe()
                    + " with a null importer: pass an Importer whose moveNotify drops the mappings, or call"
                    + " attach(device) for a static (pinned) attachment");
        }
        return UserAttachment.of(AttachmentImpl.attach(core, device, importer));
    }

    @Override
    public CpuAccess beginCpuAccess(Access access, Region region, Confinement confinement) {
        checkOpen("beginCpuAccess()");
        return CpuWindow.begin(this, access, region, confinement);
    }

    @Override
    public VMapping vmap() {
        checkOpen("vmap()");
        return VMappingImpl.vmap(core);
    }

    @Override
    public SyncFile exportSyncFile(Access access) {
        checkOpen("exportSyncFile()");
        checkAccess(access, Rule.SYNC_5, "exportSyncFile");
        core.checkLockNotHeld(Rule.SYNC_5, "exportSyncFile()");
        Fence fence = core.reservation.singleton(access.waitUsage()).orElseGet(() -> core.system.fences().signaled());
        return core.system.fences().syncFile(fence, null);
    }

    @Override
    public void importSyncFile(SyncFile syncFile, Access access) {
        checkOpen("importSyncFile()");
        if (syncFile == null) {
            throw new RuleViolationException(Rule.SYNC_6, "importSyncFile(null) on " + core.describe());
        }
        checkAccess(access, Rule.SYNC_6, "importSyncFile");
        core.checkLockNotHeld(Rule.SYNC_6, "importSyncFile()");
        List<Fence> leaves = new ArrayList<>();
        for (Fence f : core.system.fences().unwrap(syncFile.fence())) {
            if (!f.isSignaled()) {
                leaves.add(f);
            }
        }
        if (leaves.isEmpty()) {
            return;
        }
        core.reservation.lock();
        try {
            core.reservation.reserveFences(leaves.size());
            for (Fence f : leaves) {
                core.reservation.addFence(f, access.importUsage());
            }
        } finally {
            core.reservation.unlock();
        }
    }

    @Override
    public boolean isReady(Access access) {
        checkOpen("isReady()");
        checkAccess(access, Rule.SYNC_4, "isReady");
        return core.reservation.isSignaled(access.waitUsage());
    }

    @Override
    public CompletableFuture<Void> whenReady(Access access) {
        checkOpen("whenReady()");
        checkAccess(access, Rule.SYNC_4, "whenReady");
        return core.reservation.whenSignaled(access.waitUsage());
    }

    @Override
    public boolean awaitReady(Access access, Duration timeout) {
        checkOpen("awaitReady()");
        checkAccess(access, Rule.SYNC_4, "awaitReady");
        if (timeout == null || timeout.isNegative()) {
            throw new RuleViolationException(Rule.RESV_14, "awaitReady on " + core.describe() + " with timeout "
                    + timeout + ": pass zero to poll or a positive duration");
        }
        return core.reservation.await(access.waitUsage(), timeout);
    }

    private void checkAccess(Access access, Rule rule, String what) {
        if (access == null) {
            throw new RuleViolationException(rule, what + " on " + core.describe()
                    + " with a null access: pass READ, WRITE or READ_WRITE");
        }
    }

    @Override
    public void close() {
        if (borrowedFrom != null || !state.isOpen()) {
            return;
        }
        core.checkLockNotHeld(Rule.BUF_9, "close()");
        if (state.close()) {
            cleanable.clean();
            core.handleClosed();
            core.drop();
        }
    }

    @Override
    public String toString() {
        return "handle of " + core.describe() + (isOpen() ? "" : " (closed)");
    }
}
