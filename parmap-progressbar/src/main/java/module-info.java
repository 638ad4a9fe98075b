/**
 * A console progress bar for parmap calls: {@link dev.parmap.progressbar.ConsoleProgress}, a {@link
 * dev.parmap.observe.ProgressListener} drawn with me.tongfei:progressbar.
 */
module dev.parmap.progressbar {
  // transitive: ConsoleProgress is a dev.parmap.observe.ProgressListener and is passed to
  // dev.parmap.MapOptions, so a module that reads this one needs dev.parmap too.
  requires transitive dev.parmap;
  requires me.tongfei.progressbar;
  requires static org.jspecify;

  exports dev.parmap.progressbar;
}
