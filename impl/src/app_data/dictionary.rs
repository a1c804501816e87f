//! The `app_data_dictionary` GroupContext extension registered with mls-rs
//! (U1), and [`Dictionary`], a dictionary known to be sorted and unique,
//! which the rules change in one linear merge (U5, U7).
//!
//! Like `application_states` ([`crate::extension`]), the extension
//! implements `MlsExtension` directly, so that it decodes exactly.

use std::collections::BTreeMap;

use mls_rs::ExtensionList;
use mls_rs_core::extension::{Extension, ExtensionType, MlsExtension};

use super::codec::{AppDataDictionary, ComponentData, ComponentId};
use super::error::DictionaryDefect;
use crate::codec::{self, CodecError};
use crate::constants::APP_DATA_DICTIONARY_EXTENSION_TYPE;

impl MlsExtension for AppDataDictionary {
    type SerializationError = CodecError;
    type DeserializationError = CodecError;

    fn extension_type() -> ExtensionType {
        APP_DATA_DICTIONARY_EXTENSION_TYPE
    }

    fn to_bytes(&self) -> Result<Vec<u8>, CodecError> {
        codec::encode(self)
    }

    fn from_bytes(data: &[u8]) -> Result<Self, CodecError> {
        codec::decode_exact(data)
    }
}

/// An `app_data_dictionary` whose entries are sorted by `component_id`,
/// one per id: the only kind the rules use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Dictionary {
    entries: Vec<ComponentData>,
}

impl Dictionary {
    /// Check that `entries` are sorted by id and unique (one pass).
    pub fn new(entries: Vec<ComponentData>) -> Result<Self, DictionaryDefect> {
        for pair in entries.windows(2) {
            let (earlier, later) = (pair[0].component_id(), pair[1].component_id());
            if earlier == later {
                return Err(DictionaryDefect::RepeatedComponentId(later));
            }
            if earlier > later {
                return Err(DictionaryDefect::Unsorted { earlier, later });
            }
        }
        Ok(Self { entries })
    }

    /// Decode and check the dictionary in `extensions`. `Ok(None)` when the
    /// extension is absent.
    pub fn from_extensions(extensions: &ExtensionList) -> Result<Option<Self>, DictionaryDefect> {
        let Some(extension) = extensions.get(APP_DATA_DICTIONARY_EXTENSION_TYPE) else {
            return Ok(None);
        };
        let decoded = codec::decode_exact::<AppDataDictionary>(&extension.extension_data)
            .map_err(DictionaryDefect::Malformed)?;
        Self::new(decoded.into_entries()).map(Some)
    }

    /// The data of `component_id`, if it has an entry (binary search).
    pub fn get(&self, component_id: ComponentId) -> Option<&[u8]> {
        self.entries
            .binary_search_by_key(&component_id, ComponentData::component_id)
            .ok()
            .map(|at| self.entries[at].data())
    }

    /// The entries, sorted by id.
    pub fn entries(&self) -> &[ComponentData] {
        &self.entries
    }

    /// Take the entries out, sorted by id.
    pub fn into_entries(self) -> Vec<ComponentData> {
        self.entries
    }

    /// Apply `changes` (per id: `Some(data)` sets or creates the entry,
    /// `None` removes it) in one merge of two sorted lists, so the cost is
    /// linear in the entries plus the changes. A created entry lands at its
    /// sorted place (U7); removing an absent id changes nothing (the rules
    /// refuse that before, U5).
    pub fn merge(self, changes: BTreeMap<ComponentId, Option<Vec<u8>>>) -> Self {
        let mut merged = Vec::with_capacity(self.entries.len() + changes.len());
        let mut changes = changes.into_iter().peekable();
        for entry in self.entries {
            while let Some((id, _)) = changes.peek()
                && *id < entry.component_id()
            {
                if let Some((id, Some(data))) = changes.next() {
                    merged.push(ComponentData::new(id, data));
                }
            }
            match changes.peek() {
                Some((id, _)) if *id == entry.component_id() => {
                    if let Some((id, Some(data))) = changes.next() {
                        merged.push(ComponentData::new(id, data));
                    }
                }
                _ => merged.push(entry),
            }
        }
        merged.extend(changes.filter_map(|(id, data)| Some(ComponentData::new(id, data?))));
        Self { entries: merged }
    }

    /// A copy of `extensions` holding this dictionary: replaced in place if
    /// the extension was there, otherwise appended at the end (U7: "add one
    /// to the end of the `extensions` list in the GroupContext"; mls-rs's
    /// `ExtensionList::set` does exactly that).
    pub fn into_extensions(self, extensions: &ExtensionList) -> Result<ExtensionList, CodecError> {
        let mut updated = extensions.clone();
        let body = codec::encode(&AppDataDictionary::new(self.entries))?;
        updated.set(Extension::new(APP_DATA_DICTIONARY_EXTENSION_TYPE, body));
        Ok(updated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dictionary(ids: &[ComponentId]) -> Result<Dictionary, DictionaryDefect> {
        Dictionary::new(
            ids.iter()
                .map(|&id| ComponentData::new(id, vec![]))
                .collect(),
        )
    }

    #[test]
    fn only_sorted_unique_lists_are_dictionaries() {
        assert!(dictionary(&[]).is_ok());
        assert!(dictionary(&[1, 2, 9]).is_ok());
        assert_eq!(
            dictionary(&[1, 3, 3]),
            Err(DictionaryDefect::RepeatedComponentId(3))
        );
        assert_eq!(
            dictionary(&[1, 5, 4]),
            Err(DictionaryDefect::Unsorted {
                earlier: 5,
                later: 4
            })
        );
    }

    #[test]
    fn merge_sets_creates_in_order_and_removes() {
        let start = Dictionary::new(vec![
            ComponentData::new(2, b"b".to_vec()),
            ComponentData::new(5, b"e".to_vec()),
            ComponentData::new(9, b"i".to_vec()),
        ])
        .unwrap();
        let changes = BTreeMap::from([
            (1, Some(b"A".to_vec())),
            (5, None),
            (7, Some(b"G".to_vec())),
            (9, Some(b"I".to_vec())),
            (12, Some(b"L".to_vec())),
        ]);
        let merged = start.merge(changes);
        let expected: Vec<(ComponentId, &[u8])> =
            vec![(1, b"A"), (2, b"b"), (7, b"G"), (9, b"I"), (12, b"L")];
        let got: Vec<(ComponentId, &[u8])> = merged
            .entries()
            .iter()
            .map(|e| (e.component_id(), e.data()))
            .collect();
        assert_eq!(got, expected);
        assert_eq!(merged.get(7), Some(&b"G"[..]));
        assert_eq!(merged.get(5), None);
    }
}
