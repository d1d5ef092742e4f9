package io.sociindexer.job;

/** How far a running job is: layers and compressed bytes done out of the total to index. */
public record JobProgress(int layersDone, int layersTotal, long bytesDone, long bytesTotal) {

  public static final JobProgress NONE = new JobProgress(0, 0, 0, 0);
}
