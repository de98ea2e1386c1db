package org.dmabuf4j.core;

import static org.dmabuf4j.core.MoveFixtures.KIB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBuf;
import org.dmabuf4j.api.MappingBusyException;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Data integrity: a seeded random sequence of writes and reads through devices (peer-to-peer and not) and CPU windows,
 * interleaved with moves, evictions (allocations under pool pressure), migrations and pins; after every read and at
 * the end, the contents equal a simple model. The seed is printed; replay with {@code -Ddmabuf4j.seed=N}.
 */
@ExtendWith({EngineThreads.class, SystemExtension.class})
class MoveIntegrityTest {
    private static final long SIZE = 64 * KIB;
    private static final int STEPS = 400;

    /** One buffer under test: its model and its importers. */
    private static final class Subject {
        final DmaBuf buf;
        final byte[] model;
        final List<RemappingImporter> importers = new ArrayList<>();
        boolean pinned;

        Subject(DmaBuf buf) {
            this.buf = buf;
            this.model = new byte[(int) buf.size()];
        }
    }

    @Test
    @DisplayName("MOVE-5, MOVE-6, MOVE-8, P2P-2: random device and CPU writes across moves, evictions and migrations"
            + " always leave the contents equal to the model")
    void contentsAlwaysEqualTheModel(SimulatedSystem sys) {
        Random rnd = Seeds.random("MoveIntegrityTest");
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run(sys, rnd));
    }

    private static void run(SimulatedSystem sys, Random rnd) {
        SimulatedDevice gpu = sys.newDevice("gpu").peerToPeer(true).localMemory(4 * SIZE).build();
        SimulatedDevice npu = sys.newDevice("npu").peerToPeer(true).build();
        SimulatedDevice dsp = sys.newDevice("dsp").nonCoherent().build();
        List<SimulatedDevice> devices = List.of(gpu, npu, dsp);
        DeviceMemory vram = gpu.localMemory();
        List<Subject> subjects = new ArrayList<>();
        ArrayDeque<String> trace = new ArrayDeque<>();
        DmaBuf pressure = null;
        try {
            for (int i = 0; i < 3; i++) {
                Subject s = new Subject(vram.allocate(SIZE));
                s.buf.setName("s" + i);
                s.importers.add(RemappingImporter.attach(s.buf, gpu, Direction.BIDIRECTIONAL, true));
                s.importers.add(RemappingImporter.attach(s.buf, npu, Direction.BIDIRECTIONAL, true));
                s.importers.add(RemappingImporter.attach(s.buf, dsp, Direction.BIDIRECTIONAL, false));
                subjects.add(s);
            }
            for (int step = 0; step < STEPS; step++) {
                Subject s = subjects.get(rnd.nextInt(subjects.size()));
                int op = rnd.nextInt(100);
                int off = rnd.nextInt((int) SIZE - 1);
                int len = 1 + rnd.nextInt(Math.min(8192, (int) SIZE - off));
                int who = rnd.nextInt(3);
                String what;
                if (op < 25) {
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    what = "device " + devices.get(who).name() + " writes " + s.buf.name() + " [" + off + "+" + len
                            + ")";
                    record(trace, step, what);
                    if (deviceAccess(s, who, vram, () -> s.importers.get(who).use(m -> {
                        devices.get(who).dmaWrite(m.dmaAddress(off), MemorySegment.ofArray(data));
                        return null;
                    }))) {
                        System.arraycopy(data, 0, s.model, off, len);
                    }
                } else if (op < 45) {
                    what = "device " + devices.get(who).name() + " reads " + s.buf.name() + " [" + off + "+" + len
                            + ")";
                    record(trace, step, what);
                    byte[] out = new byte[len];
                    if (deviceAccess(s, who, vram, () -> s.importers.get(who).use(m -> {
                        devices.get(who).dmaRead(m.dmaAddress(off), MemorySegment.ofArray(out));
                        return null;
                    }))) {
                        check(s, off, out, trace);
                    }
                } else if (op < 60) {
                    byte[] data = new byte[len];
                    rnd.nextBytes(data);
                    record(trace, step, "CPU writes " + s.buf.name() + " [" + off + "+" + len + ")");
                    try (CpuAccess w = s.buf.beginCpuAccess(Access.READ_WRITE, Region.range(off, len))) {
                        MemorySegment.copy(MemorySegment.ofArray(data), 0, w.segment(), 0, len);
                    }
                    System.arraycopy(data, 0, s.model, off, len);
                } else if (op < 72) {
                    record(trace, step, "CPU reads " + s.buf.name() + " [" + off + "+" + len + ")");
                    try (CpuAccess r = s.buf.beginCpuAccess(Access.READ, Region.range(off, len))) {
                        check(s, off, r.segment().toArray(ValueLayout.JAVA_BYTE), trace);
                    }
                } else if (op < 84) {
                    record(trace, step, "move " + s.buf.name() + (s.pinned ? " (pinned: refused)" : ""));
                    if (s.pinned) {
                        RuleViolationException e = assertThrows(RuleViolationException.class, () -> sys.move(s.buf));
                        assertEquals(Rule.MOVE_2, e.rule());
                    } else {
                        sys.move(s.buf);
                    }
                } else if (op < 94) {
                    record(trace, step, pressure == null ? "pressure: allocate" : "pressure: release");
                    if (pressure == null) {
                        pressure = vram.allocate(SIZE * (1 + rnd.nextInt(2)));
                    } else {
                        pressure.close();
                        pressure = null;
                    }
                } else {
                    record(trace, step, (s.pinned ? "unpin " : "pin ") + s.buf.name() + " for npu");
                    s.buf.reservation().lock();
                    try {
                        if (s.pinned) {
                            s.importers.get(1).attachment().unpin();
                        } else {
                            s.importers.get(1).attachment().pin();
                        }
                        s.pinned = !s.pinned;
                    } finally {
                        s.buf.reservation().unlock();
                    }
                }
            }
            for (Subject s : subjects) {
                try (CpuAccess r = s.buf.beginCpuAccess(Access.READ)) {
                    assertArrayEquals(s.model, r.segment().toArray(ValueLayout.JAVA_BYTE),
                            () -> "final contents of " + s.buf.name() + "; last steps:\n" + String.join("\n", trace));
                }
            }
            VramStats.print(vram);
            assertTrue(vram.counters().moves() + vram.counters().evictions() + vram.counters().migrations() > 0);
        } finally {
            if (pressure != null) {
                pressure.close();
            }
            for (Subject s : subjects) {
                if (s.pinned) {
                    MoveFixtures.locked(s.buf, s.importers.get(1).attachment()::unpin);
                }
                for (RemappingImporter imp : s.importers) {
                    imp.close();
                }
                s.buf.close();
            }
        }
    }

    /**
     * Runs a device access; an importer that cannot reach the memory (dsp) while another pins it there is refused
     * (P2P-2), exactly then.
     */
    private static boolean deviceAccess(Subject s, int who, DeviceMemory vram, Runnable access) {
        boolean refusal = who == 2 && s.pinned && vram.isResident(s.buf);
        if (refusal) {
            MappingBusyException e = assertThrows(MappingBusyException.class, access::run);
            assertEquals(Rule.P2P_2, e.rule());
            return false;
        }
        access.run();
        return true;
    }

    private static void check(Subject s, int off, byte[] seen, ArrayDeque<String> trace) {
        byte[] expected = Arrays.copyOfRange(s.model, off, off + seen.length);
        if (!Arrays.equals(expected, seen)) {
            fail("contents of " + s.buf.name() + " at " + off + " differ from the model; last steps:\n"
                    + String.join("\n", trace));
        }
    }

    private static void record(ArrayDeque<String> trace, int step, String what) {
        if (trace.size() == 30) {
            trace.removeFirst();
        }
        trace.addLast(step + ": " + what);
    }

    /** Prints what the run exercised, so a log shows that moves, evictions and migrations happened. */
    private static final class VramStats {
        static void print(DeviceMemory vram) {
            DeviceMemoryCounters c = vram.counters();
            System.out.println("MoveIntegrityTest: " + c.moves() + " moves, " + c.evictions() + " evictions, "
                    + c.migrations() + " migrations, " + c.bytesCopied() + " bytes copied");
        }
    }
}
