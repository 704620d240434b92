//! The text layer of a PDF, with bounded work.

use lopdf::Document;

use super::ImportError;

/// Most pages read: a notice is a few pages; a thousand-page file is not one.
const MAX_PAGES: usize = 50;
/// Most bytes any page's content may decompress to (a deflate bomb stops here).
const MAX_PAGE_CONTENT: usize = 8 * 1024 * 1024;
/// Most characters of text kept.
const MAX_TEXT_CHARS: usize = 400_000;

pub fn text(bytes: &[u8]) -> Result<String, ImportError> {
    let doc = Document::load_mem(bytes).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::UnsupportedSecurityHandler(_) => {
            ImportError::Encrypted
        }
        _ => ImportError::Unreadable("PDF"),
    })?;
    if doc.is_encrypted() || doc.was_encrypted() {
        return Err(ImportError::Encrypted);
    }
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    if pages.is_empty() {
        return Err(ImportError::NoText);
    }
    if pages.len() > MAX_PAGES {
        return Err(ImportError::TooLong(MAX_PAGES));
    }
    let mut text = String::new();
    for page in pages {
        // A page that cannot be read (an unknown font encoding, a bomb) adds nothing.
        for chunk in doc
            .extract_text_chunks_with_limit(&[page], MAX_PAGE_CONTENT)
            .into_iter()
            .flatten()
        {
            text.push_str(&chunk);
        }
        text.push('\n');
        if text.len() > MAX_TEXT_CHARS {
            break;
        }
    }
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    if letters < 100 {
        return Err(ImportError::NoText);
    }
    Ok(text)
}
