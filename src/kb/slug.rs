//! Readable ASCII ids from Russian and English titles: `Как проверить баланс?` → `kak-proverit-balans`.

/// Transliterates (GOST-like, without diacritics), lowercases, and joins words with `-`; at most 60
/// characters, cut at a word boundary.
pub fn slugify(title: &str) -> String {
    let mut out = String::new();
    for c in title.to_lowercase().chars() {
        match translit(c) {
            Some(s) => out.push_str(s),
            None if c.is_ascii_alphanumeric() => out.push(c),
            None => out.push(' '),
        }
    }
    join(out.split_whitespace(), 60).chars().take(60).collect()
}

/// `words` joined with `-`, as many as fit in `max` bytes (the first always).
pub fn join<'a>(words: impl IntoIterator<Item = &'a str>, max: usize) -> String {
    let mut slug = String::new();
    for word in words {
        if !slug.is_empty() && slug.len() + word.len() + 1 > max {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(word);
    }
    slug
}

fn translit(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a", 'б' => "b", 'в' => "v", 'г' => "g", 'д' => "d", 'е' => "e", 'ё' => "e", 'ж' => "zh",
        'з' => "z", 'и' => "i", 'й' => "y", 'к' => "k", 'л' => "l", 'м' => "m", 'н' => "n", 'о' => "o",
        'п' => "p", 'р' => "r", 'с' => "s", 'т' => "t", 'у' => "u", 'ф' => "f", 'х' => "kh", 'ц' => "ts",
        'ч' => "ch", 'ш' => "sh", 'щ' => "shch", 'ъ' => "", 'ы' => "y", 'ь' => "", 'э' => "e", 'ю' => "yu",
        'я' => "ya",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn slugs() {
        assert_eq!(slugify("Как проверить баланс сертификата?"), "kak-proverit-balans-sertifikata");
        assert_eq!(slugify("How do I redeem my code?"), "how-do-i-redeem-my-code");
        assert_eq!(slugify("Ёлка, подъезд & щука"), "elka-podezd-shchuka");
        assert!(slugify(&"очень длинное название ".repeat(10)).len() <= 60);
    }
}
