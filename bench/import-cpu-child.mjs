// Runs in a fresh node process: imports one bundle and prints the CPU time (user + system, microseconds) the
// import took and the process's whole CPU time so far (node's start-up plus the import), as the OS accounts it.
// Plain JS on purpose: no TypeScript loader may add its own cost to the figure.
import { pathToFileURL } from 'node:url';

const before = process.cpuUsage();
await import(pathToFileURL(process.argv[2]).href);
const used = process.cpuUsage(before);
const total = process.cpuUsage();
process.stdout.write(`CFHLS_IMPORT_CPU_US ${used.user + used.system} ${total.user + total.system}\n`);
