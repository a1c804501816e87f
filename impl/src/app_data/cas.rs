//! [`Cas`], the compare-and-swap component: the lost-update remedy the
//! successor permits without a change to the draft ("what an update means
//! is up to each component").
//!
//! A Cas update carries a digest of the data it was computed from and the
//! new data. Applying it checks the digest against the component's current
//! data and refuses on a mismatch, so when two members compute updates from
//! the same data, the first committed wins and the second is refused (by
//! the committer, or, if forced into a commit, by every receiver), instead
//! of silently overwriting the first.
//!
//! The update bytes (this crate's choice; the draft defines none):
//!
//! ```text
//! struct {
//!     opaque expected_digest<V>;  /* SHA-256 of the data read; empty: no entry */
//!     opaque new_data<V>;
//! } CasUpdate;
//! ```
//!
//! An empty `expected_digest` means "the component had no entry", which
//! differs from an entry holding empty data (whose digest is SHA-256 of the
//! empty string). Several Cas updates for one component in one commit form a
//! chain: each must name the digest of the data the previous one produced.

use sha2::{Digest, Sha256};
use tls_codec::{TlsDeserialize, TlsSerialize, TlsSize, VLBytes};

use super::codec::{AppDataUpdate, ComponentId};
use super::component::{Component, ComponentRefusal};
use crate::codec::{self, CodecError, LengthLimits};

/// Length of a SHA-256 digest.
pub const CAS_DIGEST_LEN: usize = 32;

/// The compare-and-swap component (see the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cas;

impl Cas {
    /// The digest a Cas update names for data `read`: SHA-256 of the data,
    /// or empty when the component had no entry.
    pub fn digest(read: Option<&[u8]>) -> Vec<u8> {
        read.map_or_else(Vec::new, |data| Sha256::digest(data).to_vec())
    }
}

impl Component for Cas {
    fn apply(&self, current: Option<&[u8]>, update: &[u8]) -> Result<Vec<u8>, ComponentRefusal> {
        let cas = CasUpdate::decode(update).map_err(ComponentRefusal::Malformed)?;
        let expected = cas.expected_digest();
        if !expected.is_empty() && expected.len() != CAS_DIGEST_LEN {
            return Err(ComponentRefusal::InvalidDigestLength(expected.len()));
        }
        if expected != Cas::digest(current).as_slice() {
            return Err(ComponentRefusal::Conflict);
        }
        Ok(cas.new_data.as_slice().to_vec())
    }
}

/// The update bytes of a [`Cas`] component (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq, Hash, TlsSerialize, TlsDeserialize, TlsSize)]
pub struct CasUpdate {
    expected_digest: VLBytes,
    new_data: VLBytes,
}

impl CasUpdate {
    /// An update to `new_data`, computed from the data `read` (`None`: the
    /// component had no entry when it was read).
    pub fn new(read: Option<&[u8]>, new_data: impl Into<Vec<u8>>) -> Self {
        Self {
            expected_digest: VLBytes::new(Cas::digest(read)),
            new_data: VLBytes::new(new_data.into()),
        }
    }

    /// The digest of the data the update was computed from (empty: none).
    pub fn expected_digest(&self) -> &[u8] {
        self.expected_digest.as_slice()
    }

    /// The data the component holds after the update.
    pub fn new_data(&self) -> &[u8] {
        self.new_data.as_slice()
    }

    /// Decode exactly one CasUpdate.
    pub fn decode(bytes: &[u8]) -> Result<Self, CodecError> {
        codec::decode_exact(bytes)
    }

    /// The encoded update bytes.
    pub fn encode(&self) -> Result<Vec<u8>, CodecError> {
        codec::encode(self)
    }

    /// The AppDataUpdate proposal carrying this update for `component_id`.
    pub fn to_proposal(&self, component_id: ComponentId) -> Result<AppDataUpdate, CodecError> {
        Ok(AppDataUpdate::update(component_id, self.encode()?))
    }
}

impl LengthLimits for CasUpdate {
    fn check_lengths(&self) -> Result<(), CodecError> {
        self.expected_digest.check_lengths()?;
        self.new_data.check_lengths()
    }
}

/// The AppDataUpdate that sets `component_id` to `new_data` if, when it is
/// applied, the component still holds the data `read` (what the application
/// read, e.g. from [`AppDataGroupExt::component_data`](super::AppDataGroupExt::component_data)).
pub fn cas_update(
    component_id: ComponentId,
    read: Option<&[u8]>,
    new_data: impl Into<Vec<u8>>,
) -> Result<AppDataUpdate, CodecError> {
    CasUpdate::new(read, new_data).to_proposal(component_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(update: &CasUpdate) -> Vec<u8> {
        update.encode().unwrap()
    }

    #[test]
    fn applies_when_the_digest_matches() {
        let update = CasUpdate::new(Some(b"v1"), b"v2".to_vec());
        assert_eq!(Cas.apply(Some(b"v1"), &bytes(&update)), Ok(b"v2".to_vec()));
        let create = CasUpdate::new(None, b"v1".to_vec());
        assert_eq!(Cas.apply(None, &bytes(&create)), Ok(b"v1".to_vec()));
    }

    #[test]
    fn refuses_a_mismatch_and_tells_absent_from_empty() {
        let update = CasUpdate::new(Some(b"v1"), b"v2".to_vec());
        assert_eq!(
            Cas.apply(Some(b"other"), &bytes(&update)),
            Err(ComponentRefusal::Conflict)
        );
        let create = CasUpdate::new(None, b"x".to_vec());
        assert_eq!(
            Cas.apply(Some(b""), &bytes(&create)),
            Err(ComponentRefusal::Conflict)
        );
        let from_empty = CasUpdate::new(Some(b""), b"x".to_vec());
        assert_eq!(
            Cas.apply(None, &bytes(&from_empty)),
            Err(ComponentRefusal::Conflict)
        );
    }

    #[test]
    fn refuses_malformed_updates() {
        assert!(matches!(
            Cas.apply(None, b"\x05ab"),
            Err(ComponentRefusal::Malformed(_))
        ));
        let short = CasUpdate {
            expected_digest: VLBytes::new(vec![1, 2, 3]),
            new_data: VLBytes::new(Vec::new()),
        };
        assert_eq!(
            Cas.apply(None, &bytes(&short)),
            Err(ComponentRefusal::InvalidDigestLength(3))
        );
    }
}
