;; Quiver distance kernels: WebAssembly SIMD (128-bit) fast path.
;;
;; Hand-written; `scripts/build-wasm.mjs` assembles it with wabt at build time into a generated
;; TypeScript module (base64), so no binary is ever committed or downloaded.
;;
;; Conventions (the TypeScript side relies on them):
;; - Every pointer is a byte address in this module's own memory; vectors are packed little-endian
;;   f32 (or i8, or u32 words). Addresses need no alignment: `v128.load` accepts any address.
;; - `n` counts elements (floats, bytes or 32-bit words), not bytes. Any n >= 0 is valid: a
;;   16-wide main loop, then a 4-wide loop, then a scalar tail.
;; - Batch kernels return *scores* where higher is better: dot as is, L2 and L1 negated.
;;   Metric codes: 0 = dot, 1 = squared L2, 2 = L1.
(module
  (memory (export "memory") 1)

  ;; Dot product of n f32.
  (func $dot_f32 (export "dot_f32") (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $end i32) (local $s f32)
    ;; 16 floats per iteration, four independent accumulators to hide add latency.
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $done16
      (loop $loop16
        (br_if $done16 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $acc1 (f32x4.add (local.get $acc1)
          (f32x4.mul (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b)))))
        (local.set $acc2 (f32x4.add (local.get $acc2)
          (f32x4.mul (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b)))))
        (local.set $acc3 (f32x4.add (local.get $acc3)
          (f32x4.mul (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (br $loop16)))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const 12)) (i32.const 2))))
    (block $done4
      (loop $loop4
        (br_if $done4 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $loop4)))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (f32.add (local.get $s)
          (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $loop1)))
    (local.set $acc0 (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1))
                                (f32x4.add (local.get $acc2) (local.get $acc3))))
    (f32.add (local.get $s)
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0))))))

  ;; Squared Euclidean distance of n f32.
  (func $l2_f32 (export "l2_f32") (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $d v128) (local $end i32) (local $s f32) (local $ds f32)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $done16
      (loop $loop16
        (br_if $done16 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $d (f32x4.sub (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b))))
        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b))))
        (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $d (f32x4.sub (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b))))
        (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (br $loop16)))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const 12)) (i32.const 2))))
    (block $done4
      (loop $loop4
        (br_if $done4 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $d (f32x4.sub (v128.load (local.get $a)) (v128.load (local.get $b))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (local.get $d) (local.get $d))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $loop4)))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $ds (f32.sub (f32.load (local.get $a)) (f32.load (local.get $b))))
        (local.set $s (f32.add (local.get $s) (f32.mul (local.get $ds) (local.get $ds))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $loop1)))
    (local.set $acc0 (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1))
                                (f32x4.add (local.get $acc2) (local.get $acc3))))
    (f32.add (local.get $s)
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0))))))

  ;; Manhattan (L1) distance of n f32.
  (func $l1_f32 (export "l1_f32") (param $a i32) (param $b i32) (param $n i32) (result f32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $end i32) (local $s f32)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -16)) (i32.const 2))))
    (block $done16
      (loop $loop16
        (br_if $done16 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.abs (f32x4.sub (v128.load (local.get $a)) (v128.load (local.get $b))))))
        (local.set $acc1 (f32x4.add (local.get $acc1)
          (f32x4.abs (f32x4.sub (v128.load offset=16 (local.get $a)) (v128.load offset=16 (local.get $b))))))
        (local.set $acc2 (f32x4.add (local.get $acc2)
          (f32x4.abs (f32x4.sub (v128.load offset=32 (local.get $a)) (v128.load offset=32 (local.get $b))))))
        (local.set $acc3 (f32x4.add (local.get $acc3)
          (f32x4.abs (f32x4.sub (v128.load offset=48 (local.get $a)) (v128.load offset=48 (local.get $b))))))
        (local.set $a (i32.add (local.get $a) (i32.const 64)))
        (local.set $b (i32.add (local.get $b) (i32.const 64)))
        (br $loop16)))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const 12)) (i32.const 2))))
    (block $done4
      (loop $loop4
        (br_if $done4 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.abs (f32x4.sub (v128.load (local.get $a)) (v128.load (local.get $b))))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $loop4)))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (f32.add (local.get $s)
          (f32.abs (f32.sub (f32.load (local.get $a)) (f32.load (local.get $b))))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $loop1)))
    (local.set $acc0 (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1))
                                (f32x4.add (local.get $acc2) (local.get $acc3))))
    (f32.add (local.get $s)
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0))))))

  ;; Dot product of n signed bytes (scalar quantization codes). Exact in i32 for n < 2^17.
  (func $dot_i8 (export "dot_i8") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $acc v128) (local $va v128) (local $vb v128) (local $end i32) (local $s i32)
    (local.set $end (i32.add (local.get $a) (i32.and (local.get $n) (i32.const -16))))
    (block $done16
      (loop $loop16
        (br_if $done16 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $va (v128.load (local.get $a)))
        (local.set $vb (v128.load (local.get $b)))
        ;; widen to i16, then i32x4.dot_i16x8_s multiplies and adds adjacent pairs.
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $va))
                             (i16x8.extend_low_i8x16_s (local.get $vb)))))
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $va))
                             (i16x8.extend_high_i8x16_s (local.get $vb)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $loop16)))
    (local.set $end (i32.add (local.get $a) (i32.and (local.get $n) (i32.const 15))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (i32.add (local.get $s)
          (i32.mul (i32.load8_s (local.get $a)) (i32.load8_s (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $loop1)))
    (i32.add (local.get $s)
      (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
        (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))))

  ;; Squared Euclidean distance of n signed bytes. Exact in i32 for n < 2^15.
  (func $l2_i8 (export "l2_i8") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $acc v128) (local $va v128) (local $vb v128) (local $d v128)
    (local $end i32) (local $s i32) (local $ds i32)
    (local.set $end (i32.add (local.get $a) (i32.and (local.get $n) (i32.const -16))))
    (block $done16
      (loop $loop16
        (br_if $done16 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $va (v128.load (local.get $a)))
        (local.set $vb (v128.load (local.get $b)))
        ;; differences lie in [-255, 255]: they fit i16, and a pair of squares fits i32.
        (local.set $d (i16x8.sub (i16x8.extend_low_i8x16_s (local.get $va))
                                 (i16x8.extend_low_i8x16_s (local.get $vb))))
        (local.set $acc (i32x4.add (local.get $acc) (i32x4.dot_i16x8_s (local.get $d) (local.get $d))))
        (local.set $d (i16x8.sub (i16x8.extend_high_i8x16_s (local.get $va))
                                 (i16x8.extend_high_i8x16_s (local.get $vb))))
        (local.set $acc (i32x4.add (local.get $acc) (i32x4.dot_i16x8_s (local.get $d) (local.get $d))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $loop16)))
    (local.set $end (i32.add (local.get $a) (i32.and (local.get $n) (i32.const 15))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $ds (i32.sub (i32.load8_s (local.get $a)) (i32.load8_s (local.get $b))))
        (local.set $s (i32.add (local.get $s) (i32.mul (local.get $ds) (local.get $ds))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $loop1)))
    (i32.add (local.get $s)
      (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
        (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))))

  ;; Hamming distance of n 32-bit words (binary quantization codes): popcount(a xor b).
  (func $hamming_u32 (export "hamming_u32") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $acc v128) (local $end i32) (local $s i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done4
      (loop $loop4
        (br_if $done4 (i32.ge_u (local.get $a) (local.get $end)))
        ;; per-byte popcounts, then pairwise widening sums up to i32 lanes.
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.extadd_pairwise_i16x8_u
            (i16x8.extadd_pairwise_i8x16_u
              (i8x16.popcnt (v128.xor (v128.load (local.get $a)) (v128.load (local.get $b))))))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $loop4)))
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $s (i32.add (local.get $s)
          (i32.popcnt (i32.xor (i32.load (local.get $a)) (i32.load (local.get $b))))))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $loop1)))
    (i32.add (local.get $s)
      (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
        (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))))

  ;; Score (higher is better) of the vectors at a and b under a metric code.
  (func $score (export "score") (param $metric i32) (param $a i32) (param $b i32) (param $n i32) (result f32)
    (if (result f32) (i32.eqz (local.get $metric))
      (then (call $dot_f32 (local.get $a) (local.get $b) (local.get $n)))
      (else
        (if (result f32) (i32.eq (local.get $metric) (i32.const 1))
          (then (f32.neg (call $l2_f32 (local.get $a) (local.get $b) (local.get $n))))
          (else (f32.neg (call $l1_f32 (local.get $a) (local.get $b) (local.get $n))))))))

  ;; Scores the query at q against the vectors base + ids[i] * stride (bytes) for i < count,
  ;; writing f32 scores to out. The graph search gathers a node's unvisited neighbours into ids
  ;; and scores them in one call, so the JS/WASM boundary is crossed once per expansion.
  (func (export "score_batch")
    (param $metric i32) (param $q i32) (param $base i32) (param $stride i32) (param $dim i32)
    (param $ids i32) (param $count i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $ids) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ids) (local.get $end)))
        (f32.store (local.get $out)
          (call $score (local.get $metric) (local.get $q)
            (i32.add (local.get $base) (i32.mul (i32.load (local.get $ids)) (local.get $stride)))
            (local.get $dim)))
        (local.set $ids (i32.add (local.get $ids) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $next))))

  ;; Scores the query at q against count consecutive vectors starting at v (exact search).
  (func (export "score_range")
    (param $metric i32) (param $q i32) (param $v i32) (param $stride i32) (param $dim i32)
    (param $count i32) (param $out i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (f32.store (local.get $out)
          (call $score (local.get $metric) (local.get $q) (local.get $v) (local.get $dim)))
        (local.set $v (i32.add (local.get $v) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $next))))
)
