/**
 * A CPU quota for one process, the way Lambda limits a function's CPU: cgroup
 * v1 `cpu.cfs_quota_us` when the cpu controller is mounted as v1, else cgroup
 * v2 `cpu.max`. Needs root. Created per bench run and removed at the end.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const PERIOD_US = 100_000;

export interface CpuQuota {
  /** 'cgroup v1 cpu.cfs_quota_us (/sys/fs/cgroup/cpu/...)' */
  describe: string;
  /** Moves a whole process (all its threads) into the group. */
  add(pid: number): void;
  /** Share of one CPU, 0 < share <= 1. */
  setShare(share: number): void;
  /** Removes the group once its processes have exited; false if it is still busy. */
  remove(): Promise<boolean>;
}

/** A quota group, or the reason none could be made. */
export function createCpuQuota(name: string): CpuQuota | { unavailable: string } {
  const v1 = '/sys/fs/cgroup/cpu';
  if (existsSync(path.join(v1, 'cpu.cfs_quota_us'))) {
    return make(path.join(v1, name), 'cgroup v1 cpu.cfs_quota_us', (dir, share) => {
      writeFileSync(path.join(dir, 'cpu.cfs_period_us'), String(PERIOD_US));
      writeFileSync(path.join(dir, 'cpu.cfs_quota_us'), String(Math.round(share * PERIOD_US)));
    });
  }
  const v2 = '/sys/fs/cgroup';
  const controllers = path.join(v2, 'cgroup.controllers');
  if (existsSync(controllers) && readFileSync(controllers, 'utf8').split(/\s+/).includes('cpu')) {
    return make(path.join(v2, name), 'cgroup v2 cpu.max', (dir, share) => {
      writeFileSync(path.join(dir, 'cpu.max'), `${Math.round(share * PERIOD_US)} ${PERIOD_US}`);
    });
  }
  return { unavailable: 'neither cgroup v1 cpu.cfs_quota_us nor cgroup v2 cpu.max is available' };
}

function make(dir: string, kind: string, apply: (dir: string, share: number) => void): CpuQuota | { unavailable: string } {
  try {
    mkdirSync(dir);
  } catch (err) {
    return { unavailable: `cannot create ${dir}: ${(err as Error).message} (root is needed)` };
  }
  return {
    describe: `${kind} (${dir}, period ${PERIOD_US / 1000} ms)`,
    add: (pid) => writeFileSync(path.join(dir, 'cgroup.procs'), String(pid)),
    setShare: (share) => apply(dir, share),
    remove: async () => {
      // A group stays busy for a moment after its last process exits; retry briefly (bounded).
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          rmdirSync(dir);
          return true;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      return false;
    },
  };
}
