//! A hand-built AppSync proposal from a sender the group does not list:
//! mls-rs cannot make one, so it is encoded by hand (RFC 9420, section 6).

use mls_rs::{CipherSuite, CipherSuiteProvider, CryptoProvider, MlsMessage};
use mls_rs_crypto_rustcrypto::RustCryptoProvider;
use tls_codec::VLBytes;

use super::ForgeError;
use crate::codec::{self, AppSync};
use crate::constants::APP_SYNC_PROPOSAL_TYPE;

/// Who a hand-built proposal claims to come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ForgedSender {
    /// `external_senders[index]`, signed with a key that is not the listed one
    /// (or an index past the end of the list).
    External(u32),
    /// A prospective member (RFC 9420 allows only Add from this sender).
    NewMemberProposal,
}

/// Hand-build a PublicMessage carrying `app_sync` as a proposal of `group_id`
/// at `epoch`, from `sender`, signed with a fresh key that the group does not
/// know. mls-rs cannot produce this (its `ExternalGroup` refuses unlisted
/// signers), hence the manual encoding (RFC 9420, section 6).
pub fn unauthorized_app_sync_proposal(
    group_id: &[u8],
    epoch: u64,
    cipher_suite: CipherSuite,
    sender: ForgedSender,
    app_sync: &AppSync,
) -> Result<MlsMessage, ForgeError> {
    const MLS10: u16 = 1;
    const PUBLIC_MESSAGE: u16 = 1;
    const CONTENT_PROPOSAL: u8 = 2;

    // FramedContent
    let mut content = codec::encode(&VLBytes::new(group_id.to_vec()))?;
    content.extend_from_slice(&epoch.to_be_bytes());
    match sender {
        ForgedSender::External(index) => {
            content.push(2);
            content.extend_from_slice(&index.to_be_bytes());
        }
        ForgedSender::NewMemberProposal => content.push(3),
    }
    content.extend(codec::encode(&VLBytes::new(Vec::new()))?); // authenticated_data
    content.push(CONTENT_PROPOSAL);
    content.extend_from_slice(&APP_SYNC_PROPOSAL_TYPE.raw_value().to_be_bytes());
    content.extend(codec::encode(&VLBytes::new(codec::encode(app_sync)?))?);

    // FramedContentTBS: no GroupContext for external / new-member-proposal senders.
    let mut tbs = Vec::new();
    tbs.extend_from_slice(&MLS10.to_be_bytes());
    tbs.extend_from_slice(&PUBLIC_MESSAGE.to_be_bytes());
    tbs.extend_from_slice(&content);
    let mut sign_content = codec::encode(&VLBytes::new(b"MLS 1.0 FramedContentTBS".to_vec()))?;
    sign_content.extend(codec::encode(&VLBytes::new(tbs))?);

    let provider = RustCryptoProvider::default()
        .cipher_suite_provider(cipher_suite)
        .ok_or_else(|| ForgeError::Crypto(format!("unsupported cipher suite {cipher_suite:?}")))?;
    let (secret, _public) = provider
        .signature_key_generate()
        .map_err(|e| ForgeError::Crypto(format!("{e:?}")))?;
    let signature = provider
        .sign(&secret, &sign_content)
        .map_err(|e| ForgeError::Crypto(format!("{e:?}")))?;

    // MLSMessage { version, wire_format, PublicMessage { content, auth } };
    // no membership tag for non-member senders.
    let mut message = Vec::new();
    message.extend_from_slice(&MLS10.to_be_bytes());
    message.extend_from_slice(&PUBLIC_MESSAGE.to_be_bytes());
    message.extend_from_slice(&content);
    message.extend(codec::encode(&VLBytes::new(signature))?);
    Ok(MlsMessage::from_bytes(&message)?)
}
