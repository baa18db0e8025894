// docs/API.md is executable: every `curl` command in its bash blocks is parsed (method, URL,
// headers, -d body, -F upload, -o output) and replayed in order with fetch against a live
// server, and must succeed. `localhost:6333` becomes the test server's address, and
// `{snapshot_name}` the name the latest snapshot creation answered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestServer, startServer } from './fixture.js';

const DOC = readFileSync(new URL('../../docs/API.md', import.meta.url), 'utf8');

/** Splits shell text into commands of words: quotes, backslash-newline, newline, comments. */
export function shellCommands(text: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  // Inside quotes `word` is always a string (opening a quote sets it).
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  const flush = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const end = () => {
    flush();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = word! + c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && '"\\$`'.includes(text[i + 1] ?? '')) word = word! + text[++i]!;
      else word = word! + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\') {
      if (text[i + 1] === '\n') {
        i++;
        flush();
      } else {
        word = (word ?? '') + (text[++i] ?? '');
      }
    } else if (c === '\n') {
      end();
    } else if (c === ' ' || c === '\t') {
      flush();
    } else if (c === '#' && word === undefined) {
      while (i < text.length && text[i] !== '\n') i++;
      end();
    } else {
      word = (word ?? '') + c;
    }
  }
  assert.equal(quote, undefined, 'unterminated quote in a bash block');
  end();
  return commands;
}

/** A curl command as a request. */
interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  form?: [string, string][];
  output?: string;
}

function parseCurl(words: string[]): CurlRequest {
  assert.equal(words[0], 'curl', `not a curl command: ${words.join(' ')}`);
  const req: CurlRequest = { method: '', url: '', headers: {} };
  for (let i = 1; i < words.length; i++) {
    const w = words[i]!;
    const next = (): string => {
      const v = words[++i];
      assert.ok(v !== undefined, `${w} needs a value`);
      return v;
    };
    if (w === '-s' || w === '--silent') continue;
    else if (w === '-X' || w === '--request') req.method = next();
    else if (w === '-H' || w === '--header') {
      const [k, ...v] = next().split(':');
      req.headers[k!.trim().toLowerCase()] = v.join(':').trim();
    } else if (w === '-d' || w === '--data' || w === '--data-raw') req.body = next();
    else if (w === '-F' || w === '--form') {
      const [k, ...v] = next().split('=');
      (req.form ??= []).push([k!, v.join('=')]);
    } else if (w === '-o' || w === '--output') req.output = next();
    else if (w.startsWith('-')) assert.fail(`curl option ${w} is not understood by this test`);
    else req.url = w;
  }
  req.method ||= req.body !== undefined || req.form !== undefined ? 'POST' : 'GET';
  return req;
}

/** The curl commands of docs/API.md, each with the title of its section. */
function examples(): { section: string; words: string[] }[] {
  const out: { section: string; words: string[] }[] = [];
  let section = '';
  const blocks = DOC.split(/^```/m);
  for (let i = 0; i < blocks.length; i++) {
    if (i % 2 === 0) {
      const headings = [...blocks[i]!.matchAll(/^## (.+)$/gm)];
      if (headings.length > 0) section = headings.at(-1)![1]!;
      continue;
    }
    const block = blocks[i]!;
    if (!block.startsWith('bash\n')) continue;
    for (const words of shellCommands(block.slice(5))) out.push({ section, words });
  }
  return out;
}

let server: TestServer;
let files: string;
before(async () => {
  server = await startServer({ persistent: true });
  files = mkdtempSync(join(tmpdir(), 'quiver-api-docs-'));
});
after(async () => {
  await server.close();
  rmSync(files, { recursive: true, force: true });
});

test('the shell splitter handles quotes, continuations and comments', () => {
  assert.deepEqual(
    shellCommands(`curl -s -X PUT 'http://x/a?b=1' \\\n  -d '{"a":\n 1}' # note\ncurl "x\\"y"\n`),
    [
      ['curl', '-s', '-X', 'PUT', 'http://x/a?b=1', '-d', '{"a":\n 1}'],
      ['curl', 'x"y'],
    ],
  );
});

test('every endpoint group of docs/API.md has an example, and every example succeeds', async () => {
  const all = examples();
  assert.ok(all.length >= 45, `only ${all.length} examples`);
  const sections = new Set(all.map((e) => e.section));
  for (const heading of DOC.matchAll(/^## (.+)$/gm)) {
    if (heading[1] === 'Conventions') continue;
    assert.ok(sections.has(heading[1]!), `section "${heading[1]}" has no curl example`);
  }
  let snapshotName = '';
  const host = `127.0.0.1:${server.port}`;
  for (const { section, words } of all) {
    const fill = (s: string) =>
      s.replaceAll('localhost:6333', host).replaceAll('{snapshot_name}', snapshotName);
    assert.ok(
      words.some((w) => w.startsWith('http://localhost:6333')),
      `${section}: examples talk to http://localhost:6333: ${words.join(' ')}`,
    );
    const req = parseCurl(words.map(fill));
    const init: RequestInit = { method: req.method, headers: req.headers };
    if (req.body !== undefined) init.body = req.body;
    if (req.form !== undefined) {
      const form = new FormData();
      for (const [name, value] of req.form) {
        if (value.startsWith('@')) {
          const file = value.slice(1);
          form.append(name, new Blob([readFileSync(join(files, file))]), file);
        } else form.append(name, value);
      }
      init.body = form;
    }
    const where = `${section}: ${req.method} ${req.url}`;
    const res = await fetch(req.url, init);
    if (req.output !== undefined) {
      assert.equal(res.status, 200, where);
      writeFileSync(join(files, req.output), Buffer.from(await res.arrayBuffer()));
      continue;
    }
    const text = await res.text();
    assert.equal(res.status, 200, `${where} -> ${res.status} ${text}`);
    const body = JSON.parse(text) as {
      status?: unknown;
      title?: unknown;
      result?: { name?: unknown };
    };
    assert.ok(body.status === 'ok' || body.title !== undefined, `${where} -> ${text}`);
    if (/\/snapshots(\?|$)/.test(req.url) && req.method === 'POST')
      snapshotName = String(body.result?.name);
  }
});
