package org.dmabuf4j.api;

/**
 * One slot of a reservation: a fence and why it is there.
 *
 * @param fence the fence; a leaf ({@link Rule#RESV_8 RESV-8})
 * @param usage its usage
 */
public record FenceEntry(Fence fence, FenceUsage usage) {
}
