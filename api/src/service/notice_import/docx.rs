//! The text of a Word (DOCX) file: zipped XML, read with bounded decompression.

use std::io::{Cursor, Read};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::ImportError;

/// Most entries the archive may hold (a DOCX has a few dozen).
const MAX_ENTRIES: usize = 2_000;
/// Most bytes `word/document.xml` may decompress to (a zip bomb stops here).
const MAX_XML_BYTES: u64 = 32 * 1024 * 1024;

pub fn text(bytes: &[u8]) -> Result<String, ImportError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ImportError::Unreadable("DOCX"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(ImportError::Unreadable("DOCX"));
    }
    let file = archive.by_name("word/document.xml").map_err(|e| match e {
        zip::result::ZipError::UnsupportedArchive(_) => ImportError::Encrypted,
        _ => ImportError::Unreadable("DOCX"),
    })?;
    if file.encrypted() {
        return Err(ImportError::Encrypted);
    }
    let mut xml = Vec::new();
    // The declared size can lie: the read itself is bounded.
    file.take(MAX_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|_| ImportError::Unreadable("DOCX"))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(ImportError::Unreadable("DOCX"));
    }
    let text = paragraphs(&xml)?;
    if text.chars().filter(|c| c.is_alphabetic()).count() < 100 {
        return Err(ImportError::NoText);
    }
    Ok(text)
}

/// Paragraphs on lines of their own, table cells separated by tabs, rows by lines, list
/// paragraphs with a bullet.
fn paragraphs(xml: &[u8]) -> Result<String, ImportError> {
    let mut reader = Reader::from_reader(xml);
    let mut out = String::new();
    let mut in_text = false;
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|_| ImportError::Unreadable("DOCX"))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == b"t" => {
                in_text = true;
            }
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                b"tab" => out.push('\t'),
                b"br" | b"cr" => out.push('\n'),
                b"numPr" => out.push_str("• "),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"t" => in_text = false,
                b"p" => out.push('\n'),
                b"tc" => {
                    if out.ends_with('\n') {
                        out.pop();
                    }
                    out.push('\t');
                }
                b"tr" => out.push('\n'),
                _ => {}
            },
            Event::Text(t) if in_text => {
                let text = t.decode().map_err(|_| ImportError::Unreadable("DOCX"))?;
                out.push_str(
                    &quick_xml::escape::unescape(&text)
                        .map_err(|_| ImportError::Unreadable("DOCX"))?,
                );
            }
            Event::GeneralRef(r) if in_text => {
                let name = r.decode().map_err(|_| ImportError::Unreadable("DOCX"))?;
                let entity = format!("&{name};");
                out.push_str(
                    &quick_xml::escape::unescape(&entity)
                        .map_err(|_| ImportError::Unreadable("DOCX"))?,
                );
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}
