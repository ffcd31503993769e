// Preloaded (`node -r`) into each cold-start process: prints the process's CPU time (user + system,
// all threads) at exit on stderr. On a shared machine a process waits for a core more or less,
// and wall times spread; its CPU time much less.
'use strict';
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\ncpu-ms ${(user + system) / 1000}\n`);
});
