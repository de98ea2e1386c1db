package org.dmabuf4j.testkit.meta;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.Attachment;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.Exporter;
import org.dmabuf4j.api.SgEntry;
import org.dmabuf4j.api.Span;

/** Wraps a correct exporter and breaks one callback, as the flaw says; every other callback delegates. */
final class BrokenExporter implements Exporter {
    private final MovableExporter inner;
    private final Flaw flaw;
    /** What map returned → what the inner exporter returned, for unmap. */
    private final Map<List<SgEntry>, List<SgEntry>> original = new HashMap<>();
    /** SAME_ENTRIES_TWICE: the entries handed out per attachment, with a use count. */
    private final Map<Attachment, List<SgEntry>> cached = new IdentityHashMap<>();
    private final Map<List<SgEntry>, Integer> users = new HashMap<>();

    BrokenExporter(MovableExporter inner, Flaw flaw) {
        this.inner = inner;
        this.flaw = flaw;
    }

    @Override
    public boolean isDynamic() {
        return flaw != Flaw.NOT_DECLARED_DYNAMIC && inner.isDynamic();
    }

    @Override
    public void attach(Attachment attachment) {
        inner.attach(attachment);
    }

    @Override
    public void detach(Attachment attachment) {
        inner.detach(attachment);
    }

    @Override
    public void pin(Attachment attachment) {
        inner.pin(attachment);
    }

    @Override
    public void unpin(Attachment attachment) {
        inner.unpin(attachment);
    }

    @Override
    public synchronized List<SgEntry> map(Attachment attachment, Direction direction) {
        if (flaw == Flaw.SAME_ENTRIES_TWICE) {
            List<SgEntry> c = cached.get(attachment);
            if (c != null && users.getOrDefault(c, 0) > 0) {
                users.merge(c, 1, Integer::sum);
                return c;
            }
        }
        List<SgEntry> entries = inner.map(attachment, direction);
        List<SgEntry> out = switch (flaw) {
            case SHORT_MAPPING -> entries.size() > 1 ? List.copyOf(entries.subList(0, entries.size() - 1))
                    : List.of(entries.getFirst(), entries.getFirst());
            case UNALIGNED -> entries.stream().map(e -> new SgEntry(e.dmaAddress() + 1, e.length(), e.cpu()))
                    .toList();
            case MERGED_SEGMENTS -> merge(entries);
            case NO_PAGES_FOR_ANYONE -> entries.stream().map(e -> SgEntry.withoutPage(e.dmaAddress(), e.length()))
                    .toList();
            default -> entries;
        };
        original.put(out, entries);
        if (flaw == Flaw.SAME_ENTRIES_TWICE) {
            cached.put(attachment, out);
            users.put(out, 1);
        }
        return out;
    }

    private static List<SgEntry> merge(List<SgEntry> entries) {
        List<SgEntry> out = new ArrayList<>();
        SgEntry run = null;
        for (SgEntry e : entries) {
            if (run != null && run.dmaAddress() + run.length() == e.dmaAddress() && run.hasCpuPage()
                    && e.hasCpuPage() && run.cpuSegment().address() + run.length() == e.cpuSegment().address()) {
                long len = run.length() + e.length();
                run = new SgEntry(run.dmaAddress(), len,
                        Optional.of(MemorySegment.ofAddress(run.cpuSegment().address()).reinterpret(len)));
            } else {
                if (run != null) {
                    out.add(run);
                }
                run = e;
            }
        }
        out.add(run);
        return out;
    }

    @Override
    public synchronized void unmap(Attachment attachment, List<SgEntry> entries, Direction direction) {
        if (flaw == Flaw.SAME_ENTRIES_TWICE) {
            int n = users.merge(entries, -1, Integer::sum);
            if (n > 0) {
                return;
            }
            users.remove(entries);
            cached.remove(attachment, entries);
        }
        if (flaw == Flaw.LEAKS_TRANSLATIONS) {
            return;
        }
        List<SgEntry> inner0 = original.remove(entries);
        inner.unmap(attachment, inner0 == null ? entries : inner0, direction);
    }

    @Override
    public void release() {
        inner.release();
    }

    @Override
    public MemorySegment beginCpuAccess(Access access, List<Span> spans) {
        return inner.beginCpuAccess(access, spans);
    }

    @Override
    public void endCpuAccess(Access access, List<Span> spans, MemorySegment view) {
        inner.endCpuAccess(access, spans, view);
    }
}
