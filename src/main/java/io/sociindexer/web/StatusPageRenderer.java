package io.sociindexer.web;

import io.sociindexer.job.ImageTarget;
import io.sociindexer.job.Job;
import io.sociindexer.job.JobError;
import io.sociindexer.job.JobProgress;
import io.sociindexer.job.JobResult;
import io.sociindexer.job.JobState;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.springframework.web.util.HtmlUtils;

/**
 * Renders a {@link StatusSnapshot} as one self-contained HTML page with inline CSS and no
 * scripts. Every value from a job passes through {@link #escape}, because image names, messages
 * and node names come from webhooks, registries and configuration.
 */
final class StatusPageRenderer {

  /** Seconds between the page's own reloads. */
  static final int REFRESH_SECONDS = 5;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private static final String STYLE =
      """
      body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1f24;background:#fff}
      h1{font-size:1.4rem;margin:0 0 .25rem}
      h2{font-size:1.1rem;margin:1.5rem 0 .5rem}
      p.meta{color:#57606a;margin:0 0 1rem}
      table{border-collapse:collapse;width:100%}
      th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top}
      th{background:#f6f8fa}
      td.num{text-align:right;font-variant-numeric:tabular-nums}
      td.image{font-family:ui-monospace,monospace;word-break:break-all}
      .counts td,.counts th{text-align:center}
      .state{font-weight:600}
      .succeeded{color:#1a7f37}.skipped{color:#57606a}.failed{color:#cf222e}
      .cancelled{color:#9a6700}.running{color:#0969da}.queued{color:#57606a}
      progress{width:10rem}
      p.empty{color:#57606a}
      .nowrap{white-space:nowrap}
      """;

  /** Returns the whole page. */
  String render(StatusSnapshot snapshot) {
    StringBuilder html = new StringBuilder(8192);
    head(html);
    html.append("<body>\n<h1>soci-indexer status</h1>\n");
    html.append("<p class=\"meta\">Updated ")
        .append(time(snapshot.takenAt()))
        .append(". This page reloads every ")
        .append(REFRESH_SECONDS)
        .append(" seconds.</p>\n");

    queue(html, snapshot);
    running(html, snapshot);
    recent(html, snapshot);
    failures(html, snapshot);

    html.append("</body>\n</html>\n");
    return html.toString();
  }

  private static void head(StringBuilder html) {
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n")
        .append("<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"refresh\" content=\"")
        .append(REFRESH_SECONDS)
        .append("\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>soci-indexer status</title>\n")
        .append("<style>\n")
        .append(STYLE)
        .append("</style>\n</head>\n");
  }

  private static void queue(StringBuilder html, StatusSnapshot snapshot) {
    html.append("<h2>Queue</h2>\n<table class=\"counts\" id=\"queue\">\n<tr>");
    for (JobState state : JobState.values()) {
      html.append("<th>").append(state.wireName()).append("</th>");
    }
    html.append("</tr>\n<tr>");
    for (JobState state : JobState.values()) {
      html.append("<td class=\"num ")
          .append(state.wireName())
          .append("\" data-state=\"")
          .append(state.wireName())
          .append("\">")
          .append(snapshot.counts().get(state))
          .append("</td>");
    }
    html.append("</tr>\n</table>\n");
  }

  private static void running(StringBuilder html, StatusSnapshot snapshot) {
    html.append("<h2>Running jobs</h2>\n");
    List<Job> jobs = snapshot.running();
    if (jobs.isEmpty()) {
      html.append("<p class=\"empty\">No job is running.</p>\n");
      return;
    }

    html.append("<table id=\"running\">\n<tr><th>Image</th><th>Node</th><th>Started</th>")
        .append("<th>Attempt</th><th>Layers</th><th>Bytes</th><th>Progress</th></tr>\n");
    for (Job job : jobs) {
      JobProgress progress = job.progress() == null ? JobProgress.NONE : job.progress();
      html.append("<tr class=\"job\" data-id=\"").append(job.id()).append("\">")
          .append(cell("image", imageName(job.image())))
          .append(cell("nowrap", job.leaseOwner()))
          .append(cell("nowrap", ago(job.startedAt(), snapshot.takenAt())))
          .append(cell("num", Integer.toString(job.attempts())))
          .append(cell("num", progress.layersDone() + " / " + progress.layersTotal()))
          .append(cell("num", bytes(progress.bytesDone()) + " / " + bytes(progress.bytesTotal())))
          .append("<td>")
          .append(progressBar(progress))
          .append("</td></tr>\n");
    }
    html.append("</table>\n");
  }

  private static void recent(StringBuilder html, StatusSnapshot snapshot) {
    html.append("<h2>Recent results</h2>\n");
    List<Job> jobs = snapshot.recent();
    if (jobs.isEmpty()) {
      html.append("<p class=\"empty\">No job has finished yet.</p>\n");
      return;
    }

    html.append("<table id=\"recent\">\n")
        .append("<tr><th>State</th><th>Image</th><th>Finished</th><th>Message</th></tr>\n");
    for (Job job : jobs) {
      html.append("<tr class=\"job\" data-id=\"").append(job.id()).append("\">")
          .append(cell("state " + job.state().wireName(), job.state().wireName()))
          .append(cell("image", imageName(job.image())))
          .append(cell("", time(job.finishedAt())))
          .append(cell("", resultMessage(job)))
          .append("</tr>\n");
    }
    html.append("</table>\n");
  }

  private static void failures(StringBuilder html, StatusSnapshot snapshot) {
    html.append("<h2>Failures</h2>\n");
    List<Job> jobs = snapshot.failures();
    if (jobs.isEmpty()) {
      html.append("<p class=\"empty\">No job has failed.</p>\n");
      return;
    }

    html.append("<table id=\"failures\">\n<tr><th>Image</th><th>Finished</th><th>Attempts</th>")
        .append("<th>Operation</th><th>Status</th><th>Message</th></tr>\n");
    for (Job job : jobs) {
      JobError error = job.error();
      html.append("<tr class=\"job\" data-id=\"").append(job.id()).append("\">")
          .append(cell("image", imageName(job.image())))
          .append(cell("", time(job.finishedAt())))
          .append(cell("num", Integer.toString(job.attempts())))
          .append(cell("", error == null ? null : error.operation()))
          .append(cell("num", error == null ? null : status(error)))
          .append(cell("", error == null ? null : error.message()))
          .append("</tr>\n");
    }
    html.append("</table>\n");
  }

  private static String cell(String cssClass, String text) {
    String open = cssClass.isEmpty() ? "<td>" : "<td class=\"" + cssClass + "\">";
    return open + escape(text == null ? "" : text) + "</td>";
  }

  private static String progressBar(JobProgress progress) {
    if (progress.bytesTotal() <= 0) {
      return "<progress></progress>";
    }
    return "<progress max=\"" + progress.bytesTotal() + "\" value=\""
        + Math.min(progress.bytesDone(), progress.bytesTotal()) + "\">"
        + percent(progress) + "</progress> " + percent(progress);
  }

  private static String percent(JobProgress progress) {
    long done = Math.min(progress.bytesDone(), progress.bytesTotal());
    return (done * 100 / progress.bytesTotal()) + "%";
  }

  private static String resultMessage(Job job) {
    JobResult result = job.result();
    if (result != null && result.message() != null) {
      return result.message();
    }
    if (result != null && result.outputTag() != null) {
      return "pushed " + result.outputTag();
    }
    if (job.error() != null) {
      return job.error().message();
    }
    return "";
  }

  /**
   * Returns {@code registry/repository[:tag][@digest]} without validating the parts, unlike {@link
   * ImageTarget#toString}, so that one stored job with an invalid name cannot break the page.
   */
  static String imageName(ImageTarget image) {
    StringBuilder name = new StringBuilder();
    name.append(image.registry()).append('/').append(image.repository());
    if (image.tag() != null) {
      name.append(':').append(image.tag());
    }
    if (image.digest() != null) {
      name.append('@').append(image.digest());
    }
    return name.toString();
  }

  private static String status(JobError error) {
    String status = error.status() == 0 ? "no response" : Integer.toString(error.status());
    return error.registryCode() == null ? status : status + " " + error.registryCode();
  }

  private static String time(Instant instant) {
    return instant == null ? "" : TIME.format(instant);
  }

  private static String ago(Instant instant, Instant now) {
    if (instant == null) {
      return "";
    }
    long seconds = Math.max(0, Duration.between(instant, now).toSeconds());
    if (seconds < 120) {
      return seconds + " s ago";
    }
    long minutes = seconds / 60;
    if (minutes < 120) {
      return minutes + " min ago";
    }
    long hours = minutes / 60;
    return hours < 48 ? hours + " h ago" : (hours / 24) + " d ago";
  }

  /** Formats a byte count with binary units, such as {@code 12.5 MiB}. */
  static String bytes(long count) {
    if (count < 1024) {
      return count + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = count;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** Escapes {@code <>&"'} so that {@code text} shows as text in element content and attributes. */
  static String escape(String text) {
    return HtmlUtils.htmlEscape(text, "UTF-8");
  }
}
