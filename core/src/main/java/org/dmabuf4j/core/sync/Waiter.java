package org.dmabuf4j.core.sync;

import java.util.concurrent.locks.LockSupport;

import org.dmabuf4j.api.Fence;
import org.dmabuf4j.api.FenceCallback;

/**
 * A parked thread waiting for one or more fences: a callback that unparks it. One per blocking wait, never shared
 * between threads; it may sit on several fences at once (wait-for-any).
 */
final class Waiter implements FenceCallback {
    private final Thread thread;

    Waiter(Thread thread) {
        this.thread = thread;
    }

    @Override
    public void onSignaled(Fence fence) {
        LockSupport.unpark(thread);
    }
}
