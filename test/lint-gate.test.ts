// The engine must run in a browser: the lint gate has to reject Node imports in engine folders
// (and accept them in adapters). This test proves the rule bites rather than trusting the config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const eslint = new ESLint();

async function errors(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

test('engine folders may not import Node built-ins, Node-only packages or Node globals', async () => {
  for (const folder of [
    'segment',
    'collection',
    'payload',
    'kernels',
    'index',
    'quantization',
    'db',
    'storage',
  ]) {
    const file = `src/${folder}/probe.ts`;
    assert.match(
      (
        await errors(
          "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
          file,
        )
      ).join('\n'),
      /no-restricted-imports/,
      file,
    );
    assert.match(
      (await errors("import os from 'os';\nexport const x = os;\n", file)).join('\n'),
      /no-restricted-imports/,
      file,
    );
    assert.match(
      (await errors("import Fastify from 'fastify';\nexport const x = Fastify;\n", file)).join(
        '\n',
      ),
      /no-restricted-imports/,
      file,
    );
    assert.match(
      (await errors('export const x = process.env.HOME;\n', file)).join('\n'),
      /no-restricted-globals/,
      file,
    );
  }
});

test('adapters and the server may import Node', async () => {
  assert.deepEqual(
    await errors(
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      'src/node/probe.ts',
    ),
    [],
  );
  assert.deepEqual(
    await errors(
      "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
      'src/server/probe.ts',
    ),
    [],
  );
});
