package dev.parmap.examples;

import dev.parmap.Parmap;
import dev.parmap.Pool;
import java.time.Duration;
import java.util.List;

public final class QuickStart {
  public static void main(String[] args) {
    List<String> urls = List.of("https://a.example", "https://b.example", "https://c.example");
    // At most 8 at once on virtual threads, results in input order; close() waits for them all.
    try (Pool pool = Pool.virtual(8)) {
      System.out.println(pool.map(urls, url -> fetch(url)));
    }
    // One call, no pool to manage, no bound on concurrency: for a handful of items.
    System.out.println(Parmap.map(urls, url -> fetch(url).length()));
  }

  // Stands in for a blocking call such as an HTTP GET; tasks may throw checked exceptions.
  static String fetch(String url) throws InterruptedException {
    Thread.sleep(Duration.ofMillis(100));
    return "<page of " + url + ">";
  }
}
