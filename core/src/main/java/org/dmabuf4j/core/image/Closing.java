package org.dmabuf4j.core.image;

import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Closing the several parts of one image object (its buffers, per-buffer attachments, mappings, plane windows): every
 * part is tried whatever the others do, and one exception comes out.
 *
 * <ul>
 *   <li>{@link #all}: a close that goes through every part; the first failure is kept and the later ones are
 *       suppressed in it, so the caller throws one exception after everything was tried;</li>
 *   <li>{@link #undo}: the parts a failed call had already made are given back; their failures are suppressed in the
 *       call's own exception, which stays the one thrown (all or nothing).</li>
 * </ul>
 */
final class Closing {
    private Closing() {
    }

    /**
     * Closes every part, in order.
     *
     * @param <T> the parts' type
     * @param parts the parts (a snapshot is iterated where closing removes them)
     * @param close how one is closed
     * @param failure the failure so far (of earlier parts), or null
     * @return the first failure (the given one if not null), the later ones suppressed in it; null if none
     */
    static <T> RuntimeException all(Iterable<? extends T> parts, Consumer<? super T> close,
            RuntimeException failure) {
        // by iterator, not index: closing a part may remove it from a copy-on-write list (a mapping from its
        // attachment's), whose iterator keeps the snapshot
        RuntimeException first = failure;
        for (T part : parts) {
            first = attempt(() -> close.accept(part), first);
        }
        return first;
    }

    /**
     * Closes parts {@code 0 .. n-1}, in order: for parts held in parallel lists.
     *
     * @param n how many
     * @param close how part {@code i} is closed
     * @param failure the failure so far, or null
     * @return as {@link #all}
     */
    static RuntimeException allIndexed(int n, IntConsumer close, RuntimeException failure) {
        RuntimeException first = failure;
        for (int i = 0; i < n; i++) {
            int part = i;
            first = attempt(() -> close.accept(part), first);
        }
        return first;
    }

    private static RuntimeException attempt(Runnable close, RuntimeException failure) {
        try {
            close.run();
            return failure;
        } catch (RuntimeException e) {
            if (failure == null) {
                return e;
            }
            failure.addSuppressed(e);
            return failure;
        }
    }

    /**
     * Throws {@code failure} if there is one.
     *
     * @param failure from {@link #all}, or null
     */
    static void rethrow(RuntimeException failure) {
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Gives back what a failed call had made, its failures suppressed in the call's exception.
     *
     * @param <T> the parts' type
     * @param parts the parts made so far
     * @param close how one is given back
     * @param cause the call's exception, thrown by the caller after this
     */
    static <T> void undo(Iterable<? extends T> parts, Consumer<? super T> close, Throwable cause) {
        for (T part : parts) {
            try {
                close.accept(part);
            } catch (RuntimeException suppressed) {
                cause.addSuppressed(suppressed);
            }
        }
    }

    /**
     * Gives back parts {@code 0 .. n-1} of a failed call, their failures suppressed in its exception.
     *
     * @param n how many
     * @param close how part {@code i} is given back
     * @param cause the call's exception
     */
    static void undoIndexed(int n, IntConsumer close, Throwable cause) {
        for (int i = 0; i < n; i++) {
            try {
                close.accept(i);
            } catch (RuntimeException suppressed) {
                cause.addSuppressed(suppressed);
            }
        }
    }
}
