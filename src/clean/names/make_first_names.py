#!/usr/bin/env python3
"""Writes `first-names.txt`, the first-name lexicon of the name detector (`mod.rs`).

One lower-case word form a line; a leading `?` marks a first name that is also an ordinary word
("вера", "марта", "роман", "will", "june"), which is a name only where the context says so; `~`
one that is also a place ("Владимир", "Астане"); a leading `=` marks an English surname (Russian
ones are told by their endings).

Sources (see SOURCE.md), fetched from the package registries, not at build time:
- Russian: every word form OpenCorpora tags `Name` (first names, with their inflections), through
  the PyPI packages pymorphy3 and pymorphy3-dicts-ru. A form is ambiguous when the dictionary's
  readings of it that are no name (a noun, a verb, a place) are together more probable than its
  name readings, by pymorphy's estimates from the OpenCorpora corpus ("вера" 0.70 faith; "максим"
  0.64 a name). A form one of whose readings is a place ("Лена" the river, "Владимир" the city,
  "Астане") is marked `~`.
- English: the US Census 1990 first names (PyPI package `names`), the most frequent 90% of each
  list. A name is ambiguous when Debian's `wamerican` word list has it in lower case. Surnames:
  the same census's most frequent 75%.
- Russian names as written in Latin letters: each Russian first name's nominative, transliterated
  as passports do (ICAO 9303) and as people commonly do (я = ya, ю = yu, й = y), ambiguous on the
  same word list.

    python3 -m venv /tmp/v && /tmp/v/bin/pip install pymorphy3 pymorphy3-dicts-ru
    pip download --no-deps names && tar xzf names-0.3.0.tar.gz
    apt-get download wamerican && dpkg-deb -x wamerican_*.deb wam
    /tmp/v/bin/python make_first_names.py names-0.3.0/names wam/usr/share/dict/american-english
"""

import sys
from pathlib import Path

import pymorphy3

NAME_TAGS = {"Name", "Surn", "Patr"}


def russian(morph):
    forms, lemmas = set(), set()
    for word, tag, normal_form, _para, _idx in morph.dictionary.iter_known_words():
        if "Name" in tag.grammemes:
            forms.add(word.replace("ё", "е"))
            forms.add(word)
            lemmas.add(normal_form)
    ambiguous, places = set(), set()
    for f in forms:
        name = other = 0.0
        place = False
        for p in morph.parse(f):
            if NAME_TAGS & set(p.tag.grammemes):
                name += p.score
            else:
                other += p.score
            place |= "Geox" in p.tag.grammemes
        if other > name:
            ambiguous.add(f)
        if place:
            places.add(f)
    return forms, lemmas, ambiguous, places


def census(folder, files=("dist.male.first", "dist.female.first"), share=90.0):
    out = set()
    for f in files:
        for line in (Path(folder) / f).read_text().splitlines():
            name, _freq, cumulative, _rank = line.split()
            if float(cumulative) <= share:
                out.add(name.lower())
    return out


ICAO = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
        "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y",
        "ь": "", "э": "e", "ю": "iu", "я": "ia", "-": "-"}
COMMON = dict(ICAO, й="y", ю="yu", я="ya", х="h", ъ="")


def latin(word, table):
    if any(c not in table for c in word):
        return None
    return "".join(table[c] for c in word)


def main():
    census_dir, words_file = sys.argv[1], sys.argv[2]
    words = {w for w in Path(words_file).read_text(encoding="utf-8", errors="ignore").split() if w.islower()}
    morph = pymorphy3.MorphAnalyzer()
    ru, lemmas, ru_ambiguous, ru_places = russian(morph)
    en = census(census_dir)
    for lemma in lemmas:
        for table in (ICAO, COMMON):
            t = latin(lemma, table)
            if t and len(t) >= 3:
                en.add(t)
    lines = []
    for f in sorted(ru):
        if len(f) >= 3:
            lines.append(("?" if f in ru_ambiguous else "") + ("~" if f in ru_places else "") + f)
    calendar = {"january", "february", "march", "april", "may", "june", "july", "august", "september",
                "october", "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday",
                "saturday", "sunday"}
    for f in sorted(en - ru):
        lines.append(("?" if f in words or f in calendar else "") + f)
    for f in sorted(census(census_dir, ("dist.all.last",), 75.0) - en - ru):
        lines.append("=" + f)
    out = Path(__file__).with_name("first-names.txt")
    out.write_text("\n".join(sorted(set(lines), key=lambda l: l.lstrip("?~="))) + "\n", encoding="utf-8")
    print(f"{len(lines)} forms ({sum(l.startswith('?') for l in lines)} ambiguous, {sum(l.startswith('=') for l in lines)} surnames) -> {out}")


if __name__ == "__main__":
    main()
