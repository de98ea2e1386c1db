package org.dmabuf4j.testkit.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Rule;

/** The kit's dynamic importer: counts notifications, checks their lock state and runs a per-test hook. */
public final class RecordingImporter implements Importer {
    private final Recorder recorder;
    private final boolean peerToPeer;
    private final AtomicInteger notifications = new AtomicInteger();
    private volatile Consumer<Attachment> onNotify = a -> { };

    /**
     * A new importer.
     *
     * @param recorder where violations go
     * @param peerToPeer whether it allows memory without CPU pages
     */
    public RecordingImporter(Recorder recorder, boolean peerToPeer) {
        this.recorder = recorder;
        this.peerToPeer = peerToPeer;
    }

    /**
     * Sets what to do on each notification (runs with the lock held by the notifying thread).
     *
     * @param hook the hook
     * @return this
     */
    public RecordingImporter onNotify(Consumer<Attachment> hook) {
        this.onNotify = hook;
        return this;
    }

    /**
     * The number of notifications so far.
     *
     * @return the count
     */
    public int notifications() {
        return notifications.get();
    }

    @Override
    public void moveNotify(Attachment attachment) {
        notifications.incrementAndGet();
        if (!attachment.buffer().reservation().isHeldByCurrentThread()) {
            recorder.violation(Rule.MOVE_3, "moveNotify for device '" + attachment.device().name() + "' (buffer #"
                    + attachment.buffer().id() + ") ran without the reservation lock held by the notifying thread",
                    "that the exporter holds the lock around ExportedBuffer.invalidateMappings()");
        }
        onNotify.accept(attachment);
    }

    @Override
    public boolean allowPeerToPeer() {
        return peerToPeer;
    }
}
