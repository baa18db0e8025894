/**
 * Payload edits at key paths: `set_payload` with a `key` (merge into the object at that path,
 * creating it when missing) and `delete_payload` of nested keys (`a.b`, `a[].b`, `a[0]`).
 * Both work on a payload the caller owns (the segment's copy), in place.
 */
import { type KeyPathPart, parseKeyPath } from './key-path.js';
import type { Payload } from './payload.js';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Merges `values` into the object at `key` of `payload`, creating objects along the way. */
export function setAtKey(payload: Payload, key: string, values: Payload): void {
  const parts = parseKeyPath(key);
  const targets = resolveForWrite(payload, parts);
  for (const target of targets) Object.assign(target, structuredClone(values));
}

/**
 * Objects reached by `parts`, created where missing (a non-object value in the way is replaced by
 * an object). `[]` and `[N]` step into existing arrays; array elements that are not objects are
 * left alone, since only objects can take keys.
 */
function resolveForWrite(
  root: Record<string, unknown>,
  parts: KeyPathPart[],
): Record<string, unknown>[] {
  let current: unknown[] = [root];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const next: unknown[] = [];
    for (const node of current) {
      if (part.kind === 'key') {
        if (!isObject(node)) continue;
        const stepsIntoArray = parts[i + 1] !== undefined && parts[i + 1]!.kind !== 'key';
        if (stepsIntoArray) {
          if (Array.isArray(node[part.name])) next.push(node[part.name]);
        } else {
          if (!isObject(node[part.name])) node[part.name] = {};
          next.push(node[part.name]);
        }
      } else if (Array.isArray(node)) {
        if (part.kind === 'each') next.push(...node);
        else if (part.index < node.length) next.push(node[part.index]);
      }
    }
    current = next;
  }
  return current.filter(isObject);
}

/** Removes the value at `key` (a key path) from `payload`; missing paths are ignored. */
export function deleteAtKey(payload: Payload, key: string): void {
  const parts = parseKeyPath(key);
  if (parts.length === 0) return;
  removeAt(payload, parts, 0);
}

function removeAt(node: unknown, parts: KeyPathPart[], i: number): void {
  const part = parts[i]!;
  const last = i === parts.length - 1;
  if (part.kind === 'key') {
    if (!isObject(node)) {
      // An array on the way to a key: apply to each element, as filters do for `a.b`.
      if (Array.isArray(node)) for (const el of node) removeAt(el, parts, i);
      return;
    }
    if (last) delete node[part.name];
    else removeAt(node[part.name], parts, i + 1);
    return;
  }
  if (!Array.isArray(node)) return;
  if (part.kind === 'index') {
    if (part.index >= node.length) return;
    if (last) node.splice(part.index, 1);
    else removeAt(node[part.index], parts, i + 1);
    return;
  }
  // `[]`: every element.
  if (last) node.length = 0;
  else for (const el of node) removeAt(el, parts, i + 1);
}
