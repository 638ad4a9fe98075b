package dev.parmap.examples;

import dev.parmap.Parmap;
import dev.parmap.Pool;
import java.time.Duration;
import java.util.List;

public final class QuickStart {
  public static void main(String[] args) {
    List<String> urls = List.of("https://a.example", "https://b.example", "https://c.example");

    // One call: virtual threads, results in input order, no thread left behind.
    List<String> pages = Parmap.map(urls, url -> fetch(url));
    System.out.println(pages);

    // No result to collect.
    Parmap.forEach(urls, url -> fetch(url));

    // A pool you reuse, like Python's ThreadPool(4); closing it waits for its work.
    try (Pool pool = Pool.threads(4)) {
      List<Integer> sizes = pool.map(urls, url -> fetch(url).length());
      System.out.println(sizes);
    }
  }

  /** Stands in for a blocking call such as an HTTP GET; tasks may throw checked exceptions. */
  static String fetch(String url) throws InterruptedException {
    Thread.sleep(Duration.ofMillis(100));
    return "<page of " + url + ">";
  }
}
