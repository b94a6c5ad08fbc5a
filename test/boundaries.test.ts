import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkBoundaries, importsOf } from './fixtures/boundaries.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('import boundaries (DESIGN.md, parts and boundaries)', () => {
  it('the repository crosses no boundary', () => {
    const violations = checkBoundaries(ROOT);
    assert.deepEqual(
      violations.map((v) => `${v.file}${v.via.length ? ` via ${v.via.join(' -> ')}` : ''} imports ${v.imported}: ${v.why}`),
      [],
    );
  });

  describe('the check itself fails when a boundary is crossed', () => {
    const tree = mkdtempSync(path.join(tmpdir(), 'watchpost-boundaries-'));
    after(() => rmSync(tree, { recursive: true, force: true }));
    const write = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(tree, rel)), { recursive: true });
      writeFileSync(path.join(tree, rel), text);
    };
    write('lambda/handler.ts', "import { helper } from './helper.ts';\nexport const h = helper;\n");
    write('lambda/helper.ts', "import { Stack } from 'aws-cdk-lib';\nexport const helper = Stack;\n");
    write('lambda/budget.ts', "import { SIZING } from '../lib/plan.ts';\nexport const s = SIZING;\n");
    write('lambda/spec-ok.ts', "import { METRICS } from '../lib/spec/metrics.ts';\nexport const m = METRICS;\n");
    write('lib/alarms.ts', "import { request } from 'undici';\nexport const r = request;\n");
    write('lib/dashboard.ts', "import { runChecks } from '../lambda/runner.ts';\nexport const r = runChecks;\n");
    write('lib/spec/schema.ts', "import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';\nexport const c = CloudWatchClient;\n");
    write('lib/cli/commands/run.ts', "const cdk = await import('aws-cdk-lib');\nexport { cdk };\n");
    write('lib/cli/commands/ok.ts', "// import 'aws-cdk-lib' in a comment does not count\nimport { z } from 'zod';\nexport { z };\n");
    const violations = checkBoundaries(tree);
    const found = violations.map((v) => `${v.file}: ${v.imported}`).sort();

    it('lambda/ importing aws-cdk-lib through a relative import', () => {
      assert.ok(found.includes('lambda/handler.ts: aws-cdk-lib'), found.join('\n'));
      assert.ok(found.includes('lambda/helper.ts: aws-cdk-lib'), found.join('\n'));
    });
    it('lambda/ importing lib/ code outside lib/spec/', () => assert.ok(found.includes('lambda/budget.ts: lib/plan.ts'), found.join('\n')));
    it('a construct importing undici', () => assert.ok(found.includes('lib/alarms.ts: undici'), found.join('\n')));
    it('a construct importing lambda/ code', () => assert.ok(found.includes('lib/dashboard.ts: lambda/runner.ts'), found.join('\n')));
    it('the spec module importing the AWS SDK', () =>
      assert.ok(found.includes('lib/spec/schema.ts: @aws-sdk/client-cloudwatch'), found.join('\n')));
    it('the CLI loading CDK with a dynamic import', () =>
      assert.ok(found.includes('lib/cli/commands/run.ts: aws-cdk-lib'), found.join('\n')));
    it('nothing else is flagged', () => assert.equal(found.length, 7, found.join('\n')));
  });

  it('reads static, side-effect, dynamic and require imports', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'watchpost-imports-'));
    try {
      const file = path.join(dir, 'x.ts');
      writeFileSync(file, "import a from 'a';\nimport 'b';\nexport * from 'c';\nconst d = await import('d');\nconst e = require('e');\nimport type { F } from 'f';\n");
      assert.deepEqual(importsOf(file), ['a', 'b', 'c', 'd', 'e', 'f']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
