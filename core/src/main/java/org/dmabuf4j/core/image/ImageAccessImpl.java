package org.dmabuf4j.core.image;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dmabuf4j.api.Access;
import org.dmabuf4j.api.ClosedException;
import org.dmabuf4j.api.Confinement;
import org.dmabuf4j.api.CpuAccess;
import org.dmabuf4j.api.Region;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAccess;

/** The per-plane windows of one image access (FMT-9): opened all or none, closed all. */
final class ImageAccessImpl implements ImageAccess {
    private final ImageImpl image;
    private final Access access;
    private final Region region;
    private final List<PlaneWindow> planes;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private ImageAccessImpl(ImageImpl image, Access access, Region region, List<PlaneWindow> planes) {
        this.image = image;
        this.access = access;
        this.region = region;
        this.planes = planes;
    }

    static ImageAccessImpl open(ImageImpl image, Access access, Region region, Confinement confinement) {
        List<PlaneWindow> windows = new ArrayList<>(image.planes.size());
        try {
            for (PlaneLayout p : image.planes) {
                windows.add(PlaneWindow.open(image, p, p.samples(region), access, confinement));
            }
        } catch (RuntimeException | Error e) {
            Closing.undo(windows, PlaneWindow::close, e); // all or nothing: the planes opened so far are closed again
            throw e;
        }
        return new ImageAccessImpl(image, access, region, List.copyOf(windows));
    }

    @Override
    public Image image() {
        return image;
    }

    @Override
    public Access access() {
        return access;
    }

    @Override
    public Region region() {
        return region;
    }

    @Override
    public int planeCount() {
        return planes.size();
    }

    @Override
    public CpuAccess plane(int plane) {
        checkOpen("plane(" + plane + ")");
        if (plane < 0 || plane >= planes.size()) {
            throw new RuleViolationException(Rule.CPU_3, "plane(" + plane + ") of a CPU access to image " + image
                    + ", which has " + planes.size() + " colour plane(s)");
        }
        return planes.get(plane);
    }

    @Override
    public List<CpuAccess> planes() {
        checkOpen("planes()");
        return List.copyOf(planes);
    }

    /** CPU-4: a closed access hands out no window (every one of them is closed), as a closed window hands out no view. */
    private void checkOpen(String what) {
        if (!open.get()) {
            throw new ClosedException(Rule.CPU_4, what + " of a closed CPU access to image " + image
                    + ": its plane windows are closed; begin a new access with image.beginCpuAccess(...)");
        }
    }

    @Override
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void close() {
        if (!open.get()) {
            return;
        }
        // the checks of every plane first, so that a refused close leaves every plane open (a failed call changes
        // nothing)
        for (PlaneWindow w : planes) {
            w.checkClosable();
        }
        if (!open.compareAndSet(true, false)) {
            return;
        }
        Closing.rethrow(Closing.all(planes, PlaneWindow::close, null));
    }

    @Override
    public String toString() {
        return access + " access to " + region + " of image " + image + (isOpen() ? "" : " (closed)");
    }
}
