package org.dmabuf4j.reliability;

import java.util.ArrayList;
import java.util.List;
import org.dmabuf4j.core.Counters;
import org.dmabuf4j.core.SimulatedDevice;
import org.dmabuf4j.core.SimulatedSystem;
import org.dmabuf4j.core.buffer.SystemImpl;

/**
 * What the reliability suites check after every case: the leftovers of core's own test fixture (live buffers, live
 * native bytes, held reservation locks, IOMMU translations, open ownership claims, leak reports), collected as a list
 * of problems instead of failing at the first, and a state fingerprint for "a failed call changes nothing".
 */
final class Consistency {
    private Consistency() {
    }

    /**
     * Everything a system still holds once every handle, attachment, window and lock of the case is gone.
     *
     * @param sys the system
     * @return one line per leftover; empty if clean
     */
    static List<String> leftovers(SimulatedSystem sys) {
        List<String> out = new ArrayList<>();
        if (!sys.liveBufferIds().isEmpty()) {
            out.add("live buffers " + sys.liveBufferIds() + ":\n" + sys.describeBuffers());
        }
        if (sys.liveNativeBytes() != 0) {
            out.add("live native bytes " + sys.liveNativeBytes());
        }
        SystemImpl impl = (SystemImpl) sys;
        if (!impl.heldReservations().isEmpty()) {
            out.add("reservation locks still held: " + impl.heldReservations().size());
        }
        for (SimulatedDevice d : sys.devices()) {
            if (d.liveTranslations() != 0) {
                out.add("IOMMU translations left on " + d.name() + ": " + d.liveTranslations());
            }
        }
        if (impl.openOwnershipClaims() != 0) {
            out.add("open ownership claims: " + impl.openOwnershipClaims());
        }
        if (!sys.leakReports().isEmpty()) {
            out.add("leak reports: " + sys.leakReports());
        }
        return out;
    }

    /**
     * What a failed call must not change: the bufinfo dump, live bytes, translations, held locks, open claims and
     * the counters that count state (not the ones that count attempts, such as ownership violations).
     *
     * @param dump the bufinfo dump
     * @param liveNative live native bytes
     * @param translations IOMMU translations over all devices
     * @param heldLocks reservation locks held
     * @param claims open ownership claims
     * @param state counters of live state and of completed operations
     */
    record Fingerprint(String dump, long liveNative, long translations, int heldLocks, int claims, List<Long> state) {
        /**
         * Takes the fingerprint of a system.
         *
         * @param sys the system
         * @return the fingerprint
         */
        static Fingerprint of(SimulatedSystem sys) {
            long t = 0;
            for (SimulatedDevice d : sys.devices()) {
                t += d.liveTranslations();
            }
            SystemImpl impl = (SystemImpl) sys;
            Counters c = sys.counters();
            return new Fingerprint(sys.describeBuffers(), sys.liveNativeBytes(), t, impl.heldReservations().size(),
                    impl.openOwnershipClaims(), List.of(c.liveBuffers(), c.liveBufferBytes(), c.exports(),
                            c.releases(), c.attaches(), c.maps(), c.unmaps(), c.cpuAccesses()));
        }
    }
}
