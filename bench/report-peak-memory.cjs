// Preloaded with `node --require` by bench/run.mjs: reports the process's peak resident memory.
process.on('exit', () => {
  process.stderr.write(`peak-rss-kib ${process.resourceUsage().maxRSS}\n`);
});
