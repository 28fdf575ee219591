// Preloaded into a benchmarked mailshift process (node --import): at exit, write its peak resident
// set size in bytes to the file named by MAILSHIFT_BENCH_RSS_FILE. The CLI itself knows nothing of it.
import { writeFileSync } from 'node:fs';

const file = process.env.MAILSHIFT_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
