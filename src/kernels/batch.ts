/** How many ids (and scores) one `Scorer.scoreBatch` call can take: the batch buffers' size. */
export const BATCH_CAPACITY = 4096;
