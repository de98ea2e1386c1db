package org.dmabuf4j.api.image;

import java.util.List;

/** Null checks of lists that work on immutable lists too (whose {@code contains(null)} throws). */
final class Lists {
    private Lists() {
    }

    static boolean hasNull(List<?> list) {
        for (Object o : list) {
            if (o == null) {
                return true;
            }
        }
        return false;
    }
}
