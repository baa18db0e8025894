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

  ;; Negated squared L2 of the query at q against 4 vectors at once, stored as f32 at out[0..4).
  ;; Independent streams keep 4x as many cache misses in flight: graph search jumps between
  ;; vectors that are rarely cached, so memory latency, not arithmetic, dominates.
  (func $l2_x4 (param $q i32) (param $a i32) (param $b i32) (param $c i32) (param $d i32) (param $n i32) (param $out i32)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128) (local $c0 v128) (local $c1 v128) (local $d0 v128) (local $d1 v128)
    (local $q0 v128) (local $q1 v128) (local $t v128)
    (local $end i32) (local $sa f32) (local $sb f32) (local $sc f32) (local $sd f32) (local $x f32)
    (local.set $end (i32.add (local.get $q) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    (block $done8
      (loop $loop8
        (br_if $done8 (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $q0 (v128.load (local.get $q)))
        (local.set $q1 (v128.load offset=16 (local.get $q)))
        (local.set $t (f32x4.sub (v128.load (local.get $a)) (local.get $q0)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load offset=16 (local.get $a)) (local.get $q1)))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load (local.get $b)) (local.get $q0)))
        (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load offset=16 (local.get $b)) (local.get $q1)))
        (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load (local.get $c)) (local.get $q0)))
        (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load offset=16 (local.get $c)) (local.get $q1)))
        (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load (local.get $d)) (local.get $q0)))
        (local.set $d0 (f32x4.add (local.get $d0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load offset=16 (local.get $d)) (local.get $q1)))
        (local.set $d1 (f32x4.add (local.get $d1) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (local.set $c (i32.add (local.get $c) (i32.const 32)))
        (local.set $d (i32.add (local.get $d) (i32.const 32)))
        (br $loop8)))
    (if (i32.and (local.get $n) (i32.const 4))
      (then
        (local.set $q0 (v128.load (local.get $q)))
        (local.set $t (f32x4.sub (v128.load (local.get $a)) (local.get $q0)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load (local.get $b)) (local.get $q0)))
        (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load (local.get $c)) (local.get $q0)))
        (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load (local.get $d)) (local.get $q0)))
        (local.set $d0 (f32x4.add (local.get $d0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))))
    (local.set $end (i32.add (local.get $q) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $x (f32.sub (f32.load (local.get $a)) (f32.load (local.get $q))))
        (local.set $sa (f32.add (local.get $sa) (f32.mul (local.get $x) (local.get $x))))
        (local.set $x (f32.sub (f32.load (local.get $b)) (f32.load (local.get $q))))
        (local.set $sb (f32.add (local.get $sb) (f32.mul (local.get $x) (local.get $x))))
        (local.set $x (f32.sub (f32.load (local.get $c)) (f32.load (local.get $q))))
        (local.set $sc (f32.add (local.get $sc) (f32.mul (local.get $x) (local.get $x))))
        (local.set $x (f32.sub (f32.load (local.get $d)) (f32.load (local.get $q))))
        (local.set $sd (f32.add (local.get $sd) (f32.mul (local.get $x) (local.get $x))))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (br $loop1)))
    (local.set $a0 (f32x4.add (local.get $a0) (local.get $a1)))
    (f32.store (local.get $out)
      (f32.neg (f32.add (local.get $sa)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
          (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))))
    (local.set $b0 (f32x4.add (local.get $b0) (local.get $b1)))
    (f32.store offset=4 (local.get $out)
      (f32.neg (f32.add (local.get $sb)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $b0)) (f32x4.extract_lane 1 (local.get $b0)))
          (f32.add (f32x4.extract_lane 2 (local.get $b0)) (f32x4.extract_lane 3 (local.get $b0)))))))
    (local.set $c0 (f32x4.add (local.get $c0) (local.get $c1)))
    (f32.store offset=8 (local.get $out)
      (f32.neg (f32.add (local.get $sc)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $c0)) (f32x4.extract_lane 1 (local.get $c0)))
          (f32.add (f32x4.extract_lane 2 (local.get $c0)) (f32x4.extract_lane 3 (local.get $c0)))))))
    (local.set $d0 (f32x4.add (local.get $d0) (local.get $d1)))
    (f32.store offset=12 (local.get $out)
      (f32.neg (f32.add (local.get $sd)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $d0)) (f32x4.extract_lane 1 (local.get $d0)))
          (f32.add (f32x4.extract_lane 2 (local.get $d0)) (f32x4.extract_lane 3 (local.get $d0))))))))

  ;; Dot product of the query at q against 4 vectors at once, stored as f32 at out[0..4).
  ;; Independent streams keep 4x as many cache misses in flight: graph search jumps between
  ;; vectors that are rarely cached, so memory latency, not arithmetic, dominates.
  (func $dot_x4 (param $q i32) (param $a i32) (param $b i32) (param $c i32) (param $d i32) (param $n i32) (param $out i32)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128) (local $c0 v128) (local $c1 v128) (local $d0 v128) (local $d1 v128)
    (local $q0 v128) (local $q1 v128) (local $t v128)
    (local $end i32) (local $sa f32) (local $sb f32) (local $sc f32) (local $sd f32) (local $x f32)
    (local.set $end (i32.add (local.get $q) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    (block $done8
      (loop $loop8
        (br_if $done8 (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $q0 (v128.load (local.get $q)))
        (local.set $q1 (v128.load offset=16 (local.get $q)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $a)) (local.get $q0))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $a)) (local.get $q1))))
        (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (v128.load (local.get $b)) (local.get $q0))))
        (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (v128.load offset=16 (local.get $b)) (local.get $q1))))
        (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (v128.load (local.get $c)) (local.get $q0))))
        (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (v128.load offset=16 (local.get $c)) (local.get $q1))))
        (local.set $d0 (f32x4.add (local.get $d0) (f32x4.mul (v128.load (local.get $d)) (local.get $q0))))
        (local.set $d1 (f32x4.add (local.get $d1) (f32x4.mul (v128.load offset=16 (local.get $d)) (local.get $q1))))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (local.set $c (i32.add (local.get $c) (i32.const 32)))
        (local.set $d (i32.add (local.get $d) (i32.const 32)))
        (br $loop8)))
    (if (i32.and (local.get $n) (i32.const 4))
      (then
        (local.set $q0 (v128.load (local.get $q)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $a)) (local.get $q0))))
        (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (v128.load (local.get $b)) (local.get $q0))))
        (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (v128.load (local.get $c)) (local.get $q0))))
        (local.set $d0 (f32x4.add (local.get $d0) (f32x4.mul (v128.load (local.get $d)) (local.get $q0))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (local.set $d (i32.add (local.get $d) (i32.const 16)))))
    (local.set $end (i32.add (local.get $q) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $x (f32.load (local.get $q)))
        (local.set $sa (f32.add (local.get $sa) (f32.mul (f32.load (local.get $a)) (local.get $x))))
        (local.set $sb (f32.add (local.get $sb) (f32.mul (f32.load (local.get $b)) (local.get $x))))
        (local.set $sc (f32.add (local.get $sc) (f32.mul (f32.load (local.get $c)) (local.get $x))))
        (local.set $sd (f32.add (local.get $sd) (f32.mul (f32.load (local.get $d)) (local.get $x))))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (br $loop1)))
    (local.set $a0 (f32x4.add (local.get $a0) (local.get $a1)))
    (f32.store (local.get $out)
      (f32.add (local.get $sa)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
          (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0))))))
    (local.set $b0 (f32x4.add (local.get $b0) (local.get $b1)))
    (f32.store offset=4 (local.get $out)
      (f32.add (local.get $sb)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $b0)) (f32x4.extract_lane 1 (local.get $b0)))
          (f32.add (f32x4.extract_lane 2 (local.get $b0)) (f32x4.extract_lane 3 (local.get $b0))))))
    (local.set $c0 (f32x4.add (local.get $c0) (local.get $c1)))
    (f32.store offset=8 (local.get $out)
      (f32.add (local.get $sc)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $c0)) (f32x4.extract_lane 1 (local.get $c0)))
          (f32.add (f32x4.extract_lane 2 (local.get $c0)) (f32x4.extract_lane 3 (local.get $c0))))))
    (local.set $d0 (f32x4.add (local.get $d0) (local.get $d1)))
    (f32.store offset=12 (local.get $out)
      (f32.add (local.get $sd)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $d0)) (f32x4.extract_lane 1 (local.get $d0)))
          (f32.add (f32x4.extract_lane 2 (local.get $d0)) (f32x4.extract_lane 3 (local.get $d0)))))))

  ;; Negated squared L2 of the query at q against 2 vectors at once, stored as f32 at out[0..2).
  ;; Independent streams keep 2x as many cache misses in flight: graph search jumps between
  ;; vectors that are rarely cached, so memory latency, not arithmetic, dominates.
  (func $l2_x2 (param $q i32) (param $a i32) (param $b i32) (param $n i32) (param $out i32)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $q0 v128) (local $q1 v128) (local $t v128)
    (local $end i32) (local $sa f32) (local $sb f32) (local $x f32)
    (local.set $end (i32.add (local.get $q) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    (block $done8
      (loop $loop8
        (br_if $done8 (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $q0 (v128.load (local.get $q)))
        (local.set $q1 (v128.load offset=16 (local.get $q)))
        (local.set $t (f32x4.sub (v128.load (local.get $a)) (local.get $q0)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load offset=16 (local.get $a)) (local.get $q1)))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load (local.get $b)) (local.get $q0)))
        (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load offset=16 (local.get $b)) (local.get $q1)))
        (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $loop8)))
    (if (i32.and (local.get $n) (i32.const 4))
      (then
        (local.set $q0 (v128.load (local.get $q)))
        (local.set $t (f32x4.sub (v128.load (local.get $a)) (local.get $q0)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $t (f32x4.sub (v128.load (local.get $b)) (local.get $q0)))
        (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $t) (local.get $t))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))))
    (local.set $end (i32.add (local.get $q) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $x (f32.sub (f32.load (local.get $a)) (f32.load (local.get $q))))
        (local.set $sa (f32.add (local.get $sa) (f32.mul (local.get $x) (local.get $x))))
        (local.set $x (f32.sub (f32.load (local.get $b)) (f32.load (local.get $q))))
        (local.set $sb (f32.add (local.get $sb) (f32.mul (local.get $x) (local.get $x))))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $loop1)))
    (local.set $a0 (f32x4.add (local.get $a0) (local.get $a1)))
    (f32.store (local.get $out)
      (f32.neg (f32.add (local.get $sa)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
          (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))))
    (local.set $b0 (f32x4.add (local.get $b0) (local.get $b1)))
    (f32.store offset=4 (local.get $out)
      (f32.neg (f32.add (local.get $sb)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $b0)) (f32x4.extract_lane 1 (local.get $b0)))
          (f32.add (f32x4.extract_lane 2 (local.get $b0)) (f32x4.extract_lane 3 (local.get $b0))))))))

  ;; Dot product of the query at q against 2 vectors at once, stored as f32 at out[0..2).
  ;; Independent streams keep 2x as many cache misses in flight: graph search jumps between
  ;; vectors that are rarely cached, so memory latency, not arithmetic, dominates.
  (func $dot_x2 (param $q i32) (param $a i32) (param $b i32) (param $n i32) (param $out i32)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128)
    (local $q0 v128) (local $q1 v128) (local $t v128)
    (local $end i32) (local $sa f32) (local $sb f32) (local $x f32)
    (local.set $end (i32.add (local.get $q) (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2))))
    (block $done8
      (loop $loop8
        (br_if $done8 (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $q0 (v128.load (local.get $q)))
        (local.set $q1 (v128.load offset=16 (local.get $q)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $a)) (local.get $q0))))
        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $a)) (local.get $q1))))
        (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (v128.load (local.get $b)) (local.get $q0))))
        (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (v128.load offset=16 (local.get $b)) (local.get $q1))))
        (local.set $q (i32.add (local.get $q) (i32.const 32)))
        (local.set $a (i32.add (local.get $a) (i32.const 32)))
        (local.set $b (i32.add (local.get $b) (i32.const 32)))
        (br $loop8)))
    (if (i32.and (local.get $n) (i32.const 4))
      (then
        (local.set $q0 (v128.load (local.get $q)))
        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $a)) (local.get $q0))))
        (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (v128.load (local.get $b)) (local.get $q0))))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))))
    (local.set $end (i32.add (local.get $q) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $q) (local.get $end)))
        (local.set $x (f32.load (local.get $q)))
        (local.set $sa (f32.add (local.get $sa) (f32.mul (f32.load (local.get $a)) (local.get $x))))
        (local.set $sb (f32.add (local.get $sb) (f32.mul (f32.load (local.get $b)) (local.get $x))))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (local.set $a (i32.add (local.get $a) (i32.const 4)))
        (local.set $b (i32.add (local.get $b) (i32.const 4)))
        (br $loop1)))
    (local.set $a0 (f32x4.add (local.get $a0) (local.get $a1)))
    (f32.store (local.get $out)
      (f32.add (local.get $sa)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
          (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0))))))
    (local.set $b0 (f32x4.add (local.get $b0) (local.get $b1)))
    (f32.store offset=4 (local.get $out)
      (f32.add (local.get $sb)
        (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $b0)) (f32x4.extract_lane 1 (local.get $b0)))
          (f32.add (f32x4.extract_lane 2 (local.get $b0)) (f32x4.extract_lane 3 (local.get $b0)))))))

  ;; Scores the query at q against the vectors base + ids[i] * stride (bytes) for i < count,
  ;; writing f32 scores to out. The graph search gathers a node's unvisited neighbours into ids
  ;; and scores them in one call, so the JS/WASM boundary is crossed once per expansion.
  (func (export "score_batch")
    (param $metric i32) (param $q i32) (param $base i32) (param $stride i32) (param $dim i32)
    (param $ids i32) (param $count i32) (param $out i32)
    (local $end i32)
    ;; dot and L2 go four vectors at a time, then two; L1 (and an odd last id) one at a time.
    (if (i32.le_u (local.get $metric) (i32.const 1))
      (then
        (local.set $end (i32.add (local.get $ids) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
        (block $done4
          (loop $next4
            (br_if $done4 (i32.ge_u (local.get $ids) (local.get $end)))
            (if (local.get $metric)
              (then
                (call $l2_x4 (local.get $q)
                  (i32.add (local.get $base) (i32.mul (i32.load (local.get $ids)) (local.get $stride)))
                  (i32.add (local.get $base) (i32.mul (i32.load offset=4 (local.get $ids)) (local.get $stride)))
                  (i32.add (local.get $base) (i32.mul (i32.load offset=8 (local.get $ids)) (local.get $stride)))
                  (i32.add (local.get $base) (i32.mul (i32.load offset=12 (local.get $ids)) (local.get $stride)))
                  (local.get $dim) (local.get $out)))
              (else
                (call $dot_x4 (local.get $q)
                  (i32.add (local.get $base) (i32.mul (i32.load (local.get $ids)) (local.get $stride)))
                  (i32.add (local.get $base) (i32.mul (i32.load offset=4 (local.get $ids)) (local.get $stride)))
                  (i32.add (local.get $base) (i32.mul (i32.load offset=8 (local.get $ids)) (local.get $stride)))
                  (i32.add (local.get $base) (i32.mul (i32.load offset=12 (local.get $ids)) (local.get $stride)))
                  (local.get $dim) (local.get $out))))
            (local.set $ids (i32.add (local.get $ids) (i32.const 16)))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (br $next4)))
        (if (i32.and (local.get $count) (i32.const 2))
          (then
            (if (local.get $metric)
              (then
                (call $l2_x2 (local.get $q)
                  (i32.add (local.get $base) (i32.mul (i32.load (local.get $ids)) (local.get $stride)))
                  (i32.add (local.get $base) (i32.mul (i32.load offset=4 (local.get $ids)) (local.get $stride)))
                  (local.get $dim) (local.get $out)))
              (else
                (call $dot_x2 (local.get $q)
                  (i32.add (local.get $base) (i32.mul (i32.load (local.get $ids)) (local.get $stride)))
                  (i32.add (local.get $base) (i32.mul (i32.load offset=4 (local.get $ids)) (local.get $stride)))
                  (local.get $dim) (local.get $out))))
            (local.set $ids (i32.add (local.get $ids) (i32.const 8)))
            (local.set $out (i32.add (local.get $out) (i32.const 8)))))
        (local.set $count (i32.and (local.get $count) (i32.const 1)))))
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

  ;; Scores the query at q against count consecutive vectors starting at v (exact search);
  ;; dot and L2 four at a time.
  (func (export "score_range")
    (param $metric i32) (param $q i32) (param $v i32) (param $stride i32) (param $dim i32)
    (param $count i32) (param $out i32)
    (local $end i32)
    (if (i32.le_u (local.get $metric) (i32.const 1))
      (then
        (local.set $end (i32.add (local.get $out) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
        (block $done4
          (loop $next4
            (br_if $done4 (i32.ge_u (local.get $out) (local.get $end)))
            (if (local.get $metric)
              (then
                (call $l2_x4 (local.get $q)
                  (local.get $v)
                  (i32.add (local.get $v) (i32.mul (local.get $stride) (i32.const 1)))
                  (i32.add (local.get $v) (i32.mul (local.get $stride) (i32.const 2)))
                  (i32.add (local.get $v) (i32.mul (local.get $stride) (i32.const 3)))
                  (local.get $dim) (local.get $out)))
              (else
                (call $dot_x4 (local.get $q)
                  (local.get $v)
                  (i32.add (local.get $v) (i32.mul (local.get $stride) (i32.const 1)))
                  (i32.add (local.get $v) (i32.mul (local.get $stride) (i32.const 2)))
                  (i32.add (local.get $v) (i32.mul (local.get $stride) (i32.const 3)))
                  (local.get $dim) (local.get $out))))
            (local.set $v (i32.add (local.get $v) (i32.shl (local.get $stride) (i32.const 2))))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (br $next4)))
        (local.set $count (i32.and (local.get $count) (i32.const 3)))))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $out) (local.get $end)))
        (f32.store (local.get $out)
          (call $score (local.get $metric) (local.get $q) (local.get $v) (local.get $dim)))
        (local.set $v (i32.add (local.get $v) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $next))))

  ;; ---- Quantized codes (src/quantization/) ----
  ;; Asymmetric scoring reads a float query against byte codes; symmetric scoring reads codes on
  ;; both sides. The batch entry point applies the affine correction of the codec in place, so a
  ;; search crosses the JS/WASM boundary once per expanded node here too.

  ;; Dot product of n f32 (query) with n signed bytes (codes), widened to f32 in registers.
  (func $dot_f32_i8 (export "dot_f32_i8") (param $q i32) (param $c i32) (param $n i32) (result f32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $v v128) (local $h v128) (local $end i32) (local $s f32)
    (local.set $end (i32.add (local.get $c) (i32.and (local.get $n) (i32.const -16))))
    (block $done16
      (loop $loop16
        (br_if $done16 (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $v (v128.load (local.get $c)))
        (local.set $h (i16x8.extend_low_i8x16_s (local.get $v)))
        (local.set $acc0 (f32x4.add (local.get $acc0)
          (f32x4.mul (v128.load (local.get $q))
            (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $h))))))
        (local.set $acc1 (f32x4.add (local.get $acc1)
          (f32x4.mul (v128.load offset=16 (local.get $q))
            (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $h))))))
        (local.set $h (i16x8.extend_high_i8x16_s (local.get $v)))
        (local.set $acc2 (f32x4.add (local.get $acc2)
          (f32x4.mul (v128.load offset=32 (local.get $q))
            (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $h))))))
        (local.set $acc3 (f32x4.add (local.get $acc3)
          (f32x4.mul (v128.load offset=48 (local.get $q))
            (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $h))))))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $loop16)))
    (local.set $end (i32.add (local.get $c) (i32.and (local.get $n) (i32.const 15))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $s (f32.add (local.get $s)
          (f32.mul (f32.load (local.get $q)) (f32.convert_i32_s (i32.load8_s (local.get $c))))))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $loop1)))
    (local.set $acc0 (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1))
                                (f32x4.add (local.get $acc2) (local.get $acc3))))
    (f32.add (local.get $s)
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0))))))

  ;; Weighted L1 of n f32 (query t, weights w) against n signed bytes: sum |w[i] * c[i] - t[i]|.
  ;; With w the per-dimension step and t the query minus the offset, this is the Manhattan
  ;; distance from the query to the decoded vector.
  (func $l1w_f32_i8 (export "l1w_f32_i8") (param $t i32) (param $w i32) (param $c i32) (param $n i32) (result f32)
    (local $acc v128) (local $end i32) (local $s f32)
    (local.set $end (i32.add (local.get $c) (i32.and (local.get $n) (i32.const -4))))
    (block $done4
      (loop $loop4
        (br_if $done4 (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $acc (f32x4.add (local.get $acc)
          (f32x4.abs (f32x4.sub
            (f32x4.mul (v128.load (local.get $w))
              (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (i16x8.extend_low_i8x16_s
                (v128.load32_zero (local.get $c))))))
            (v128.load (local.get $t))))))
        (local.set $t (i32.add (local.get $t) (i32.const 16)))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $loop4)))
    (local.set $end (i32.add (local.get $c) (i32.and (local.get $n) (i32.const 3))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $s (f32.add (local.get $s)
          (f32.abs (f32.sub
            (f32.mul (f32.load (local.get $w)) (f32.convert_i32_s (i32.load8_s (local.get $c))))
            (f32.load (local.get $t))))))
        (local.set $t (i32.add (local.get $t) (i32.const 4)))
        (local.set $w (i32.add (local.get $w) (i32.const 4)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $loop1)))
    (f32.add (local.get $s)
      (f32.add
        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))))

  ;; Hamming distance of n 64-bit words: popcount(a xor b), two words per SIMD step.
  (func $hamming_u64 (export "hamming_u64") (param $a i32) (param $b i32) (param $n i32) (result i32)
    (local $acc v128) (local $end i32) (local $s i32)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done2
      (loop $loop2
        (br_if $done2 (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $acc (i32x4.add (local.get $acc)
          (i32x4.extadd_pairwise_i16x8_u
            (i16x8.extadd_pairwise_i8x16_u
              (i8x16.popcnt (v128.xor (v128.load (local.get $a)) (v128.load (local.get $b))))))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $loop2)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $s (i32.wrap_i64
          (i64.popcnt (i64.xor (i64.load (local.get $a)) (i64.load (local.get $b))))))))
    (i32.add (local.get $s)
      (i32.add
        (i32.add (i32x4.extract_lane 0 (local.get $acc)) (i32x4.extract_lane 1 (local.get $acc)))
        (i32.add (i32x4.extract_lane 2 (local.get $acc)) (i32x4.extract_lane 3 (local.get $acc))))))

  ;; Product-quantization distance by lookup (ADC): sum over j < m of lut[j * 256 + c[j]] (f32).
  (func $adc_u8 (export "adc_u8") (param $lut i32) (param $c i32) (param $m i32) (result f32)
    (local $end i32) (local $s0 f32) (local $s1 f32)
    (local.set $end (i32.add (local.get $c) (i32.and (local.get $m) (i32.const -2))))
    (block $done2
      (loop $loop2
        (br_if $done2 (i32.ge_u (local.get $c) (local.get $end)))
        (local.set $s0 (f32.add (local.get $s0)
          (f32.load (i32.add (local.get $lut) (i32.shl (i32.load8_u (local.get $c)) (i32.const 2))))))
        (local.set $s1 (f32.add (local.get $s1)
          (f32.load offset=1024 (i32.add (local.get $lut)
            (i32.shl (i32.load8_u offset=1 (local.get $c)) (i32.const 2))))))
        (local.set $lut (i32.add (local.get $lut) (i32.const 2048)))
        (local.set $c (i32.add (local.get $c) (i32.const 2)))
        (br $loop2)))
    (if (i32.and (local.get $m) (i32.const 1))
      (then
        (local.set $s0 (f32.add (local.get $s0)
          (f32.load (i32.add (local.get $lut) (i32.shl (i32.load8_u (local.get $c)) (i32.const 2))))))))
    (f32.add (local.get $s0) (local.get $s1)))

  ;; The raw code score of kind k (codes in src/kernels/quant-kernels.ts):
  ;; 0 dot f32 x i8, 1 weighted L1 f32 x i8 (aux = weights), 2 dot i8 x i8, 3 squared L2
  ;; i8 x i8, 4 Hamming over n u64 words, 5 PQ lookup over n sub-vectors (q = the table).
  (func $qraw (param $kind i32) (param $q i32) (param $aux i32) (param $c i32) (param $n i32) (result f32)
    (block $hamming
      (block $l2i8
        (block $doti8
          (block $l1w
            (block $dot
              ;; kinds 4 and above take the default branch, then split below.
              (br_table $dot $l1w $doti8 $l2i8 $hamming (local.get $kind)))
            (return (call $dot_f32_i8 (local.get $q) (local.get $c) (local.get $n))))
          (return (call $l1w_f32_i8 (local.get $q) (local.get $aux) (local.get $c) (local.get $n))))
        (return (f32.convert_i32_s (call $dot_i8 (local.get $q) (local.get $c) (local.get $n)))))
      (return (f32.convert_i32_s (call $l2_i8 (local.get $q) (local.get $c) (local.get $n)))))
    (if (result f32) (i32.eq (local.get $kind) (i32.const 4))
      (then (f32.convert_i32_u (call $hamming_u64 (local.get $q) (local.get $c) (local.get $n))))
      (else (call $adc_u8 (local.get $q) (local.get $c) (local.get $n)))))

  ;; Scores the query at q against codes base + ids[i] * stride for i < count:
  ;; out[i] = mul * raw + add + (corr ? corr[ids[i]] : 0), raw as in $qraw. mul, add and the
  ;; per-vector corrections turn a code score into the codec's estimate of the true score.
  (func (export "qscore_batch")
    (param $kind i32) (param $q i32) (param $aux i32) (param $base i32) (param $stride i32)
    (param $n i32) (param $ids i32) (param $count i32) (param $out i32)
    (param $mul f32) (param $add f32) (param $corr i32)
    (local $end i32) (local $id i32) (local $s f32)
    (local.set $end (i32.add (local.get $ids) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ids) (local.get $end)))
        (local.set $id (i32.load (local.get $ids)))
        (local.set $s (f32.add
          (f32.mul (local.get $mul)
            (call $qraw (local.get $kind) (local.get $q) (local.get $aux)
              (i32.add (local.get $base) (i32.mul (local.get $id) (local.get $stride)))
              (local.get $n)))
          (local.get $add)))
        (if (local.get $corr)
          (then (local.set $s (f32.add (local.get $s)
            (f32.load (i32.add (local.get $corr) (i32.shl (local.get $id) (i32.const 2))))))))
        (f32.store (local.get $out) (local.get $s))
        (local.set $ids (i32.add (local.get $ids) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $next))))
)
