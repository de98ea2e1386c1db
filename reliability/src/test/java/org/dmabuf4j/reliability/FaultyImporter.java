package org.dmabuf4j.reliability;

import java.util.concurrent.atomic.AtomicInteger;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Importer;
import org.dmabuf4j.api.Mapping;

/**
 * A dynamic importer that behaves as MOVE-7 and REV-5 ask (on a notification it drops and unmaps its mapping, with
 * the lock the caller holds) except for the fault its {@link Injector} injects, which comes before it does anything.
 */
final class FaultyImporter implements Importer {
    private final Injector inj;
    private final boolean peerToPeer;
    final AtomicInteger notifications = new AtomicInteger();
    volatile Mapping current;

    FaultyImporter(Injector inj, boolean peerToPeer) {
        this.inj = inj;
        this.peerToPeer = peerToPeer;
    }

    @Override
    public void moveNotify(Attachment attachment) {
        inj.at(FaultPoint.MOVE_NOTIFY);
        notifications.incrementAndGet();
        Mapping m = current;
        if (m != null) {
            attachment.unmap(m);
            current = null;
        }
    }

    @Override
    public boolean allowPeerToPeer() {
        inj.at(FaultPoint.ALLOW_P2P);
        return peerToPeer;
    }
}
