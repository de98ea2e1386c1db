package org.dmabuf4j.core.buffer;

import java.util.function.Supplier;
import org.dmabuf4j.core.sync.ReservationImpl;

/** The one place buffers get their reservation from. */
final class Reservations {
    private Reservations() {
    }

    static ReservationImpl create(Supplier<String> owner) {
        return new ReservationImpl(owner);
    }
}
