//! Rendered files held compressed while a run decides whether to write them.
//!
//! `render` compares each rendered file with the output folder as it renders it, but may write
//! only once every finding is in, so it holds the files that differ. An output folder written
//! from scratch is every file: about 300 MB of YAML for 10,000 services. Holding that much raw
//! would make memory grow with the output, and rendering the services again to write them cost
//! a third of the run. Compressed, it fits: rendered files of one name (`manifests.yaml`, the
//! Flux Kustomization, `kustomization.yaml`) are alike, so each is compressed (lz4, fast in
//! both directions) against the first file of its name the run held, as a dictionary: about
//! 30 KB per service instead of 30 KB per file for lz4 alone (9× smaller than the YAML,
//! against 3×). Files over [`super::HOLD_LIMIT`] even compressed are still rendered again.
//! The bytes written are the bytes rendered: compression is lossless, and nothing else reads
//! the held form.

use crate::error::{Error, Result};
use crate::render::OutputFile;
use std::sync::{Arc, Mutex, PoisonError};

/// lz4 refers at most this far back, so a longer dictionary is only its end: keep its start.
const DICTIONARY_BYTES: usize = 64 << 10;

/// Compresses held files, with one dictionary per file name.
#[derive(Debug, Default)]
pub(super) struct Packer {
    dictionaries: Mutex<Vec<(String, Arc<[u8]>)>>,
}

/// One rendered file, compressed.
#[derive(Debug)]
pub(super) struct Packed {
    pub(super) path: String,
    bytes: Vec<u8>,
    len: usize,
    dictionary: Arc<[u8]>,
}

impl Packer {
    pub(super) fn pack(&self, f: OutputFile) -> Packed {
        let dictionary = self.dictionary_for(&f);
        Packed {
            bytes: lz4_flex::block::compress_with_dict(f.contents.as_bytes(), &dictionary),
            len: f.contents.len(),
            path: f.path,
            dictionary,
        }
    }

    /// The dictionary of `f`'s file name: the first such file packed.
    fn dictionary_for(&self, f: &OutputFile) -> Arc<[u8]> {
        let name = f.path.rsplit('/').next().unwrap_or(&f.path);
        let mut dictionaries = self
            .dictionaries
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some((_, d)) = dictionaries.iter().find(|(n, _)| n == name) {
            return Arc::clone(d);
        }
        let bytes = f.contents.as_bytes();
        let d: Arc<[u8]> = Arc::from(&bytes[..bytes.len().min(DICTIONARY_BYTES)]);
        dictionaries.push((name.to_string(), Arc::clone(&d)));
        d
    }
}

impl Packed {
    /// The memory it holds.
    pub(super) fn held_bytes(&self) -> usize {
        self.bytes.len()
    }

    pub(super) fn unpack(self) -> Result<OutputFile> {
        let internal = |why: String| {
            Error::Other(format!(
                "internal error: the rendered file {} could not be restored from memory ({why}); nothing was written for it",
                self.path
            ))
        };
        let bytes = lz4_flex::block::decompress_with_dict(&self.bytes, self.len, &self.dictionary)
            .map_err(|e| internal(e.to_string()))?;
        let contents = String::from_utf8(bytes).map_err(|e| internal(e.to_string()))?;
        Ok(OutputFile {
            path: self.path,
            contents,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> OutputFile {
        OutputFile {
            path: path.to_string(),
            contents: contents.to_string(),
        }
    }

    #[test]
    fn files_come_back_byte_for_byte_and_alike_files_pack_small() {
        let packer = Packer::default();
        let first = "kind: FlinkDeployment\nmetadata:\n  name: orders\n".repeat(40);
        let alike = first.replace("orders", "payments");
        let other = "apiVersion: kustomize.config.k8s.io/v1beta1\n";
        let packed = [
            packer.pack(file("prod/orders/manifests.yaml", &first)),
            packer.pack(file("prod/payments/manifests.yaml", &alike)),
            packer.pack(file("prod/payments/kustomization.yaml", other)),
            packer.pack(file("prod/empty/manifests.yaml", "")),
        ];
        assert!(
            packed[1].held_bytes() * 20 < alike.len(),
            "{} of {}",
            packed[1].held_bytes(),
            alike.len()
        );
        let back: Vec<OutputFile> = packed
            .into_iter()
            .map(|p| p.unpack().expect("unpacks"))
            .collect();
        assert_eq!(back[0].contents, first);
        assert_eq!(back[1].contents, alike);
        assert_eq!(back[1].path, "prod/payments/manifests.yaml");
        assert_eq!(back[2].contents, other);
        assert_eq!(back[3].contents, "");
    }
}
