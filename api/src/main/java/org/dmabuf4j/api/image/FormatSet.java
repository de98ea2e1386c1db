package org.dmabuf4j.api.image;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.dmabuf4j.api.Rule;
import org.dmabuf4j.api.RuleViolationException;

/**
 * An immutable set of (format, modifier) pairs, in preference order: what a device can sample, render or scan out,
 * what one tranche of a consumer's feedback offers, what a negotiation has left.
 *
 * <p>{@link #intersect} keeps a pair only if both sets have it, in this set's order ({@link Rule#NEG_1 NEG-1}).
 * {@link FormatModifier#INVALID} is a modifier like any other there: a set with only INVALID (a driver without explicit
 * modifiers) and a set with only LINEAR have nothing in common, because implicit and linear are different promises.
 *
 * <pre>
 *   camera renders  {NV12: [SIM_TILED, LINEAR]}
 *   display scans   {NV12: [SIM_TILED_CCS, SIM_TILED], XRGB8888: [SIM_TILED]}
 *   intersection    {NV12: [SIM_TILED]}
 * </pre>
 *
 * @see "Documentation/userspace-api/dma-buf-alloc-exchange.rst: Enumeration, Negotiation; wlr_drm_format_set"
 */
public final class FormatSet {
    /** The empty set. */
    public static final FormatSet EMPTY = new FormatSet(new LinkedHashMap<>());

    private final Map<DrmFormat, List<FormatModifier>> modifiers;

    private FormatSet(LinkedHashMap<DrmFormat, List<FormatModifier>> modifiers) {
        this.modifiers = modifiers;
    }

    /**
     * Builds a set; pairs keep the order they are added in, duplicates are added once.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A set of one format with modifiers, in preference order.
     *
     * @param format the format; not null
     * @param modifiers the modifiers; not null, elements not null
     * @return the set
     * @throws RuleViolationException ({@link Rule#NEG_1 NEG-1}) on a null argument or element
     */
    public static FormatSet of(DrmFormat format, FormatModifier... modifiers) {
        return builder().add(format, modifiers).build();
    }

    /**
     * A set of pairs, in order.
     *
     * @param pairs the pairs; not null, elements not null
     * @return the set
     * @throws RuleViolationException ({@link Rule#NEG_1 NEG-1}) on a null array or element
     */
    public static FormatSet of(FormatModifierPair... pairs) {
        if (pairs == null) {
            throw new RuleViolationException(Rule.NEG_1, "FormatSet.of((FormatModifierPair[]) null)");
        }
        Builder b = builder();
        for (FormatModifierPair p : pairs) {
            if (p == null) {
                throw new RuleViolationException(Rule.NEG_1, "FormatSet.of with a null pair");
            }
            b.add(p.format(), p.modifier());
        }
        return b.build();
    }

    /**
     * Every given format with LINEAR only: what a device supports by default (LINEAR is the universal baseline).
     *
     * @param formats the formats; not null, elements not null
     * @return the set
     * @throws RuleViolationException ({@link Rule#NEG_1 NEG-1}) on a null argument or element
     */
    public static FormatSet linear(Collection<DrmFormat> formats) {
        if (formats == null) {
            throw new RuleViolationException(Rule.NEG_1, "FormatSet.linear(null): pass formats, e.g."
                    + " DrmFormat.catalogue()");
        }
        Builder b = builder();
        for (DrmFormat f : formats) {
            b.add(f, FormatModifier.LINEAR);
        }
        return b.build();
    }

    /**
     * Whether the set has the pair.
     *
     * @param format the format; not null
     * @param modifier the modifier; not null
     * @return true if present
     * @throws RuleViolationException ({@link Rule#NEG_1 NEG-1}) on a null argument
     */
    public boolean contains(DrmFormat format, FormatModifier modifier) {
        if (format == null || modifier == null) {
            throw new RuleViolationException(Rule.NEG_1, "FormatSet.contains with a null "
                    + (format == null ? "format" : "modifier"));
        }
        List<FormatModifier> m = modifiers.get(format);
        return m != null && m.contains(modifier);
    }

    /**
     * Whether the set has the pair.
     *
     * @param pair the pair; not null
     * @return true if present
     * @throws RuleViolationException ({@link Rule#NEG_1 NEG-1}) on a null pair
     */
    public boolean contains(FormatModifierPair pair) {
        if (pair == null) {
            throw new RuleViolationException(Rule.NEG_1, "FormatSet.contains(null)");
        }
        return contains(pair.format(), pair.modifier());
    }

    /**
     * The modifiers of one format, in preference order.
     *
     * @param format the format; not null
     * @return an immutable list, empty if the format is absent
     * @throws RuleViolationException ({@link Rule#NEG_1 NEG-1}) on a null format
     */
    public List<FormatModifier> modifiers(DrmFormat format) {
        if (format == null) {
            throw new RuleViolationException(Rule.NEG_1, "FormatSet.modifiers(null)");
        }
        return modifiers.getOrDefault(format, List.of());
    }

    /**
     * The formats, in the order they were added.
     *
     * @return an immutable list
     */
    public List<DrmFormat> formats() {
        return List.copyOf(modifiers.keySet());
    }

    /**
     * Every pair, format by format.
     *
     * @return an immutable list
     */
    public List<FormatModifierPair> pairs() {
        List<FormatModifierPair> out = new ArrayList<>();
        modifiers.forEach((f, ms) -> ms.forEach(m -> out.add(new FormatModifierPair(f, m))));
        return List.copyOf(out);
    }

    /**
     * The number of pairs.
     *
     * @return the count
     */
    public int size() {
        int n = 0;
        for (List<FormatModifier> m : modifiers.values()) {
            n += m.size();
        }
        return n;
    }

    /**
     * Whether the set has no pair.
     *
     * @return true if empty
     */
    public boolean isEmpty() {
        return modifiers.isEmpty();
    }

    /**
     * The pairs both sets have, in this set's order ({@link Rule#NEG_1 NEG-1}). INVALID meets only INVALID.
     *
     * @param other the other set; not null
     * @return the intersection
     * @throws RuleViolationException ({@link Rule#NEG_1 NEG-1}) if {@code other} is null
     */
    public FormatSet intersect(FormatSet other) {
        if (other == null) {
            throw new RuleViolationException(Rule.NEG_1, "FormatSet.intersect(null): pass a set (FormatSet.EMPTY for"
                    + " none)");
        }
        Builder b = builder();
        modifiers.forEach((f, ms) -> {
            for (FormatModifier m : ms) {
                if (other.contains(f, m)) {
                    b.add(f, m);
                }
            }
        });
        return b.build();
    }

    /**
     * The pairs either set has: this set's first, then the other's new ones.
     *
     * @param other the other set; not null
     * @return the union
     * @throws RuleViolationException ({@link Rule#NEG_1 NEG-1}) if {@code other} is null
     */
    public FormatSet union(FormatSet other) {
        if (other == null) {
            throw new RuleViolationException(Rule.NEG_1, "FormatSet.union(null)");
        }
        Builder b = builder();
        modifiers.forEach((f, ms) -> b.add(f, ms.toArray(FormatModifier[]::new)));
        other.modifiers.forEach((f, ms) -> b.add(f, ms.toArray(FormatModifier[]::new)));
        return b.build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FormatSet s && s.modifiers.equals(modifiers);
    }

    @Override
    public int hashCode() {
        return modifiers.hashCode();
    }

    /**
     * The set, format by format.
     *
     * @return for example {@code {NV12: [SIM_TILED, LINEAR], XRGB8888: [LINEAR]}}
     */
    @Override
    public String toString() {
        return modifiers.toString().replace('=', ':').replace(":[", ": [");
    }

    /** Collects pairs in order; duplicates are kept once. */
    public static final class Builder {
        private final LinkedHashMap<DrmFormat, LinkedHashSet<FormatModifier>> pairs = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds a format with modifiers, in preference order.
         *
         * @param format the format; not null
         * @param modifiers the modifiers; not null, elements not null
         * @return this builder
         * @throws RuleViolationException ({@link Rule#NEG_1 NEG-1}) on a null argument or element
         */
        public Builder add(DrmFormat format, FormatModifier... modifiers) {
            if (format == null || modifiers == null) {
                throw new RuleViolationException(Rule.NEG_1, "FormatSet.Builder.add with a null "
                        + (format == null ? "format" : "modifier array"));
            }
            for (FormatModifier m : modifiers) {
                if (m == null) {
                    throw new RuleViolationException(Rule.NEG_1, "FormatSet.Builder.add(" + format + ") with a null"
                            + " modifier");
                }
            }
            LinkedHashSet<FormatModifier> set = pairs.computeIfAbsent(format, f -> new LinkedHashSet<>());
            for (FormatModifier m : modifiers) {
                set.add(m);
            }
            return this;
        }

        /**
         * Adds every pair of a set.
         *
         * @param set the set; not null
         * @return this builder
         * @throws RuleViolationException ({@link Rule#NEG_1 NEG-1}) if {@code set} is null
         */
        public Builder addAll(FormatSet set) {
            if (set == null) {
                throw new RuleViolationException(Rule.NEG_1, "FormatSet.Builder.addAll(null)");
            }
            set.modifiers.forEach((f, ms) -> add(f, ms.toArray(FormatModifier[]::new)));
            return this;
        }

        /**
         * The set; formats without a modifier are left out.
         *
         * @return the immutable set
         */
        public FormatSet build() {
            LinkedHashMap<DrmFormat, List<FormatModifier>> m = new LinkedHashMap<>();
            pairs.forEach((f, ms) -> {
                if (!ms.isEmpty()) {
                    m.put(f, List.copyOf(ms));
                }
            });
            return m.isEmpty() ? EMPTY : new FormatSet(m);
        }
    }
}
