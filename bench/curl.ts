/**
 * The reference measurement: curl, a fresh process per probe, no keep-alive,
 * `-w '%{time_total}'` (seconds, includes connect, TLS and transfer).
 */
import { execFile } from 'node:child_process';

export function curlTotalMs(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      ['-s', '-k', '--no-keepalive', '-o', '/dev/null', '--max-time', '10', '-w', '%{time_total}', url],
      { timeout: 15_000 },
      (err, stdout) => {
        if (err) reject(new Error(`curl ${url}: ${err.message}`));
        else resolve(Number(stdout) * 1000);
      },
    );
  });
}
