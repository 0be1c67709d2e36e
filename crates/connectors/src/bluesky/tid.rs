//! Record keys for replies: an AT Protocol TID (timestamp identifier, 13
//! characters of base32-sortable) made from the time the reply was queued and
//! its idempotency key, so every attempt to send one outbox item writes the
//! same record key and the PDS can never hold two copies.

const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// The TID for a reply queued at `queued_at_ms` with `key`: 53 bits of
/// microseconds, 10 bits of "clock id" taken from a hash of the key.
pub fn reply_tid(queued_at_ms: i64, key: &str) -> String {
    let micros = (queued_at_ms.max(0) as u64).saturating_mul(1000) & ((1u64 << 53) - 1);
    let hash = fnv1a(key);
    let micros = micros | ((hash >> 10) & 0x3ff); // spread keys queued in the same millisecond
    let value = (micros << 10) | (hash & 0x3ff);
    (0..13).map(|i| ALPHABET[((value >> (60 - 5 * i)) & 31) as usize] as char).collect()
}

/// FNV-1a of `s`: stable across builds and platforms, unlike std's hasher.
pub fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// Whether `s` has the TID syntax (what the PDS checks for a post's key).
pub fn is_tid(s: &str) -> bool {
    s.len() == 13
        && s.bytes().all(|b| ALPHABET.contains(&b))
        && matches!(s.as_bytes()[0], b'2'..=b'7' | b'a'..=b'j')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_valid_and_distinct() {
        let a = reply_tid(1_764_201_600_000, "sb-1-abc");
        assert_eq!(a, reply_tid(1_764_201_600_000, "sb-1-abc"));
        assert!(is_tid(&a), "{a}");
        assert_ne!(a, reply_tid(1_764_201_600_000, "sb-2-abc"));
        assert!(is_tid(&reply_tid(0, "")));
        assert!(is_tid(&reply_tid(i64::MAX, "x")));
        // Later replies sort later.
        assert!(reply_tid(1_764_201_600_000, "k") < reply_tid(1_764_201_700_000, "k"));
    }
}
