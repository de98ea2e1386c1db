package org.dmabuf4j.core.heap;

/**
 * One physically contiguous piece of a heap buffer: where it lies in the buffer's linear CPU memory and where it lies
 * in (simulated) physical memory.
 *
 * @param offset the first byte in the buffer
 * @param length bytes; a multiple of the page size
 * @param physical the simulated physical address
 */
public record Chunk(long offset, long length, long physical) {
}
