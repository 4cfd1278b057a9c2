/**
 * The load generator of the scan-throughput part, run in its own process so that the process under test
 * (gateway and handlers) is charged only for its own CPU. Reads a JSON job on argv[2]
 * ({ url, paths, connections, seconds }) and prints autocannon's figures as one JSON line.
 */
import autocannon from 'autocannon';

interface Job {
  url: string;
  paths: string[];
  connections: number;
  seconds: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
let next = 0;
const result = await autocannon({
  url: job.url,
  connections: job.connections,
  duration: job.seconds,
  headers: { accept: 'application/json' },
  requests: [
    {
      // Every request a different code, in turn: the codes are distinct, nothing in front caches them.
      setupRequest: (request) => ({ ...request, path: job.paths[next++ % job.paths.length] ?? '/' }),
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.total / job.seconds,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  })}\n`,
);
