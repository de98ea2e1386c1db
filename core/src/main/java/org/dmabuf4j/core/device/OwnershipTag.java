package org.dmabuf4j.core.device;

/**
 * Which buffer bytes an IOMMU translation reaches: the buffer's ownership tracker and the buffer offset of the
 * translation's first byte.
 *
 * @param ownership the buffer's tracker
 * @param bufferOffset the buffer offset of the translation's first byte
 */
record OwnershipTag(Ownership ownership, long bufferOffset) {
}
