//! Text encodings of export files: UTF-8 (with or without BOM), UTF-16 and Windows-1251, detected
//! or set per source (`encoding = "windows-1251"`).

use serde::Deserialize;

/// `encoding` of a source.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// BOM first; then UTF-16 by its zero bytes; then UTF-8 if the bytes are valid UTF-8; else
    /// Windows-1251, the usual encoding of Russian exports from older tools.
    #[default]
    Auto,
    #[serde(rename = "utf-8")]
    Utf8,
    #[serde(rename = "utf-16")]
    Utf16,
    #[serde(rename = "windows-1251")]
    Windows1251,
}

/// Decodes a whole file; returns the text and the name of the encoding used.
pub fn decode(bytes: &[u8], encoding: Encoding) -> (String, &'static str) {
    let chosen = match encoding {
        Encoding::Utf8 => encoding_rs::UTF_8,
        Encoding::Windows1251 => encoding_rs::WINDOWS_1251,
        Encoding::Utf16 => utf16_flavour(bytes),
        Encoding::Auto => match encoding_rs::Encoding::for_bom(bytes) {
            Some((enc, _)) => enc,
            None if looks_utf16(bytes) => utf16_flavour(bytes),
            None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
            None => encoding_rs::WINDOWS_1251,
        },
    };
    let (text, _had_errors) = chosen.decode_with_bom_removal(bytes);
    (text.into_owned(), chosen.name())
}

/// Decodes one line of an ASCII-compatible encoding (UTF-8 or Windows-1251). With `auto`, a line that
/// is valid UTF-8 is UTF-8 and any other is Windows-1251, so a file that mixes both still reads.
pub fn decode_line(bytes: &[u8], encoding: Encoding) -> std::borrow::Cow<'_, str> {
    match encoding {
        Encoding::Windows1251 => encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes).0,
        Encoding::Utf8 => String::from_utf8_lossy(bytes),
        Encoding::Auto | Encoding::Utf16 => match std::str::from_utf8(bytes) {
            Ok(s) => std::borrow::Cow::Borrowed(s),
            Err(_) => encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes).0,
        },
    }
}

/// UTF-16 text of mostly ASCII or Cyrillic has a zero (or 0x04) byte in every other place.
pub(crate) fn looks_utf16(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return false;
    }
    let zeros_odd = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0 || b == 4).count();
    let zeros_even = sample.iter().step_by(2).filter(|&&b| b == 0 || b == 4).count();
    let half = sample.len() / 2;
    zeros_odd * 10 >= half * 6 || zeros_even * 10 >= half * 6
}

fn utf16_flavour(bytes: &[u8]) -> &'static encoding_rs::Encoding {
    if let Some((enc, _)) = encoding_rs::Encoding::for_bom(bytes) {
        if enc == encoding_rs::UTF_16BE || enc == encoding_rs::UTF_16LE {
            return enc;
        }
    }
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let high_first = sample.iter().step_by(2).filter(|&&b| b == 0 || b == 4).count();
    let high_second = sample.iter().skip(1).step_by(2).filter(|&&b| b == 0 || b == 4).count();
    if high_first > high_second {
        encoding_rs::UTF_16BE
    } else {
        encoding_rs::UTF_16LE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Как проверить баланс сертификата? Balance";

    #[test]
    fn detects_every_encoding() {
        let utf8 = TEXT.as_bytes().to_vec();
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(TEXT.as_bytes());
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(TEXT);
        let mut utf16le = vec![0xFF, 0xFE];
        utf16le.extend(TEXT.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let utf16le_nobom: Vec<u8> = TEXT.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let utf16be: Vec<u8> = TEXT.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        for (bytes, name) in [
            (utf8, "UTF-8"),
            (bom, "UTF-8"),
            (cp1251.into_owned(), "windows-1251"),
            (utf16le, "UTF-16LE"),
            (utf16le_nobom, "UTF-16LE"),
            (utf16be, "UTF-16BE"),
        ] {
            let (text, used) = decode(&bytes, Encoding::Auto);
            assert_eq!((text.as_str(), used), (TEXT, name));
        }
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(TEXT);
        assert_eq!(decode(&cp1251, Encoding::Windows1251).0, TEXT);
    }
}
