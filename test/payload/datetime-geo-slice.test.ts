import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDatetime } from '../../src/payload/datetime.js';
import { haversineMeters, inPolygon } from '../../src/payload/geo.js';
import { inSlice, pointIdBytes, sipHash24 } from '../../src/payload/slice-hash.js';

test('datetimes: the spellings Qdrant accepts, as instants', () => {
  const t = Date.UTC(2024, 4, 1, 12, 0, 0);
  assert.equal(parseDatetime('2024-05-01T12:00:00Z'), t);
  assert.equal(parseDatetime('2024-05-01t12:00:00z'), t);
  assert.equal(parseDatetime('2024-05-01 12:00:00'), t);
  assert.equal(parseDatetime('2024-05-01T12:00:00'), t);
  assert.equal(parseDatetime('2024-05-01T14:00:00+02:00'), t);
  assert.equal(parseDatetime('2024-05-01T14:00:00+0200'), t);
  assert.equal(parseDatetime('2024-05-01T14:00:00+02'), t);
  assert.equal(parseDatetime('2024-05-01T09:30:00-02:30'), t);
  assert.equal(parseDatetime('2024-05-01 12:00'), t);
  assert.equal(parseDatetime('2024-05-01'), Date.UTC(2024, 4, 1));
  assert.equal(parseDatetime('2024-05-01T12:00:00.123456789Z'), t + 123.456);
  assert.equal(parseDatetime('2024-02-29'), Date.UTC(2024, 1, 29));
  const y99 = new Date(0);
  y99.setUTCFullYear(99, 0, 1);
  assert.equal(parseDatetime('0099-01-01'), y99.getTime(), 'no two-digit year quirk');
  for (const bad of [
    '2023-02-29',
    '2024-13-01',
    '2024-05-01T24:00:00Z',
    '2024-05-01T12:60',
    '2024-5-1',
    '12:00',
    '',
    '2024-05-01T12:00:00+25:00',
    '2024-05-01Z',
  ]) {
    assert.equal(parseDatetime(bad), undefined, bad);
  }
});

test('geo: haversine distances and polygon boundaries', () => {
  const berlin = { lat: 52.52, lon: 13.405 };
  const moscow = { lat: 55.7558, lon: 37.6173 };
  const d = haversineMeters(berlin, moscow);
  assert.ok(d > 1_605_000 && d < 1_612_000, String(d));
  assert.equal(haversineMeters(berlin, berlin), 0);
  const tri = [
    { lat: 0, lon: 0 },
    { lat: 0, lon: 4 },
    { lat: 4, lon: 0 },
    { lat: 0, lon: 0 },
  ];
  assert.equal(inPolygon({ lat: 1, lon: 1 }, tri, []), true);
  assert.equal(inPolygon({ lat: 2, lon: 2 }, tri, []), true, 'on the hypotenuse');
  assert.equal(inPolygon({ lat: 2.01, lon: 2 }, tri, []), false);
  assert.equal(inPolygon({ lat: 0, lon: 4 }, tri, []), true, 'a vertex');
});

test('slice hash: SipHash-2-4 reference vectors and id bytes', () => {
  const key0 = 0x0706050403020100n;
  const key1 = 0x0f0e0d0c0b0a0908n;
  // From the SipHash paper (Aumasson & Bernstein), appendix A.
  const msg = Uint8Array.from({ length: 15 }, (_, i) => i);
  assert.equal(sipHash24(msg, key0, key1), 0xa129ca6149be45e5n);
  assert.equal(sipHash24(new Uint8Array(0), key0, key1), 0x726fdb47dd0e0e31n);
  assert.deepEqual([...pointIdBytes('258')], [2, 1, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(
    [...pointIdBytes('00112233-4455-6677-8899-aabbccddeeff')],
    [
      0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,
      0xff,
    ],
  );
  // Slices of one total partition the ids; a slice of total 4 lies inside the matching slice of 2.
  for (let id = 0; id < 200; id++) {
    const key = String(id);
    assert.equal([0, 1, 2, 3].filter((i) => inSlice(key, i, 4)).length, 1);
    for (let i = 0; i < 4; i++) if (inSlice(key, i, 4)) assert.ok(inSlice(key, i % 2, 2));
  }
});
