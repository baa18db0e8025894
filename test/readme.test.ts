// Runs the README's embedded example against the built package (`import ... from 'quiverdb'`
// resolves to dist/ through the package's own exports) and checks what it prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

function block(markdown: string, lang: string, after: string): string {
  const start = markdown.indexOf(after);
  assert.ok(start >= 0, `README has no "${after}"`);
  const open = markdown.indexOf('```' + lang + '\n', start);
  const close = markdown.indexOf('\n```', open + 4);
  return markdown.slice(open + lang.length + 4, close + 1);
}

test('the README embedded example runs and prints what the README says', () => {
  assert.ok(existsSync('dist/index.js'), 'build first: npm run build (npm test does it)');
  const readme = readFileSync('README.md', 'utf8');
  const code = block(readme, 'js', '## Embedded');
  const expected = block(readme, 'text', 'prints');
  mkdirSync('.tmp', { recursive: true });
  writeFileSync('.tmp/readme-example.mjs', code);
  const out = execFileSync(process.execPath, ['.tmp/readme-example.mjs'], { encoding: 'utf8' });
  assert.equal(out, expected);
});
