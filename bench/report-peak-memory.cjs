// Preloaded with `node --require` by bench/run.mjs: reports the process's peak resident memory and
// the CPU time it used (user + system, every thread: the collector's and the compiler's included).
process.on('exit', () => {
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  process.stderr.write(`peak-rss-kib ${maxRSS}\ncpu-us ${userCPUTime + systemCPUTime}\n`);
});
