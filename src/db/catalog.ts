/**
 * The catalog: which collections a data directory holds (name, folder, config, payload
 * indexes) and the aliases. Small and rarely changed, so it is rewritten whole and atomically
 * on every change, before the change is acknowledged.
 *
 * File `<data dir>/catalog.qvr`: a checked file (magic `QCAT`, version 1) whose body is
 * MessagePack `{ collections: CatalogEntry[], aliases: [alias, collection][] }`.
 * Collection folders are `collections/<name, URI-encoded>-<random>`: a unique folder per
 * creation, so a deleted collection's leftovers can never be mistaken for a new one's.
 */
import { Packr } from 'msgpackr';
import type { Schemas } from '../api/wire.js';
import { decodeCheckedFile, encodeCheckedFile, writeFileAtomic } from '../storage/checked-file.js';
import type { FileSystem } from '../storage/file-system.js';
import { joinPath } from '../storage/file-system.js';

const MAGIC = 'QCAT';
const VERSION = 1;
const packr = new Packr({ useRecords: false });

/** One collection in the catalog. */
export interface CatalogEntry {
  name: string;
  /** Folder under `collections/`. */
  dir: string;
  config: Schemas['CollectionConfig'];
  payloadIndexes: [string, Schemas['PayloadFieldSchema']][];
}

/** The catalog's content. */
export interface Catalog {
  collections: CatalogEntry[];
  aliases: [string, string][];
}

/** Path of the catalog file in a data directory. */
export function catalogPath(root: string): string {
  return joinPath(root, 'catalog.qvr');
}

/** Reads the catalog; an empty one when the directory is new. */
export async function readCatalog(fs: FileSystem, root: string): Promise<Catalog> {
  const path = catalogPath(root);
  if (!(await fs.exists(path))) return { collections: [], aliases: [] };
  const file = decodeCheckedFile({ bytes: await fs.readFile(path), magic: MAGIC, path });
  return packr.unpack(file.body) as Catalog;
}

/** Writes the catalog atomically. */
export async function writeCatalog(fs: FileSystem, root: string, catalog: Catalog): Promise<void> {
  const bytes = encodeCheckedFile({ magic: MAGIC, version: VERSION, body: packr.pack(catalog) });
  await writeFileAtomic({ fs, path: catalogPath(root), bytes });
}

/** A new, unique folder name for a collection. */
export function newCollectionDir(name: string): string {
  const safe = encodeURIComponent(name).replaceAll('.', '%2E').slice(0, 100);
  const random = Math.floor(Math.random() * 2 ** 48)
    .toString(36)
    .padStart(10, '0');
  return `${safe}-${random}`;
}
