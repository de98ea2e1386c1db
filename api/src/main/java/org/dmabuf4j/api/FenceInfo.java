package org.dmabuf4j.api;

/**
 * What a sync file tells about one of its leaf fences ({@link Rule#SYNC_9 SYNC-9}).
 *
 * @param timelineName the fence's timeline
 * @param driverName the fence's driver
 * @param status the fence's status
 * @param timestampNanos when it signaled, or 0 while pending
 * @see "struct sync_fence_info"
 */
public record FenceInfo(String timelineName, String driverName, FenceStatus status, long timestampNanos) {
}
