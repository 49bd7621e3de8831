//! HTML e-mail body to plain text, with a small forgiving tag scanner (no DOM, never panics).
//!
//! Block elements become line breaks, `<br>` a newline, `<li>` a "- " line, table cells a space;
//! entities are decoded (named, decimal, hex); `<script>`, `<style>`, `<head>`, `<title>` are dropped;
//! quotes are dropped: `<blockquote>` and Gmail's `<div class="gmail_quote">` (with what they hold),
//! and signature blocks (`gmail_signature`, `moz-signature`). `<pre>` keeps its whitespace.

/// Elements whose raw content is dropped up to their closing tag.
const RAW_SKIP: &[&str] = &[
    "script", "style", "head", "title", "noscript", "template", "xml",
];

/// Elements that break lines.
const BLOCKS: &[&str] = &[
    "div",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "tr",
    "section",
    "article",
    "header",
    "footer",
    "hr",
    "pre",
    "address",
    "dl",
    "dt",
    "dd",
    "center",
    "form",
    "fieldset",
    "nav",
    "aside",
    "main",
    "figure",
    "figcaption",
    "tbody",
    "thead",
    "tfoot",
    "caption",
    "body",
    "html",
    "blockquote",
    "li",
];

/// Elements that take a blank line around them.
const PARAGRAPHS: &[&str] = &[
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre", "hr",
];

/// Class or id fragments that mark a quote or a signature container.
const DROP_MARKERS: &[&str] = &[
    "gmail_quote",
    "gmail_signature",
    "moz-signature",
    "yahoo_quoted",
];

struct Tag<'a> {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: &'a str,
    /// Length in bytes of the whole tag, `<` to `>` included.
    len: usize,
}

/// HTML body (e-mail `content_html`) to plain text: block elements become newlines, `<br>` a newline,
/// entities decoded, `<blockquote>` content dropped (it is a quote), `<script>`/`<style>` dropped.
pub fn html_to_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let mut out = String::with_capacity(html.len() / 2);
    // (element name, nesting depth) of a dropped container we are inside
    let mut skipping: Option<(String, usize)> = None;
    let mut pre_depth = 0usize;
    // closing tags known to be absent from some point on (so the search is not repeated: linear time)
    let mut missing_close: Vec<String> = Vec::new();
    // past the last '>' every '<' is text (found once: asking at each stray '<' is quadratic)
    let last_gt = html.rfind('>');
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        if rest.starts_with("<!--") {
            i = match lower[i + 4..].find("-->") {
                Some(p) => i + 4 + p + 3,
                None => html.len(),
            };
            continue;
        }
        if rest.starts_with('<') && last_gt.is_some_and(|g| g > i) {
            if let Some(tag) = parse_tag(rest) {
                i += tag.len;
                if tag.name.is_empty() {
                    continue; // <!DOCTYPE>, <?xml?>, <![CDATA[...]]>
                }
                if !tag.closing && !tag.self_closing && RAW_SKIP.contains(&tag.name.as_str()) {
                    let close = format!("</{}", tag.name);
                    let found = if missing_close.contains(&tag.name) {
                        None
                    } else {
                        lower[i..].find(&close)
                    };
                    if found.is_none() {
                        missing_close.push(tag.name.clone());
                    }
                    i = match found {
                        Some(p) => {
                            let after = i + p;
                            match html[after..].find('>') {
                                Some(q) => after + q + 1,
                                None => html.len(),
                            }
                        }
                        None if tag.name == "head" || tag.name == "title" => i,
                        None => html.len(),
                    };
                    continue;
                }
                if let Some((name, depth)) = skipping.as_mut() {
                    if *name == tag.name && !tag.self_closing {
                        if tag.closing {
                            *depth -= 1;
                        } else {
                            *depth += 1;
                        }
                    }
                    if *depth == 0 {
                        skipping = None;
                        line_break(&mut out, 1);
                    }
                    continue;
                }
                if !tag.closing && !tag.self_closing && is_dropped_container(&tag) {
                    skipping = Some((tag.name.clone(), 1));
                    continue;
                }
                handle_tag(&tag, &mut out, &mut pre_depth);
                continue;
            }
        }
        // text up to the next '<' (the first byte is text even when it is a stray '<')
        let first = rest.chars().next().map_or(1, char::len_utf8);
        let next = rest[first..].find('<').map_or(rest.len(), |p| p + first);
        if skipping.is_none() {
            push_text(&mut out, &rest[..next], pre_depth > 0);
        }
        i += next;
    }
    super::normalize::collapse_whitespace(&out)
}

fn is_dropped_container(tag: &Tag<'_>) -> bool {
    if tag.name == "blockquote" {
        return true;
    }
    if tag.name != "div" && tag.name != "span" && tag.name != "table" && tag.name != "section" {
        return false;
    }
    let attrs = tag.attrs.to_ascii_lowercase();
    DROP_MARKERS.iter().any(|m| attrs.contains(m))
}

fn handle_tag(tag: &Tag<'_>, out: &mut String, pre_depth: &mut usize) {
    let name = tag.name.as_str();
    match name {
        "br" => out.push('\n'),
        "td" | "th" if !tag.closing => out.push(' '),
        "li" if !tag.closing => {
            line_break(out, 1);
            out.push_str("- ");
        }
        _ if BLOCKS.contains(&name) => {
            if name == "pre" && !tag.self_closing {
                if tag.closing {
                    *pre_depth = pre_depth.saturating_sub(1);
                } else {
                    *pre_depth += 1;
                }
            }
            line_break(out, if PARAGRAPHS.contains(&name) { 2 } else { 1 });
        }
        _ => {}
    }
}

/// Ends the current line so that at least `n` newlines close it (nothing at the very start).
///
/// The trailing run of spaces and newlines is rewritten to its newlines, at most two, which is what
/// [`collapse_whitespace`](super::normalize::collapse_whitespace) would make of it anyway: so a long
/// run (a `<pre>` of blank lines) is scanned once, not again by every block tag after it.
fn line_break(out: &mut String, n: usize) {
    let kept = out.trim_end_matches([' ', '\n']).len();
    if kept == 0 {
        out.clear();
        return;
    }
    let have = out[kept..].bytes().filter(|&b| b == b'\n').count();
    out.truncate(kept);
    for _ in 0..have.max(n).min(2) {
        out.push('\n');
    }
}

/// Appends a text run: entities decoded; outside `<pre>` runs of whitespace become one space.
fn push_text(out: &mut String, raw: &str, pre: bool) {
    let decoded = decode_entities(raw);
    if pre {
        out.push_str(&decoded);
        return;
    }
    let mut last_space = out.is_empty() || out.ends_with([' ', '\n']);
    for c in decoded.chars() {
        let c = if c == '\u{00A0}' { ' ' } else { c };
        if c.is_whitespace() {
            if !last_space {
                out.push(' ');
                last_space = true;
            }
        } else {
            out.push(c);
            last_space = false;
        }
    }
}

/// Parses a tag at the start of `s` (which starts with `<`). `None` when it is not a tag (a stray `<`).
/// Declarations and processing instructions come back with an empty name.
fn parse_tag(s: &str) -> Option<Tag<'_>> {
    let bytes = s.as_bytes();
    let second = *bytes.get(1)?;
    if second == b'!' || second == b'?' {
        let end = if s.starts_with("<![CDATA[") {
            s.find("]]>").map_or(s.len(), |p| p + 3)
        } else {
            s.find('>').map_or(s.len(), |p| p + 1)
        };
        return Some(Tag {
            name: String::new(),
            closing: false,
            self_closing: true,
            attrs: "",
            len: end,
        });
    }
    let closing = second == b'/';
    let name_start = if closing { 2 } else { 1 };
    if !bytes.get(name_start)?.is_ascii_alphabetic() {
        return None;
    }
    let mut j = name_start;
    while j < bytes.len()
        && (bytes[j].is_ascii_alphanumeric() || matches!(bytes[j], b':' | b'-' | b'_'))
    {
        j += 1;
    }
    let name = s[name_start..j].to_ascii_lowercase();
    // find the closing '>' outside quotes
    let mut quote: Option<u8> = None;
    let mut k = j;
    while k < bytes.len() {
        let b = bytes[k];
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => break,
            None => {}
        }
        k += 1;
    }
    if k >= bytes.len() {
        // no '>' outside quotes: fall back to the first '>' at all (a stray quote in an attribute)
        k = j + s[j..].find('>')?;
    }
    let attrs = &s[j..k];
    let self_closing = attrs.trim_end().ends_with('/')
        || matches!(
            name.as_str(),
            "br" | "img"
                | "hr"
                | "meta"
                | "link"
                | "input"
                | "wbr"
                | "col"
                | "area"
                | "base"
                | "source"
        );
    Some(Tag {
        name,
        closing,
        self_closing,
        attrs,
        len: k + 1,
    })
}

/// Decodes `&name;`, `&#123;` and `&#x1F600;`; anything unknown is kept as written.
pub(crate) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        let after = &rest[p + 1..];
        let semi = after
            .char_indices()
            .take(33)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = semi.and_then(|e| decode_one(&after[..e]).map(|c| (c, e)));
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &after[e + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_one(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
            u32::from_str_radix(hex, 16).ok()?
        } else {
            num.parse::<u32>().ok()?
        };
        return match code {
            0 => Some('\u{FFFD}'),
            _ => char::from_u32(code).or(Some('\u{FFFD}')),
        };
    }
    let c = match name {
        "nbsp" => '\u{00A0}',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "laquo" => '«',
        "raquo" => '»',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "euro" => '€',
        "pound" => '£',
        "yen" => '¥',
        "cent" => '¢',
        "bull" => '•',
        "middot" => '·',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "times" => '×',
        "divide" => '÷',
        "deg" => '°',
        "plusmn" => '±',
        "minus" => '−',
        "shy" => '\u{00AD}',
        "zwnj" => '\u{200C}',
        "zwj" => '\u{200D}',
        "lrm" => '\u{200E}',
        "rlm" => '\u{200F}',
        "thinsp" => '\u{2009}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "numero" => '№',
        "sect" => '§',
        "para" => '¶',
        "larr" => '←',
        "rarr" => '→',
        "uarr" => '↑',
        "darr" => '↓',
        "check" => '✓',
        "iexcl" => '¡',
        "iquest" => '¿',
        "frac12" => '½',
        "frac14" => '¼',
        "frac34" => '¾',
        "sup2" => '²',
        "sup3" => '³',
        "micro" => 'µ',
        "prime" => '′',
        "Prime" => '″',
        _ => return None,
    };
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_table() {
        let cases: &[(&str, &str)] = &[
            ("<p>Привет</p><p>Мир</p>", "Привет\n\nМир"),
            ("<div>строка 1</div><div>строка 2</div>", "строка 1\nстрока 2"),
            ("a<br>b<br/>c<BR />d", "a\nb\nc\nd"),
            ("<b>жир</b>ный <i>текст</i>", "жирный текст"),
            ("&lt;b&gt; &amp; &quot;x&quot; &#1055;&#x440;&#x438;вет &nbsp;!", "<b> & \"x\" Привет !"),
            ("&laquo;Подарок&raquo; &mdash; 5&nbsp;000&nbsp;&#8381;", "«Подарок» — 5 000 ₽"),
            ("AT&T &unknown; &#xZZ; & done", "AT&T &unknown; &#xZZ; & done"),
            ("<div>ответ</div><blockquote>старое <b>письмо</b><blockquote>ещё</blockquote> хвост</blockquote><div>после</div>", "ответ\nпосле"),
            ("<html><head><title>T</title><style>p{color:red}</style></head><body><p>Текст</p><script>alert('<p>x</p>')</script></body></html>", "Текст"),
            ("<!-- comment <p>no</p> --><p>yes</p>", "yes"),
            ("<!DOCTYPE html><p>x</p>", "x"),
            ("<ul><li>один</li><li>два</li></ul>", "- один\n- два"),
            ("<table><tr><td>Сумма</td><td>5000</td></tr><tr><td>Код</td><td>X</td></tr></table>", "Сумма 5000\nКод X"),
            ("<pre>a  b\n  c</pre>", "a b\nc"),
            ("<a href=\"https://x.ru?a=1&amp;b=2\">ссылка</a>", "ссылка"),
            ("<div title=\"a > b\">текст</div>", "текст"),
            ("1 < 2 и 3 > 2", "1 < 2 и 3 > 2"),
            ("<p>текст\n   с переносами\n</p>", "текст с переносами"),
            ("<div>Ответ</div><div class=\"gmail_quote\"><div class=\"gmail_attr\">On Mon wrote:</div><blockquote>old</blockquote></div>", "Ответ"),
            ("<div>Ответ</div><div class=\"gmail_signature\"><div>Иван</div><div>+7 912</div></div>", "Ответ"),
            ("<p>unterminated <b", "unterminated <b"),
            ("<script>never closed", ""),
            ("", ""),
            ("<o:p></o:p>Outlook<o:p>&nbsp;</o:p>", "Outlook"),
            ("<![CDATA[x]]>текст", "текст"),
            ("<a b='x>текст", "текст"),
            ("<head><head>текст", "текст"),
            ("<div>a</div></blockquote></div><div>b</div>", "a\nb"),
        ];
        for (input, want) in cases {
            assert_eq!(html_to_text(input), *want, "{input:?}");
        }
    }

    #[test]
    fn adversarial_inputs_are_linear() {
        // each would take seconds with a quadratic scan
        let start = std::time::Instant::now();
        for unit in [
            "<a b='",
            "<head>",
            "<script>",
            "<!--",
            "<",
            "&#",
            "<blockquote>",
            "<div class=gmail_quote>",
        ] {
            let _ = html_to_text(&unit.repeat(50_000));
        }
        assert!(start.elapsed().as_secs() < 20, "took {:?}", start.elapsed());
    }

    #[test]
    fn entities() {
        assert_eq!(decode_entities("&#128512;"), "😀");
        assert_eq!(decode_entities("&#0;"), "\u{FFFD}");
        assert_eq!(decode_entities("&#xD800;"), "\u{FFFD}");
        assert_eq!(decode_entities("&#99999999999;"), "&#99999999999;");
        assert_eq!(decode_entities("&"), "&");
        assert_eq!(decode_entities("&&amp;"), "&&");
        assert_eq!(decode_entities("&amp"), "&amp");
    }
}
