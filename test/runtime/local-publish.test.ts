/**
 * `watchpost run --publish`: a local run's results published with the same
 * publisher, using the default credential chain and region (here pointed at
 * moto through the standard AWS_* variables, as a user's would be).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { publishLocalRun } from '../../lambda/sinks/local-publish.ts';
import { METRICS } from '../../lib/spec/metrics.ts';
import type { WatchpostConfig } from '../../lib/spec/types.ts';
import { freePort, motoEnv, motoSkip, startMoto, type Moto } from '../fixtures/moto.ts';
import { checkSpec } from '../fixtures/spec.ts';
import { failing, passing } from './helpers.ts';
import { listMetrics, valuesAt } from './moto-helpers.ts';

describe('publishLocalRun', { skip: motoSkip() }, () => {
  let moto: Moto;
  const saved = { ...process.env };

  before(async () => {
    moto = await startMoto();
    Object.assign(process.env, motoEnv(moto.endpoint));
  });
  after(async () => {
    for (const key of Object.keys(motoEnv(''))) delete process.env[key];
    Object.assign(process.env, saved);
    await moto?.stop();
  });

  const config: WatchpostConfig = {
    namespace: 'WatchpostLocal',
    alerting: { critical: { email: [], https: [], sms: [] }, warning: { email: [], https: [], sms: [] } },
    checks: [
      checkSpec({ name: 'api', url: 'https://api.example/' }),
      checkSpec({ name: 'shop', url: 'https://shop.example/', metrics: { timings: true } }),
    ],
  };

  it('publishes the run’s datapoints in one call and says where', async () => {
    const shop = failing('shop');
    const outcome = await publishLocalRun(config, [passing('api'), shop]);
    assert.deepEqual(outcome, {
      datapoints: 8, // api: Success, Duration; shop: Success, Duration and 4 of 5 phases (the result has no TLS phase)
      requests: 1,
      fallback: 'none',
      message: 'published 8 datapoints to CloudWatch namespace WatchpostLocal in us-east-1 in 1 PutMetricData call',
    });
    const cw = moto.cloudWatch();
    assert.equal((await listMetrics(cw, 'WatchpostLocal')).length, 8);
    assert.deepEqual(await valuesAt(cw, 'WatchpostLocal', METRICS.success.name, { Check: 'shop' }, METRICS.success.unit, shop.startedAt), [0]);
  });

  it('CloudWatch unreachable: says so, and the datapoints go out as EMF on stderr', async () => {
    process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${await freePort()}`;
    process.env.AWS_MAX_ATTEMPTS = '1';
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const outcome = await publishLocalRun(config, [passing('api')]);
      assert.equal(outcome.fallback, 'emf');
      assert.match(outcome.message, /^PutMetricData to namespace WatchpostLocal in us-east-1 failed \(.+\); 2 of 2 datapoints written to stderr as CloudWatch EMF lines instead$/);
    } finally {
      process.stderr.write = original;
      process.env.AWS_ENDPOINT_URL = moto.endpoint;
      delete process.env.AWS_MAX_ATTEMPTS;
    }
    const emf = written.filter((l) => l.startsWith('{"_aws"')).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(emf.map((d) => [d.Check, d.Success]), [['api', 1]]);
  });
});
