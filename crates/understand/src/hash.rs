//! Stable 64-bit hashing of tokens and features.
//!
//! Saved models index their weights by these hashes, so the function must
//! never change with a dependency's version: it is written here (an FxHash-style
//! multiply-rotate per byte, finished with the SplitMix64 avalanche) and pinned
//! by a test. Tokens are hashed byte by byte as the tokenizer lowercases them,
//! so no token string is ever allocated.

const K: u64 = 0x517c_c1b7_2722_0a95;
const START: u64 = 0xcbf2_9ce4_8422_2325;

/// Hashes a token as it is being read.
#[derive(Clone, Copy)]
pub struct TokenHasher(u64);

impl Default for TokenHasher {
    fn default() -> Self {
        TokenHasher(START)
    }
}

impl TokenHasher {
    #[inline]
    pub fn push_byte(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(K);
    }
    #[inline]
    pub fn push_char(&mut self, c: char) {
        if c.is_ascii() {
            self.push_byte(c as u8);
        } else {
            let mut buf = [0u8; 4];
            for &b in c.encode_utf8(&mut buf).as_bytes() {
                self.push_byte(b);
            }
        }
    }
    #[inline]
    pub fn finish(self) -> u64 {
        avalanche(self.0)
    }
}

/// The hash of a string as the tokenizer would hash it (bytes as given).
pub fn hash_str(s: &str) -> u64 {
    let mut h = TokenHasher::default();
    for b in s.bytes() {
        h.push_byte(b);
    }
    h.finish()
}

/// Combines two hashes (bigrams, feature namespaces); order matters.
#[inline]
pub fn combine(a: u64, b: u64) -> u64 {
    avalanche(a.rotate_left(17) ^ b.wrapping_mul(K))
}

/// SplitMix64's finaliser: every input bit moves every output bit.
#[inline]
pub fn avalanche(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A hasher for maps keyed by these hashes: they are already mixed, so the
/// map uses them as they are.
#[derive(Default, Clone, Copy)]
pub struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ b as u64).wrapping_mul(K);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub type HashMap64<V> = std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<PassThrough>>;

/// A small deterministic random generator (SplitMix64) for shuffling and splits.
pub struct SplitMix(pub u64);

impl SplitMix {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        avalanche(self.0)
    }
    /// A value in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_pinned_because_saved_models_depend_on_them() {
        assert_eq!(hash_str("bag"), hash_str("bag"));
        assert_ne!(hash_str("bag"), hash_str("bags"));
        assert_eq!(hash_str("waiting"), 304337887485003891, "changing the hash breaks every saved model");
    }

    #[test]
    fn shuffles_are_deterministic() {
        let a: Vec<usize> = { let mut r = SplitMix(7); (0..5).map(|_| r.below(100)).collect() };
        let b: Vec<usize> = { let mut r = SplitMix(7); (0..5).map(|_| r.below(100)).collect() };
        assert_eq!(a, b);
    }
}
