// LangChain's QdrantVectorStore against a Quiver server: add documents, similarity search
// with scores and metadata filters, max marginal relevance, delete. The embeddings are a
// deterministic local bag-of-words hash (no network, no model).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Embeddings } from '@langchain/core/embeddings';
import { Document } from '@langchain/core/documents';
import { QdrantVectorStore } from '@langchain/qdrant';
import { type TestServer, startServer } from './fixture.js';

const DIM = 32;

/** Each word adds 1 to a dimension chosen by its hash: texts sharing words are close. */
class HashEmbeddings extends Embeddings {
  constructor() {
    super({});
  }
  embedQuery(text: string): Promise<number[]> {
    const v = new Array<number>(DIM).fill(0);
    for (const word of text.toLowerCase().match(/[a-z]+/g) ?? []) {
      let h = 2166136261;
      for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 16777619);
      v[(h >>> 0) % DIM]! += 1;
    }
    return Promise.resolve(v);
  }
  embedDocuments(texts: string[]): Promise<number[][]> {
    return Promise.all(texts.map((t) => this.embedQuery(t)));
  }
}

let server: TestServer;
before(async () => {
  server = await startServer();
});
after(() => server.close());

const DOCS = [
  new Document({ pageContent: 'the cat sat on the mat', metadata: { kind: 'pet', n: 1 } }),
  new Document({ pageContent: 'a dog chased the cat', metadata: { kind: 'pet', n: 2 } }),
  new Document({
    pageContent: 'stock markets fell sharply today',
    metadata: { kind: 'news', n: 3 },
  }),
  new Document({ pageContent: 'markets rallied after the news', metadata: { kind: 'news', n: 4 } }),
];

test('fromDocuments, similarity search with scores and filters, MMR, delete', async () => {
  const store = await QdrantVectorStore.fromDocuments(DOCS, new HashEmbeddings(), {
    url: server.url,
    collectionName: 'lc',
  });
  const info = await server.db.getCollection('lc');
  assert.equal(info.points_count, 4);

  const [best] = await store.similaritySearchWithScore('cat on a mat', 1);
  assert.equal(best![0].pageContent, 'the cat sat on the mat');
  assert.deepEqual(best![0].metadata, { kind: 'pet', n: 1 });
  assert.ok(best![1] > 0.5);

  const news = await store.similaritySearch('the cat', 2, {
    must: [{ key: 'metadata.kind', match: { value: 'news' } }],
  });
  assert.deepEqual(
    news.map((d) => d.metadata.kind),
    ['news', 'news'],
  );

  const mmr = await store.maxMarginalRelevanceSearch('cat markets', { k: 2, fetchK: 4 });
  assert.equal(mmr.length, 2);

  await store.delete({ filter: { must: [{ key: 'metadata.kind', match: { value: 'pet' } }] } });
  assert.equal((await server.db.count('lc', {})).count, 2);
});

test('an existing collection is reused and extended', async () => {
  const store = await QdrantVectorStore.fromExistingCollection(new HashEmbeddings(), {
    url: server.url,
    collectionName: 'lc',
  });
  const ids = ['3f1e3c2a-7a53-4b8e-9f0e-1d2c3b4a5e6f'];
  await store.addDocuments([new Document({ pageContent: 'a new cat arrives' })], { ids });
  const [doc] = await store.similaritySearch('new cat arrives', 1);
  assert.equal(doc!.pageContent, 'a new cat arrives');
  assert.equal(doc!.id, ids[0]);
});
