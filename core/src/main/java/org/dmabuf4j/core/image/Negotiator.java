package org.dmabuf4j.core.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dmabuf4j.api.Device;
import org.dmabuf4j.api.Direction;
import org.dmabuf4j.api.DmaBufException;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.image.DrmFormat;
import org.dmabuf4j.api.image.Fallback;
import org.dmabuf4j.api.image.FormatModifier;
import org.dmabuf4j.api.image.FormatModifierPair;
import org.dmabuf4j.api.image.Image;
import org.dmabuf4j.api.image.ImageAttachment;
import org.dmabuf4j.api.image.ImageMapping;
import org.dmabuf4j.api.image.ImageRequest;
import org.dmabuf4j.api.image.ImageTarget;
import org.dmabuf4j.api.image.ImageUsage;
import org.dmabuf4j.api.image.NegotiationFailedException;
import org.dmabuf4j.api.image.NegotiationRequest;
import org.dmabuf4j.api.image.NegotiationResult;
import org.dmabuf4j.api.image.Route;
import org.dmabuf4j.api.image.Tranche;
import org.dmabuf4j.core.SimulatedDevice;

/**
 * One negotiation (NEG-5): the consumer's tranches in order, the modifiers each shares with the producer in the
 * tranche's order, each allocated for real for both devices; then the copy routes. Every candidate given up is
 * recorded with the rule that stopped it.
 */
final class Negotiator {
    private final ImageAllocatorImpl allocator;
    private final NegotiationRequest request;
    private final DrmFormat format;
    private final List<Fallback> fallbacks = new ArrayList<>();

    Negotiator(ImageAllocatorImpl allocator, NegotiationRequest request) {
        this.allocator = allocator;
        this.request = request;
        this.format = request.format();
    }

    NegotiatedImagesImpl run() {
        allocator.stats.negotiations.increment();
        Tranche producer = request.producer();
        if (producer.formats().modifiers(format).isEmpty()) {
            fallbacks.add(new Fallback(Rule.NEG_1, "producer " + describe(producer), "it renders no " + format
                    + " at all (it renders " + producer.formats() + ")"));
            throw failed("the producer cannot render " + format);
        }
        for (int i = 0; i < request.consumer().size(); i++) {
            Tranche t = request.consumer().get(i);
            String tranche = "tranche " + i + " (" + describe(t) + ")";
            List<FormatModifier> common = t.formats().intersect(producer.formats()).modifiers(format);
            if (common.isEmpty()) {
                fallback(new Fallback(Rule.NEG_1, tranche, "no modifier of " + format + " in common: the producer"
                        + " renders " + producer.formats().modifiers(format) + ", the tranche takes "
                        + t.formats().modifiers(format) + implicitHint(producer, t)));
                continue;
            }
            for (FormatModifier m : common) {
                ImageRequest r = new ImageRequest(format, request.width(), request.height(), List.of(m),
                        List.of(new ImageTarget(producer.device(), producer.usage()),
                                new ImageTarget(t.device(), t.usage())), request.constraints(), false);
                Image image = attempt(tranche, r, m);
                if (image != null) {
                    FormatModifierPair pair = new FormatModifierPair(format, m);
                    Route route = m.isLinear() && !fallbacks.isEmpty() ? Route.LINEAR : Route.DIRECT;
                    return new NegotiatedImagesImpl(allocator, new NegotiationResult(route, pair, pair, i,
                            Optional.empty(), fallbacks), image, image, null, null, null);
                }
            }
        }
        return copyRoute();
    }

    /** The LINEAR versus INVALID confusion, named when it is why a tranche failed (NEG-1). */
    private String implicitHint(Tranche a, Tranche b) {
        boolean aImplicit = a.formats().contains(format, FormatModifier.INVALID);
        boolean bImplicit = b.formats().contains(format, FormatModifier.INVALID);
        boolean aLinear = a.formats().contains(format, FormatModifier.LINEAR);
        boolean bLinear = b.formats().contains(format, FormatModifier.LINEAR);
        return (aImplicit && bLinear) || (bImplicit && aLinear) ? " (INVALID, \"no modifier\", meets only INVALID:"
                + " it never matches LINEAR)" : "";
    }

    /** Allocates one candidate for real; null with the reasons recorded. */
    private Image attempt(String where, ImageRequest r, FormatModifier m) {
        List<Fallback> refused = new ArrayList<>();
        Image image = allocator.tryAllocate(r, m, refused);
        for (Fallback f : refused) {
            fallback(new Fallback(f.rule(), where + ": " + f.attempt(), f.reason()));
        }
        return image;
    }

    private void fallback(Fallback f) {
        fallbacks.add(f);
        allocator.stats.fallbacks.increment();
    }

    /** No shared layout: a producer image, a consumer image, and a blitter or the CPU between them. */
    private NegotiatedImagesImpl copyRoute() {
        Tranche producer = request.producer();
        Image source = null;
        for (FormatModifier m : producer.formats().modifiers(format)) {
            source = attempt("producer image (" + describe(producer) + ")", request(m, producer), m);
            if (source != null) {
                break;
            }
        }
        if (source == null) {
            throw failed("the producer's own image could not be allocated");
        }
        Image target = null;
        int tranche = -1;
        for (int i = 0; i < request.consumer().size() && target == null; i++) {
            Tranche t = request.consumer().get(i);
            for (FormatModifier m : t.formats().modifiers(format)) {
                target = attempt("consumer image, tranche " + i + " (" + describe(t) + ")", request(m, t), m);
                if (target != null) {
                    tranche = i;
                    break;
                }
            }
        }
        if (target == null) {
            source.close();
            throw failed("no consumer tranche could allocate an image of its own");
        }
        FormatModifierPair from = source.descriptor().pair();
        FormatModifierPair to = target.descriptor().pair();
        for (Device d : request.blitters()) {
            NegotiatedImagesImpl blit = tryBlit(d, source, target, from, to, tranche);
            if (blit != null) {
                return blit;
            }
        }
        if (request.blitters().isEmpty()) {
            fallback(new Fallback(Rule.NEG_6, "device blit", "no blitter was offered"));
        }
        return new NegotiatedImagesImpl(allocator, new NegotiationResult(Route.CPU_COPY, from, to, tranche,
                Optional.empty(), fallbacks), source, target, null, null, null);
    }

    private ImageRequest request(FormatModifier m, Tranche t) {
        return new ImageRequest(format, request.width(), request.height(), List.of(m),
                List.of(new ImageTarget(t.device(), t.usage())), request.constraints(), false);
    }

    private NegotiatedImagesImpl tryBlit(Device d, Image source, Image target, FormatModifierPair from,
            FormatModifierPair to, int tranche) {
        String where = "device blit on '" + d.name() + "'";
        if (!(d instanceof SimulatedDevice sim)) {
            fallback(new Fallback(Rule.NEG_3, where, "not a simulated device"));
            return null;
        }
        if (!sim.formats(ImageUsage.SAMPLE).contains(from) || !sim.formats(ImageUsage.RENDER).contains(to)) {
            fallback(new Fallback(Rule.NEG_3, where, "it " + (sim.formats(ImageUsage.SAMPLE).contains(from)
                    ? "does not render " + to : "does not sample " + from)));
            return null;
        }
        ImageAttachment in = null;
        ImageAttachment out = null;
        try {
            in = source.attach(sim, ImageUsage.SAMPLE);
            out = target.attach(sim, ImageUsage.RENDER);
            ImageMapping src = in.mapUnlocked(Direction.TO_DEVICE);
            // a compressed destination's metadata is read back by the engine (FMT-10)
            ImageMapping dst = out.mapUnlocked(target.layoutModifier().hasMetadataPlanes() ? Direction.BIDIRECTIONAL
                    : Direction.FROM_DEVICE);
            return new NegotiatedImagesImpl(allocator, new NegotiationResult(Route.DEVICE_BLIT, from, to, tranche,
                    Optional.of(sim.name()), fallbacks), source, target, sim, src, dst);
        } catch (DmaBufException e) {
            for (ImageAttachment a : new ImageAttachment[] {out, in}) {
                if (a != null) {
                    a.close();
                }
            }
            fallback(new Fallback(e.rule(), where, e.getMessage()));
            return null;
        }
    }

    private NegotiationFailedException failed(String why) {
        return new NegotiationFailedException(Rule.NEG_5, "negotiation of " + format + " " + request.width() + "x"
                + request.height() + " between " + describe(request.producer()) + " and " + request.consumer().size()
                + " consumer tranche(s) failed: " + why + "; nothing was allocated. Candidates:", fallbacks);
    }

    private static String describe(Tranche t) {
        return t.usage() + " on '" + t.device().name() + "'";
    }
}
