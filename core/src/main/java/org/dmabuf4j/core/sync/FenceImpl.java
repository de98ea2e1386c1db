package org.dmabuf4j.core.sync;

import org.dmabuf4j.api.SignalingFence;

/** A leaf fence and its issuer's side: what {@link FenceContextImpl#next()} and timelines create. */
final class FenceImpl extends BaseFence implements SignalingFence {
    /** A pending fence. */
    FenceImpl(FenceContextImpl context, long seqno) {
        super(context, seqno);
    }

    /** A fence created signaled at {@code timestampNanos}. */
    FenceImpl(FenceContextImpl context, long seqno, long timestampNanos) {
        super(context, seqno, timestampNanos);
    }

    /** The shared stub, signaled when first asked for. */
    private static final class Stub {
        static final FenceImpl INSTANCE = new FenceImpl(FenceContextImpl.STUB, 0, System.nanoTime());
    }

    /**
     * The shared signaled stub (context 0).
     *
     * @return the stub
     */
    static FenceImpl stub() {
        return Stub.INSTANCE;
    }

    /**
     * A new signaled stub carrying {@code timestampNanos}, as merge returns when nothing is left pending.
     *
     * @param timestampNanos the timestamp
     * @return a new stub
     */
    static FenceImpl privateStub(long timestampNanos) {
        return new FenceImpl(FenceContextImpl.STUB, 0, timestampNanos);
    }

    @Override
    public boolean signal() {
        return signalWith(null);
    }

    @Override
    public void setError(Throwable error) {
        storeError(error);
    }

    @Override
    public boolean fail(Throwable error) {
        if (error == null) {
            storeError(null); // throws the FENCE-3 null message
        }
        return signalWith(error);
    }
}
