//! Recognising uploaded documents by their content, never by their name.

use sha2::{Digest, Sha256};

/// Largest document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 5 * 1024 * 1024;
/// Most documents one application may carry.
pub const MAX_DOCUMENTS: usize = 5;

/// A document format applications may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentFormat {
    Pdf,
    Docx,
    Odt,
}

impl DocumentFormat {
    /// Recognises a PDF, DOCX or ODT file from its bytes.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        // A PDF starts with its header; `infer` would accept "%PDF" anywhere in the first
        // kilobyte, which other files can carry in their metadata.
        if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if infer::doc::is_docx(bytes) {
            Some(Self::Docx)
        } else if infer::odf::is_odt(bytes) {
            Some(Self::Odt)
        } else {
            None
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Odt => "application/vnd.oasis.opendocument.text",
        }
    }
}

/// The SHA-256 of a document, hex-encoded.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a character is a control (C0, DEL, C1) or a bidirectional formatting character
/// (marks, embeddings, overrides, isolates): invisible, and able to make `cv\u{202E}fdp.exe`
/// show as `cvexe.pdf`.
fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// A file name as stored and served: without control or bidirectional formatting characters,
/// trimmed; `document` if nothing is left.
pub fn clean_file_name(name: &str) -> String {
    let cleaned: String = name.chars().filter(|c| !is_hidden_control(*c)).collect();
    match cleaned.trim() {
        "" => "document".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_controls_and_bidirectional_formatting() {
        assert_eq!(clean_file_name("cv\u{202E}fdp.exe"), "cvfdp.exe");
        assert_eq!(
            clean_file_name("a\u{200E}\u{200F}\u{202A}\u{202B}\u{202C}\u{202D}\u{2066}\u{2067}\u{2068}\u{2069}\u{061C}b.pdf"),
            "ab.pdf"
        );
        assert_eq!(
            clean_file_name("r\u{e9}sum\u{e9}\r\n\u{0}\u{7f}\u{85}.pdf"),
            "r\u{e9}sum\u{e9}.pdf"
        );
        assert_eq!(clean_file_name(" \u{202E} "), "document");
        assert_eq!(
            clean_file_name("Lettre de motivation.odt"),
            "Lettre de motivation.odt"
        );
    }

    #[test]
    fn pdfs_are_recognised_by_content() {
        assert_eq!(
            DocumentFormat::sniff(b"%PDF-1.7\n%..."),
            Some(DocumentFormat::Pdf)
        );
    }

    #[test]
    fn a_file_that_merely_mentions_pdf_is_not_one() {
        let mut png = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        png.extend_from_slice(b"tEXtComment %PDF-1.4");
        assert_eq!(DocumentFormat::sniff(&png), None);
        assert_eq!(DocumentFormat::sniff(b"%PDF"), None);
    }

    #[test]
    fn a_png_renamed_to_pdf_is_not_a_document() {
        let png = [
            0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D,
        ];
        assert_eq!(DocumentFormat::sniff(&png), None);
        assert_eq!(DocumentFormat::sniff(b"plain text"), None);
        assert_eq!(DocumentFormat::sniff(b""), None);
    }

    #[test]
    fn hashes_are_hex_sha256() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
