package org.dmabuf4j.api;

import java.util.Optional;

/**
 * A node of a timeline built from fences of any context: signaled when its fence and every earlier node's are
 * ({@link Rule#FENCE_10 FENCE-10}).
 *
 * <pre>
 *   head ──prev──► node(seqno 7) ──prev──► node(seqno 3) ──prev──► (end)
 *   findSeqno(5) = node 7 (a seqno between nodes maps to the next higher node)
 * </pre>
 *
 * @see "struct dma_fence_chain"
 */
public interface FenceChain extends Fence {
    /**
     * The previous node, unless it was collected after signaling.
     *
     * @return the previous node or fence, or empty
     */
    Optional<Fence> previous();

    /**
     * The fence this node wraps.
     *
     * @return the contained fence
     * @see "dma_fence_chain_contained"
     */
    Fence contained();

    /**
     * The oldest unsignaled node that covers {@code seqno} ({@link Rule#FENCE_10 FENCE-10}), collecting signaled nodes
     * on the way.
     *
     * @param seqno a point on the chain; 0 returns this node
     * @return the node, or empty if everything up to {@code seqno} has signaled
     * @throws RuleViolationException ({@link Rule#FENCE_10 FENCE-10}) if {@code seqno} is later than this node (a
     *     future point)
     * @see "dma_fence_chain_find_seqno"
     */
    Optional<Fence> findSeqno(long seqno);

    @Override
    default boolean isContainer() {
        return true;
    }
}
