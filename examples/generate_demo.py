#!/usr/bin/env python3
"""Deterministic generator of the kbforge demo data set ("ПодарокПлюс" support desk).

Usage (from the repository root or anywhere):

    python3 examples/generate_demo.py            # full demo data under examples/
    python3 examples/generate_demo.py --small    # e2e fixture under tests/fixtures/demo-small/
    python3 examples/generate_demo.py --all      # both
    python3 examples/generate_demo.py --out DIR  # write the selected set(s) under DIR instead of
                                                 # the repository (DIR/examples, DIR/tests/...)

Standard library only, fixed random seeds: two runs produce byte-identical files.

What is written (full set):
    examples/omnidesk/cases.pageN.json     GET /api/cases.json?page=N&limit=100
    examples/omnidesk/messages/<id>.json   GET /api/cases/<id>/messages.json
    examples/omnidesk/labels.json          GET /api/labels.json
    examples/omnidesk/staff.json           GET /api/staff.json
    examples/regulations/*.md              internal regulations (audience: internal)
    examples/labels.jsonl                  ground truth per Omnidesk case (never read by kbforge)
    examples/tickets.jsonl                 generic JSONL export (ids 90001..)
    examples/tickets.labels.jsonl          ground truth for tickets.jsonl

examples/tickets.jsonl holds 20 valid tickets 90001..90020. examples/tickets-malformed.jsonl shows
the quarantine at work (`kbforge ingest examples/tickets-malformed.jsonl`): the first 14 tickets of
tickets.jsonl with two malformed lines inserted (1-based line numbers, see MALFORMED_LINES below):
    line 7  -> invalid JSON (the line is truncated in the middle of a string)
    line 15 -> valid JSON object without the required "messages" field

Conventions of the recorded Omnidesk export:
  * dates use Omnidesk's format "Mon, 05 May 2025 00:15:17 +0300";
    like the real API, a date that is not set (closed_at / last_response_at of an
    open or waiting case) is the string "-";
  * staff messages have user_id = 0, customer messages have staff_id = 0;
  * internal notes have "note": true and must never be published;
  * content_html is filled for e-mail cases only ("" for chat/messengers).
"""

import argparse
import datetime as dt
import html
import json
import re
import shutil
import sys
from pathlib import Path
import random

SEED_FULL = 20250517
SEED_SMALL = 7031
SEED_JSONL = 90001
SEED_CLASSIFY = 31337

# 1-based line numbers of the deliberately malformed lines in examples/tickets-malformed.jsonl
MALFORMED_LINES = {7: "invalid JSON (truncated line)", 15: "missing the 'messages' field"}

REPO_ROOT = Path(__file__).resolve().parent.parent

SUPPORT_EMAIL = "help@podarokplus.ru"
B2B_EMAIL = "b2b@podarokplus.ru"
NOREPLY_EMAIL = "noreply@podarokplus.ru"
HOTLINE = "8 800 555-35-35"

# --------------------------------------------------------------------------------------
# Date helpers (locale independent)
# --------------------------------------------------------------------------------------

WD_EN = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
WD_EN_FULL = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MON_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
MON_EN_FULL = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
WD_RU_SHORT = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"]
WD_RU_FULL = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье"]
WD_RU_LOWER = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]
MON_RU_GEN = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
              "сентября", "октября", "ноября", "декабря"]
MON_RU_PREP = ["январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе",
               "сентябре", "октябре", "ноябре", "декабре"]


def omni_date(t):
    """Omnidesk date format: 'Mon, 05 May 2025 00:15:17 +0300'."""
    return "%s, %02d %s %d %02d:%02d:%02d +0300" % (
        WD_EN[t.weekday()], t.day, MON_EN[t.month - 1], t.year, t.hour, t.minute, t.second)


def iso_date(t):
    return "%04d-%02d-%02dT%02d:%02d:%02d+03:00" % (t.year, t.month, t.day, t.hour, t.minute, t.second)


def d_dot(d):
    return "%02d.%02d.%d" % (d.day, d.month, d.year)


def d_words(d):
    return "%d %s" % (d.day, MON_RU_GEN[d.month - 1])


def add_months(d, n):
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    days = [31, 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28, 31, 30, 31, 30,
            31, 31, 30, 31, 30, 31][m - 1]
    return d.replace(year=y, month=m, day=min(d.day, days))


def quote_header(style, t, from_name, from_addr, to_name, to_addr, subject):
    hm = "%02d:%02d" % (t.hour, t.minute)
    wd = t.weekday()
    if style == "gmail_ru":
        return "%s, %d %s %d г. в %s, %s <%s>:" % (
            WD_RU_SHORT[wd], t.day, MON_RU_GEN[t.month - 1], t.year, hm, from_name, from_addr)
    if style == "gmail_en":
        h12 = t.hour % 12 or 12
        ampm = "AM" if t.hour < 12 else "PM"
        return "On %s, %s %d, %d at %d:%02d %s %s <%s> wrote:" % (
            WD_EN[wd], MON_EN[t.month - 1], t.day, t.year, h12, t.minute, ampm, from_name, from_addr)
    if style == "yandex":
        return '%02d.%02d.%d, %s, "%s" <%s>:' % (t.day, t.month, t.year, hm, from_name, from_addr)
    if style == "mailru":
        return "%s, %d %s %d, %s +03:00 от %s <%s>:" % (
            WD_RU_FULL[wd], t.day, MON_RU_GEN[t.month - 1], t.year, hm, from_name, from_addr)
    if style == "apple_en":
        return "On %d %s %d, at %s, %s <%s> wrote:" % (
            t.day, MON_EN_FULL[t.month - 1], t.year, hm, from_name, from_addr)
    if style == "apple_ru":
        return "%d %s %d г., в %s, %s <%s> написал(а):" % (
            t.day, MON_RU_GEN[t.month - 1], t.year, hm, from_name, from_addr)
    if style == "outlook_en":
        h12 = t.hour % 12 or 12
        ampm = "AM" if t.hour < 12 else "PM"
        return ("-----Original Message-----\nFrom: %s <%s>\nSent: %s, %s %d, %d %d:%02d %s\n"
                "To: %s <%s>\nSubject: RE: %s") % (
            from_name, from_addr, WD_EN_FULL[wd], MON_EN_FULL[t.month - 1], t.day, t.year,
            h12, t.minute, ampm, to_name, to_addr, subject)
    if style == "outlook_ru":
        return ("-----Original Message-----\nОт: %s <%s>\nОтправлено: %s, %d %s %d г. %s\n"
                "Кому: %s <%s>\nТема: RE: %s") % (
            from_name, from_addr, WD_RU_LOWER[wd], t.day, MON_RU_GEN[t.month - 1], t.year, hm,
            to_name, to_addr, subject)
    raise ValueError(style)


def quote_lines(style, text):
    if style.startswith("outlook"):
        return text
    out = []
    for line in text.split("\n"):
        out.append("> " + line if line else ">")
    return "\n".join(out)


# --------------------------------------------------------------------------------------
# Rendering of a message (plain text + simple HTML)
# --------------------------------------------------------------------------------------

def _paras_html(text):
    parts = [p for p in text.split("\n\n")]
    return "".join("<p>%s</p>" % html.escape(p, quote=False).replace("\n", "<br>") for p in parts if p != "")


def render_plain(body, sig="", quote=None):
    text = body
    if sig:
        text = (text + "\n\n" + sig) if text else sig
    if quote:
        header = quote_header(**quote["header"])
        text += "\n\n" + header + "\n\n" + quote_lines(quote["header"]["style"], quote["text"])
    return text


def render_html(body, sig="", quote=None):
    h = _paras_html(body)
    if sig:
        h += _paras_html(sig)
    if quote:
        style = quote["header"]["style"]
        header = quote_header(**quote["header"])
        inner = _paras_html(quote["text"])
        if style.startswith("gmail"):
            h += ('<div class="gmail_quote"><div dir="ltr" class="gmail_attr">%s</div>'
                  '<blockquote class="gmail_quote">%s</blockquote></div>') % (html.escape(header, quote=False), inner)
        elif style.startswith("outlook"):
            lines = header.split("\n")
            h += '<div id="divRplyFwdMsg"><hr><p>%s</p></div>%s' % (
                "<br>".join(html.escape(x, quote=False) for x in lines), inner)
        else:
            h += "<div>%s</div><blockquote>%s</blockquote>" % (html.escape(header, quote=False), inner)
    return h


# --------------------------------------------------------------------------------------
# People, brands and personal data
# --------------------------------------------------------------------------------------

F_NAMES = ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Ирина", "Татьяна", "Светлана", "Екатерина",
           "Юлия", "Анастасия", "Дарья", "Ксения", "Виктория", "Алина", "Полина", "Марина", "Людмила",
           "Валентина", "Галина", "Софья", "Вера", "Надежда", "Кристина", "Яна", "Евгения", "Оксана",
           "Лилия", "Диана", "Алёна"]
M_NAMES = ["Иван", "Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Николай", "Павел", "Артём",
           "Максим", "Владимир", "Евгений", "Роман", "Константин", "Олег", "Игорь", "Виктор",
           "Григорий", "Денис", "Тимур", "Руслан", "Илья", "Антон", "Кирилл", "Станислав"]
SURNAMES = ["Петров", "Иванов", "Смирнов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов",
            "Новиков", "Морозов", "Волков", "Соловьёв", "Васильев", "Зайцев", "Павлов", "Семёнов",
            "Голубев", "Виноградов", "Богданов", "Воробьёв", "Фёдоров", "Михайлов", "Беляев",
            "Тарасов", "Комаров", "Киселёв", "Макаров", "Андреев", "Ковалёв", "Ильин", "Гусев",
            "Титов", "Кузьмин", "Кудрявцев", "Баранов", "Куликов", "Степанов", "Яковлев",
            "Сорокин", "Романов", "Захаров", "Борисов", "Королёв", "Герасимов", "Пономарёв",
            "Григорьев", "Лазарев", "Медведев", "Ершов", "Никитин", "Соболев", "Рябов", "Поляков",
            "Цветков", "Данилов", "Жуков", "Фролов", "Журавлёв", "Николаев", "Крылов", "Максимов",
            "Сидоров", "Осипов", "Белоусов", "Егоров", "Матвеев", "Бобров", "Калинин", "Антонов",
            "Тимофеев", "Филиппов", "Марков", "Миронов", "Коновалов", "Шестаков", "Казаков",
            "Ефимов", "Денисов", "Фомин", "Давыдов", "Мельников", "Щербаков", "Колесников",
            "Гарипов", "Хабибуллин", "Шевченко", "Бондаренко", "Ким", "Ткаченко", "Мусин"]
INVARIANT_SURNAMES = {"Шевченко", "Бондаренко", "Ким", "Ткаченко"}

EN_PEOPLE = [("John", "Miller", "m"), ("Emily", "Clark", "f"), ("Daniel", "Weber", "m"),
             ("Sophie", "Laurent", "f"), ("Aigerim", "Bekova", "f"), ("Li", "Wei", "m"),
             ("Mehmet", "Yilmaz", "m"), ("Anna", "Kowalska", "f"), ("David", "Cohen", "m"),
             ("Laura", "Rossi", "f"), ("Arman", "Nurlanov", "m"), ("Olivia", "Brown", "f"),
             ("Thomas", "Becker", "m"), ("Zhanna", "Omarova", "f"), ("Michael", "Green", "m"),
             ("Sara", "Haddad", "f")]

TRANSLIT = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
            "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
            "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
            "щ": "sch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya"}


def translit(s):
    return "".join(TRANSLIT.get(c, c) for c in s.lower())


MAIL_DOMAINS = [("mail.ru", 26), ("yandex.ru", 20), ("gmail.com", 20), ("bk.ru", 5), ("list.ru", 4),
                ("inbox.ru", 3), ("rambler.ru", 4), ("ya.ru", 4), ("icloud.com", 7), ("outlook.com", 2)]
EN_DOMAINS = [("gmail.com", 6), ("outlook.com", 3), ("icloud.com", 2), ("yahoo.com", 1)]

COMPANIES = [("СтройМонтаж-Урал", "stroymontazh-ural.ru"), ("Северный ветер", "sevveter.ru"),
             ("ТехноПарк Плюс", "technopark-plus.ru"), ("Альфа-Логистик", "alfa-logistic.ru"),
             ("МедЛайн", "medline-clinic.ru"), ("Зелёный квартал", "zelkvartal.ru"),
             ("ИнфоСофт", "infosoft.pro"), ("Волга-Агро", "volga-agro.ru"),
             ("Ромашка", "romashka-opt.ru"), ("Пекарня №1", "pekarnya1.ru"),
             ("Бюро Архитектор", "buro-arch.ru"), ("ТрансКом", "transcom-spb.ru")]

# name, colloquial spellings used by customers, site, English name, partner commission %
BRANDS = [
    ("Л'Этуаль", ["летуаль", "Летуаль", "Л'Этуаль", "лэтуаль", "Letu"], "letu.ru", "L'Etoile", "7"),
    ("Золотое Яблоко", ["золотое яблоко", "Золотое яблоко", "ЗЯ"], "goldapple.ru", "Golden Apple", "8"),
    ("М.Видео", ["мвидео", "М.Видео", "м видео"], "mvideo.ru", "M.Video", "4"),
    ("Ozon", ["озон", "Озон", "OZON"], "ozon.ru", "Ozon", "3,5"),
    ("Спортмастер", ["спортмастер", "Спортмастер", "спортмастер"], "sportmaster.ru", "Sportmaster", "6"),
    ("Хофф", ["хофф", "Hoff", "Хофф"], "hoff.ru", "Hoff", "9"),
    ("Детский мир", ["детский мир", "Детский Мир", "детмир"], "detmir.ru", "Detsky Mir", "6,5"),
    ("Рив Гош", ["рив гош", "Рив Гош", "ривгош"], "rivegauche.ru", "Rive Gauche", "8"),
    ("Пятёрочка", ["пятерочка", "Пятерочка", "пятёрочка"], "5ka.ru", "Pyaterochka", "2,5"),
    ("Lamoda", ["ламода", "Lamoda", "lamoda"], "lamoda.ru", "Lamoda", "5"),
    ("Эльдорадо", ["эльдорадо", "Эльдорадо"], "eldorado.ru", "Eldorado", "4"),
    ("Читай-город", ["читай город", "Читай-город"], "chitai-gorod.ru", "Chitai-gorod", "10"),
    ("Gloria Jeans", ["глория джинс", "Gloria Jeans"], "gloria-jeans.ru", "Gloria Jeans", "7"),
    ("Улыбка радуги", ["улыбка радуги", "Улыбка радуги"], "r-ulybka.ru", "Ulybka Radugi", "7"),
    ("Перекрёсток", ["перекресток", "Перекрёсток"], "perekrestok.ru", "Perekrestok", "2,5"),
    ("DNS", ["днс", "DNS"], "dns-shop.ru", "DNS", "4"),
    ("Аскона", ["аскона", "Аскона"], "askona.ru", "Askona", "9"),
    ("Снежная Королева", ["снежная королева", "Снежная Королева"], "snowqueen.ru", "Snow Queen", "8"),
]
NO_EXTENSION_BRANDS = ("Ozon", "Пятёрочка", "Перекрёсток")
ONLINE_ONLY_BRANDS = ("Ozon", "Lamoda")
BRAND_WEIGHTS = [14, 12, 9, 9, 8, 6, 7, 6, 4, 5, 3, 3, 3, 3, 2, 3, 2, 2]

CITIES = [("Казань", "Казани", "Казанью"), ("Екатеринбург", "Екатеринбурге", "Екатеринбургом"),
          ("Новосибирск", "Новосибирске", "Новосибирском"), ("Самара", "Самаре", "Самарой"),
          ("Пермь", "Перми", "Пермью"), ("Воронеж", "Воронеже", "Воронежем"), ("Тула", "Туле", "Тулой"),
          ("Ярославль", "Ярославле", "Ярославлем"), ("Краснодар", "Краснодаре", "Краснодаром"),
          ("Нижний Новгород", "Нижнем Новгороде", "Нижним Новгородом"), ("Омск", "Омске", "Омском"),
          ("Уфа", "Уфе", "Уфой"), ("Иркутск", "Иркутске", "Иркутском"),
          ("Калининград", "Калининграде", "Калининградом"), ("Тюмень", "Тюмени", "Тюменью"),
          ("Челябинск", "Челябинске", "Челябинском"), ("Вологда", "Вологде", "Вологдой")]

ADDRESSES = ["620014, г. Екатеринбург, ул. Малышева, д. 51, офис 804",
             "420021, г. Казань, ул. Габдуллы Тукая, д. 62, офис 3",
             "630099, г. Новосибирск, ул. Каменская, д. 32, офис 410",
             "190000, г. Санкт-Петербург, Вознесенский пр-т, д. 23, лит. А, пом. 7-Н"]

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
AMOUNTS = [(500, 3), (1000, 12), (1500, 6), (2000, 12), (2500, 4), (3000, 16), (4000, 3), (5000, 16),
           (7000, 4), (10000, 9), (15000, 3)]


def wchoice(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    acc = 0
    for v, w in pairs:
        acc += w
        if x < acc:
            return v
    return pairs[-1][0]


def rub(n):
    s = "{:,}".format(n).replace(",", "\u00a0")
    return s + "\u00a0₽"


def amount_customer(rng, n):
    if n >= 1000 and rng.random() < 0.3:
        return "{:,}".format(n).replace(",", " ")
    return str(n)


def gen_code(rng):
    return "-".join("".join(rng.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(4))


def luhn_complete(prefix15):
    digits = [int(c) for c in prefix15]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return prefix15 + str((10 - total % 10) % 10)


def gen_card(rng):
    bin_ = rng.choice(["427638", "427601", "220220", "553691", "220070", "546938", "220015"])
    body = bin_ + "".join(str(rng.randint(0, 9)) for _ in range(9))
    num = luhn_complete(body)
    return " ".join(num[i:i + 4] for i in range(0, 16, 4))


def gen_phone(rng):
    code = rng.choice(["912", "916", "903", "905", "925", "926", "915", "917", "921", "950", "977",
                       "985", "999", "981", "937", "964", "919", "952"])
    a, b, c = rng.randint(100, 999), rng.randint(10, 99), rng.randint(10, 99)
    fmt = rng.choice(["+7 ({c}) {a}-{b:02d}-{d:02d}", "8 {c} {a} {b:02d} {d:02d}", "8{c}{a}{b:02d}{d:02d}",
                      "+7{c}{a}{b:02d}{d:02d}", "8-{c}-{a}-{b:02d}-{d:02d}", "+7 {c} {a}-{b:02d}-{d:02d}"])
    return fmt.format(c=code, a=a, b=b, d=c)


class Persona:
    def __init__(self, **kw):
        self.__dict__.update(kw)


def make_persona(rng, uid, lang="ru", corporate=False, gender=None):
    if lang == "en":
        first, last, g = rng.choice(EN_PEOPLE)
        dom = wchoice(rng, EN_DOMAINS)
        local = rng.choice(["{f}.{l}", "{f}{l}{n}", "{fi}{l}", "{f}_{l}{n}"]).format(
            f=first.lower(), l=last.lower(), fi=first[0].lower(), n=rng.randint(1, 99))
        email = local + "@" + dom
        client = {"gmail.com": "gmail_en", "icloud.com": "apple_en"}.get(dom, "outlook_en")
        sig = rng.choice(["name", "full", "iphone_en", "none"])
        if sig == "iphone_en":
            client = "apple_en"
        return Persona(first=first, last=last, gender=g, email=email, phone=gen_phone(rng), user_id=uid,
                       lang="en", client=client, company=None, sig=sig)
    g = "f" if rng.random() < 0.68 else "m"
    if gender:
        g = gender
    first = rng.choice(F_NAMES if g == "f" else M_NAMES)
    last = rng.choice(SURNAMES)
    if g == "f" and last not in INVARIANT_SURNAMES:
        last = last + "а"
    company = None
    if corporate:
        company, cdom = rng.choice(COMPANIES)
        local = rng.choice(["{fl}.{ll}", "{fi}.{ll}", "buh", "hr", "office", "{ll}"]).format(
            fl=translit(first), ll=translit(last), fi=translit(first)[0])
        email = local + "@" + cdom
        client = rng.choice(["outlook_ru", "outlook_ru", "outlook_en", "yandex"])
    else:
        dom = wchoice(rng, MAIL_DOMAINS)
        ft, lt = translit(first), translit(last)
        yy = rng.randint(60, 99) if rng.random() < 0.7 else rng.randint(0, 9)
        local = rng.choice(["{f}.{l}{y}", "{l}_{fi}", "{f}{Y}", "{fi}{l}", "{f}_{l}", "{l}.{f}",
                            "{f}{l}{y}", "{nick}{y}"]).format(
            f=ft, l=lt, fi=ft[0], y="%02d" % yy, Y=rng.randint(1965, 2004),
            nick=rng.choice(["sunny", "kisa", "lenok", "max", "tigra", "zvezda", "moroz", "koshka", "vovan",
                             "mila", "lucky", "dok", "rom", "iriska"]))
        email = local + "@" + dom
        if dom in ("mail.ru", "bk.ru", "list.ru", "inbox.ru"):
            client = "mailru"
        elif dom in ("yandex.ru", "ya.ru", "rambler.ru"):
            client = "yandex"
        elif dom == "icloud.com":
            client = "apple_ru" if rng.random() < 0.7 else "apple_en"
        elif dom == "outlook.com":
            client = "outlook_ru"
        else:
            client = "gmail_ru" if rng.random() < 0.8 else "gmail_en"
        r = rng.random()
        if r < 0.1:
            client = "outlook_ru"          # desktop Outlook with a personal mailbox
        elif r < 0.18:
            client = "apple_ru"            # iPhone Mail with a non-iCloud mailbox
    sig_opts = ["full", "full1", "dash", "name_phone", "none", "none", "thanks_name"]
    if client.startswith("apple"):
        sig_opts += ["iphone", "iphone", "iphone_en"]
    if client == "mailru":
        sig_opts += ["mailru", "mailru"]
    if corporate:
        sig_opts = ["corp", "corp", "full"]
    return Persona(first=first, last=last, gender=g, email=email, phone=gen_phone(rng), user_id=uid,
                   lang="ru", client=client, company=company, sig=rng.choice(sig_opts))


def customer_signature(p):
    s = p.sig
    if s == "full":
        return "С уважением,\n%s %s" % (p.first, p.last)
    if s == "full1":
        return "С уважением, %s %s" % (p.first, p.last)
    if s == "dash":
        return "--\n%s" % p.first
    if s == "name_phone":
        return "%s %s\n%s" % (p.first, p.last, p.phone)
    if s == "thanks_name":
        return "Спасибо,\n%s" % p.first
    if s == "iphone":
        return "Отправлено с iPhone"
    if s == "iphone_en":
        return "Sent from my iPhone"
    if s == "mailru":
        return "Отправлено из мобильной Почты Mail.ru"
    if s == "corp":
        return "С уважением,\n%s %s\n%s\nООО «%s»\nтел. %s\n%s" % (
            p.first, p.last, "главный бухгалтер" if p.email.startswith("buh") else "менеджер по персоналу",
            p.company, p.phone, p.email)
    if s == "name":
        return p.first
    if s == "full" and p.lang == "en":
        return "Best regards,\n%s %s" % (p.first, p.last)
    return ""


def customer_signature_en(p):
    s = p.sig
    if s == "name":
        return p.first
    if s == "full":
        return "Best regards,\n%s %s" % (p.first, p.last)
    if s == "iphone_en":
        return "Sent from my iPhone"
    return ""


STAFF = [
    # staff_id, full name, e-mail, first name (signature), english first name
    (5, "Мария Кузнецова", "m.kuznetsova@podarokplus.ru", "Мария", "Maria"),
    (7, "Алексей Громов", "a.gromov@podarokplus.ru", "Алексей", "Alexey"),
    (12, "Екатерина Волкова", "e.volkova@podarokplus.ru", "Екатерина", "Ekaterina"),
    (14, "Дмитрий Орлов", "d.orlov@podarokplus.ru", "Дмитрий", "Dmitry"),
    (21, "Ольга Белова", "o.belova@podarokplus.ru", "Ольга", "Olga"),
    (3, "Светлана Никитина", "s.nikitina@podarokplus.ru", "Светлана", "Svetlana"),
]
STAFF_BY_ID = {s[0]: s for s in STAFF}

LABELS = [(1, "активация"), (2, "баланс"), (3, "срок действия"), (4, "продление"), (5, "где потратить"),
          (6, "оплата на сайте бренда"), (7, "не пришёл сертификат"), (8, "повторная отправка"),
          (9, "юрлица"), (10, "способы оплаты"), (11, "возврат"), (12, "перевыпуск"), (13, "касса"),
          (14, "остаток"), (15, "объединение"), (16, "подарок получателю"), (17, "смена получателя"),
          (18, "открытка"), (19, "доплата"), (20, "универсальный"), (21, "ошибка оплаты"), (22, "чеки"),
          (23, "промокоды"), (24, "english"), (25, "отмена заказа"), (26, "жалоба"), (27, "спам"),
          (28, "благодарность"), (29, "сотрудничество"), (30, "VIP"), (31, "эскалация"),
          (32, "закрывающие документы"), (33, "отзыв"), (34, "вакансии"), (35, "уточнение")]
LABEL_TITLE = dict(LABELS)


# --------------------------------------------------------------------------------------
# Hand-written content: topics, customer phrasings, staff answers, internal notes
# --------------------------------------------------------------------------------------
# A question or an answer is either a plain string or a (tag, string) pair. A tagged question
# is answered only by answers with the same tag; untagged questions by untagged answers.
# Placeholders in {braces} are filled per ticket (see make_ctx).

class Intent:
    def __init__(self, key, kind, n, q, a, ask=None, provide=None, notes=None, subj=None, small_n=0):
        self.key, self.kind, self.n = key, kind, n
        self.q = [x if isinstance(x, tuple) else ("", x) for x in q]
        self.a = [x if isinstance(x, tuple) else ("", x) for x in a]
        self.ask, self.provide = ask or [], provide or []
        self.notes = [x if isinstance(x, tuple) else ("", x) for x in (notes or [])]
        self.subj = subj or []
        self.small_n = small_n


class Topic:
    def __init__(self, key, title, labels, intents, group=1, lang="ru", staff=(5, 7, 12)):
        self.key, self.title, self.labels, self.intents = key, title, labels, intents
        self.group, self.lang, self.staff = group, lang, staff


FLAT_NOTES = [
    "Клиент уже второй раз спрашивает про это, в прошлый раз ответили шаблоном. Проверила заказы — всё в порядке, вопрос чисто информационный.",
    "Ссылка в шаблоне ответа вела на старую страницу, поправила вручную. Нужно обновить макрос (задача SUP-{bug}).",
    "По {brand} с 01.06 изменились условия: партнёр просит не обещать приём в аутлетах. Комиссия партнёра теперь {pct}% (конфиденциально, клиентам не озвучиваем).",
    "Клиентка раздражена, но вопрос стандартный. Если напишет жалобу — передать Светлане (старший смены, доб. 214).",
    "Проверил в админке https://admin.podarokplus.local/orders?email={email_domain}: заказов у клиента несколько, проблем нет. Ответил по шаблону.",
]

TOPICS = [
    # ---------------------------------------------------------------- activation
    Topic("activation", "Активация сертификата", [1], [
        Intent("activation/no-activation-needed", "flat", 14, q=[
            "Здравствуйте! Купила электронный сертификат {brand} на {amount} руб. Нужно ли его как-то активировать перед использованием или он уже рабочий?",
            "как активировать сертефикат?",
            "Добрый день. Подарили сертификат {brand_c}, в письме код и пин. Где его активировать? На сайте ничего не нашла",
            "Подскажите пожайлуста, сертификат сразу активен после оплаты? хочу сегодня пойти в магазин",
            "Здравствуйте, мне пришло письмо с подарочным сертификатом. Там написано «активируйте сертификат», но никакой кнопки я не вижу. Что нужно сделать?",
            "купил 10 минут назад сертификат, его можно уже использовать или надо ждать активации",
            "Добрый вечер! Подскажите, пожалуйста, как активировать подарочную карту {brand}, купленную у вас? Это обязательно делать до похода в магазин?",
            "здравствуйте нужно ли активировать сертификат если я его дарю. или активирует получатель",
            "Сертификат активируется в момент покупки или когда получатель откроет письмо? Хочу подарить на ДР через месяц, боюсь что срок начнёт идти раньше",
            "Привет! а активация платная? где-то читала что за активацию берут комиссию",
            "Получила сертификат {brand} от коллег, в письме есть код {code} и PIN {pin}. Что мне с ним сделать, чтобы он заработал?",
            "Добрый день! Сертификат нужно активировать на вашем сайте или на сайте магазина? Не понимаю как это работает",
            "АКТИВАЦИЯ СЕРТИФИКАТА КАК СДЕЛАТЬ",
        ], a=[
            "Отдельно активировать сертификат не нужно — он становится активным сразу после оплаты заказа. Код и PIN из письма можно использовать в магазине или на сайте бренда.\n\nУ некоторых брендов сертификат начинает приниматься на кассе в течение 24 часов после покупки: если на кассе сообщили, что карта не активна, попробуйте, пожалуйста, на следующий день. Срок действия отсчитывается с даты покупки, а не с момента, когда получатель открыл письмо.\n\nАктивация бесплатная, никаких комиссий нет. Подробнее: https://podarokplus.ru/help/activation",
            "Сертификат активируется автоматически в момент оплаты, делать ничего не нужно. Достаточно предъявить код и PIN из письма на кассе или ввести их при оформлении заказа на сайте бренда.\n\nОбратите внимание: некоторые бренды подключают сертификат в своей системе в течение суток после покупки. Если сразу не приняли, повторите попытку через 24 часа. Срок действия считается с даты покупки.\n\nЗа активацию ничего платить не нужно. Подробная инструкция: https://podarokplus.ru/help/activation",
            "Активировать сертификат не требуется: он действует сразу после оплаты, никаких дополнительных шагов и платежей нет. Просто покажите код и PIN из письма на кассе или введите их на сайте бренда при оплате.\n\nИногда бренду нужно до 24 часов, чтобы сертификат начал приниматься, — если на кассе отказали в первый день, попробуйте ещё раз на следующий. Срок действия идёт с даты покупки.\n\nПодробнее: https://podarokplus.ru/help/activation",
        ], subj=["Активация сертификата", "Как активировать?", "Сертификат", "Вопрос по сертификату {brand}"]),
    ]),
    # ---------------------------------------------------------------- balance
    Topic("balance", "Проверка баланса", [2], [
        Intent("balance/how-to-check", "flat", 16, small_n=16, q=[
            "Здравствуйте! Как узнать сколько денег осталось на сертификате {brand}? Уже пару раз им расплачивалась",
            "как проверить баланс сертификата",
            "Добрый день. Подскажите пожалуйста где посмотреть остаток по подарочному сертификату? Код {code}",
            "баланс сертефиката где смотреть???",
            "Здравствуйте, хочу проверить сколько осталось на карте {brand_c}, на сайте магазина не получается, пишет «карта не найдена». Где это можно сделать?",
            "Добрый вечер! Мне подарили сертификат на {amount}, часть я потратила в магазине. Как теперь узнать остаток?",
            "Подскажите пожайлуста можно ли узнать баланс по номеру сертификата без пин кода",
            "Здравствуйте. Не могу найти на вашем сайте, где проверяется баланс. Помогите, пожалуйста",
            "Привет. сколько у меня на сертификате осталось? {code}",
            "Добрый день! Скажите, баланс сертификата обновляется сразу после покупки? Вчера потратила 1200, а на сайте всё ещё полная сумма",
            "Уважаемая служба поддержки! Прошу сообщить остаток средств на подарочном сертификате № {code}, PIN {pin}.",
            "можно как то проверить баланс через телефон? приложения у вас нет вроде",
            "Здравствуйте, у меня несколько сертификатов {brand}, хочу понять на каком сколько осталось. Есть где-то список?",
            "Здравствуйте, а на кассе могут сказать баланс? Или только через сайт смотреть?",
        ], a=[
            "Проверить баланс можно на странице https://podarokplus.ru/balance — введите код сертификата и PIN из письма. Там же видны история списаний и срок действия.\n\nБаланс обновляется в течение 24 часов после покупки в магазине, поэтому свежее списание может отобразиться не сразу. Без PIN-кода баланс не показывается — это защита от подбора кодов. Сотрудники поддержки баланс брендовых сертификатов в реальном времени не видят, поэтому самый точный способ — страница проверки.\n\nТакже остаток всегда подскажут на кассе любого магазина бренда при предъявлении сертификата.",
            "Баланс проверяется на странице https://podarokplus.ru/balance: укажите код сертификата и PIN из письма — вы увидите остаток, историю списаний и срок действия.\n\nОбратите внимание, что после покупки баланс обновляется в течение 24 часов. Без PIN-кода посмотреть баланс нельзя — так мы защищаем сертификаты от подбора. Мы в поддержке не видим баланс брендовых сертификатов в реальном времени, так что надёжнее всего проверить его на странице.\n\nОстаток также можно узнать на кассе магазина бренда.",
            "Остаток по сертификату можно посмотреть на https://podarokplus.ru/balance — нужны код и PIN из письма. На странице отображаются баланс, история списаний и срок действия.\n\nСписания появляются там в течение 24 часов после покупки. Без PIN-кода баланс не показывается (это защита от подбора кодов), а поддержка не видит баланс брендовых сертификатов онлайн — поэтому лучше проверять на странице.\n\nЕщё один вариант — спросить остаток на кассе любого магазина бренда.",
        ], subj=["Баланс сертификата", "Проверка баланса", "остаток", "Сколько осталось на сертификате?", "Вопрос"]),
    ]),
    # ---------------------------------------------------------------- expiry
    Topic("expiry", "Срок действия сертификата", [3], [
        Intent("expiry/how-long", "flat", 14, small_n=10, q=[
            "Здравствуйте! Сколько действует сертификат {brand}? В письме не нашла срок",
            "какой срок действия у сертификата?",
            "Добрый день, купила сертификат {buy_date_w}, до какого числа им можно пользоваться?",
            "подскажите а срок действия считается с момента покупки или с момента когда подарили?",
            "Здравствуйте. Подарили сертификат {brand_c} на {amount}, а я только сейчас увидела письмо. Он ещё действует? Код {code}",
            "Что будет с деньгами, если не успею потратить сертификат до конца срока?",
            "Добрый вечер! Сертификат сгорает полностью после окончания срока или остаток куда-то переносится?",
            "Скажите пожалуйста, срок действия у универсального сертификата такой же как у обычных?",
            "здравствуйте где посмотреть до какого числа действует сертефикат",
            "У сертификатов разных магазинов разные сроки? Хочу купить коллеге, чтобы она не торопилась",
            "Добрый день! В письме срок действия указан до {exp_date}. Это включительно? То есть в этот день ещё можно потратить?",
            "Здравствуйте, беру сертификат на день рождения маме, она не очень быстро ходит по магазинам )) сколько месяцев у неё будет?",
        ], a=[
            "Срок действия указан в письме с сертификатом и на странице проверки https://podarokplus.ru/balance (по коду и PIN). Для большинства брендов это 12 месяцев с даты покупки, для универсального сертификата ПодарокПлюс — 3 года. Точный срок для конкретного бренда указан на его странице в каталоге, в разделе «Условия».\n\nСрок считается с даты оплаты, а не с момента, когда получатель открыл письмо. Пользоваться сертификатом можно до 23:59 по московскому времени последнего дня включительно.\n\nПосле окончания срока неиспользованный остаток сгорает, поэтому советуем потратить сертификат заранее. Если срок уже подходит к концу, напишите нам: для многих брендов возможно однократное продление.",
            "Срок действия сертификата можно посмотреть в письме с сертификатом или на https://podarokplus.ru/balance по коду и PIN. Обычно это 12 месяцев с даты покупки, у универсального сертификата ПодарокПлюс — 3 года; для конкретного бренда срок указан на его странице в каталоге (раздел «Условия»).\n\nОтсчёт идёт с даты оплаты. Последний день действия включается — сертификат работает до 23:59 по Москве.\n\nЕсли сертификат не потратить до конца срока, остаток сгорает. Когда срок подходит к концу, можно обратиться к нам — для большинства брендов доступно однократное продление.",
        ], subj=["Срок действия", "До какого числа действует сертификат?", "срок сертификата", "Вопрос"]),
    ]),
    # ---------------------------------------------------------------- extend
    Topic("extend", "Продление срока действия", [4, 3], [
        Intent("extend/conditions", "flat", 4, q=[
            "Можно ли продлить срок действия сертификата? Просто интересуюсь на будущее",
            "Здравствуйте, а у вас продлевают сертификаты если не успел? Сколько это стоит?",
            "подскажите продление срока возможно для сертификата {brand}?",
            "Добрый день! Какие условия продления подарочного сертификата?",
            "Если сертификат уже истёк, можно его восстановить?",
        ], a=[
            "Продлить срок можно один раз — максимум на 3 месяца, бесплатно. Условия: сертификат использован не полностью, а заявка поступила не позднее 30 дней после окончания срока. Для сертификатов Ozon, «Пятёрочки» и «Перекрёстка» продление невозможно — это ограничение брендов.\n\nЧтобы продлить, напишите нам код сертификата (PIN не нужен) и номер заказа — проверим, доступно ли продление. Подробнее: https://podarokplus.ru/help/extension",
            "Однократное продление срока действия возможно — бесплатно и не больше чем на 3 месяца, если на сертификате остались деньги и с даты окончания срока прошло не более 30 дней. Исключения — Ozon, «Пятёрочка» и «Перекрёсток»: эти бренды продление не поддерживают.\n\nДля продления пришлите, пожалуйста, код сертификата (без PIN) и номер заказа. Условия подробно описаны здесь: https://podarokplus.ru/help/extension",
        ], subj=["Продление срока", "Можно ли продлить сертификат?"]),
        Intent("extend/extend-certificate", "needs-action", 14, q=[
            "Здравствуйте! У меня сертификат {brand} на {amount} руб, срок заканчивается {exp_date}, а я не успеваю им воспользоваться (лежала в больнице). Можно продлить? Код {code}",
            ("expired", "Добрый день. Сертификат истёк {exp_date_w}, я его так и не использовала. Можно как-то продлить? Заказ № {order}"),
            "продлите пожалуйста сертификат {code} хотя бы на месяц",
            "Здравствуйте, подарили сертификат {brand_c}, срок до {exp_date}. Я в командировке до конца месяца, можно продлить срок?",
            ("expired", "Сертификат сгорел на днях(( там {amount} рублей было. Помогите пожалуйста, можно восстановить?"),
            "Добрый вечер! Прошу продлить срок действия подарочного сертификата {code}, заказ {order}. Не успеваю потратить из-за переезда.",
            "здравствуйте, можно продлить сертефикат? он до {exp_date}",
            "Здравствуйте! На сертификате остался остаток, а срок заканчивается через неделю. Можно продлить хотя бы на пару месяцев?",
            "Хочу продлить сертификат, который подарила дочери. Она сейчас за границей и не успеет им воспользоваться до {exp_date}. Номер заказа {order}",
            "Добрый день, у сертификата {brand} истекает срок {exp_date_w}. Есть ли возможность продления? Сертификат вообще не использовался",
            "СРОЧНО!! сертификат заканчивается завтра а я в другом городе. продлите пожалуйста {code}",
        ], ask=[
            "Подскажите, пожалуйста, код сертификата (PIN не нужен) или номер заказа — проверим, можно ли продлить срок.",
            "Чтобы проверить возможность продления, пришлите, пожалуйста, код сертификата без PIN или номер заказа.",
        ], provide=[
            "Заказ {order}", "код {code}", "Номер заказа {order}, сертификат {code}", "вот {code}", "{code}\nпин нужен?",
        ], a=[
            "Продлили срок действия сертификата {code} до {new_exp_date} включительно. Баланс сохранился полностью, код и PIN остались прежними — новый срок уже отображается на странице https://podarokplus.ru/balance.\n\nОбратите внимание: продление возможно только один раз, поэтому постарайтесь воспользоваться сертификатом до новой даты.",
            "Готово — срок действия сертификата {code} продлён до {new_exp_date}. Код и PIN не изменились, пользоваться сертификатом можно как раньше, баланс сохранён.\n\nНапоминаем, что повторное продление не предусмотрено.",
        ], notes=[
            "Продление через админку: https://admin.podarokplus.local/certificates/{code} → «Изменить срок» → +3 мес. Продлений раньше не было. {brand}: партнёр разрешает продление без доплаты, наша комиссия {pct}% сохраняется (конфиденциально).",
            ("expired", "Срок истёк {days_ago} дн. назад — укладываемся в 30 дней по регламенту 04. Продлила до {new_exp_date}. Если попросит ещё раз — вежливый отказ, повторно не продлеваем."),
            ("expired", "Сертификат истёк {exp_date}, остаток {amount} не тратился. Продление в пределах 30 дней — по регламенту без согласования. Продлила через https://admin.podarokplus.local/certificates/{code}."),
            "Проверил у партнёра {brand} через API: сертификат не погашен, остаток совпадает. Продлил. Внутр.: по договору с {brand} продление оплачиваем мы, 150 ₽ за сертификат — не озвучивать.",
        ], subj=["Продление сертификата", "Продлите срок пожалуйста", "Срок действия сертификата", "Продление срока"]),
    ]),
    # ---------------------------------------------------------------- where to use
    Topic("where_to_use", "Где можно потратить сертификат", [5], [
        Intent("where_to_use/which-stores", "flat", 15, small_n=10, q=[
            "Здравствуйте! В каких магазинах принимают сертификат {brand}? Я живу в {city_p}, есть у нас такие?",
            "где можно потратить сертификат",
            "Добрый день. Сертификат {brand_c} принимают во всех магазинах сети или только в некоторых?",
            "подскажите пожалуйста можно ли сертификатом {brand} расплатиться в интернет-магазине или только в оффлайн",
            "Здравствуйте, можно ли использовать сертификат в аэропорту в магазине {brand}? Лечу в отпуск",
            "Приветик! Сертификат {brand_c} действует в других городах? Покупала в Москве, а подруга живёт в {city_p}",
            "здравствуйте какие магазины принимают ваши сертификаты? есть список?",
            "Добрый вечер. Можно ли потратить сертификат {brand} в магазине-франшизе? В нашем ТЦ магазин вроде франшиза",
            "Сертификат можно использовать за границей? например в магазине {brand} в Казахстане",
            "Подскажите, где найти адреса магазинов, которые принимают сертификат?",
            "Хочу подарить сертификат бабушке, она живёт в маленьком городе под {city_i}. Как понять, есть ли там магазин, где его примут?",
            "Добрый день! А в аутлетах {brand} сертификат тоже принимают?",
        ], a=[
            "Сертификат принимается во всех розничных магазинах бренда в России и на его официальном сайте, если в условиях не указано иное. Адреса магазинов и условия использования есть на странице бренда в нашем каталоге: https://podarokplus.ru/brands — раздел «Где использовать».\n\nИсключения бывают: часть магазинов-франшиз, аутлеты и магазины в зонах duty free аэропортов могут не принимать подарочные сертификаты. За рубежом сертификаты не действуют.\n\nЕсли сомневаетесь насчёт конкретного магазина, лучше заранее позвонить на горячую линию бренда — её номер тоже указан на странице бренда.",
            "Сертификат действует во всех магазинах бренда на территории России и на официальном сайте бренда (если в условиях нет ограничений). Список адресов — на странице бренда в каталоге https://podarokplus.ru/brands, раздел «Где использовать».\n\nНекоторые франшизы, аутлеты и магазины duty free в аэропортах подарочные сертификаты не принимают, за границей сертификаты тоже не работают.\n\nЧтобы не ошибиться с конкретным магазином, можно позвонить на горячую линию бренда — номер есть на той же странице.",
        ], subj=["Где можно потратить сертификат", "Какие магазины принимают?", "Вопрос по сертификату {brand}", "адреса магазинов"]),
    ]),
    # ---------------------------------------------------------------- online payment
    Topic("online_payment", "Оплата сертификатом в интернет-магазине", [6], [
        Intent("online_payment/how-to-pay-online", "flat", 14, small_n=10, q=[
            "Здравствуйте! Как оплатить заказ на сайте {brand} вашим сертификатом? Не вижу поля для ввода",
            "куда вводить код сертификата на сайте",
            "Добрый день. Пытаюсь оплатить на {brand_site} сертификатом, сайт просит номер карты и пин. Номер карты — это код из письма?",
            "Можно ли использовать сертификат как промокод? на сайте есть поле промокод, но код не подходит",
            "подскажите плз в приложении {brand_c} можно оплатить сертификатом?",
            "Здравствуйте, не получается оплатить заказ сертификатом на сайте, пишет «неверный PIN». Проверила три раза, ввожу правильно: код {code}, PIN {pin}",
            "Добрый вечер! Если я заказываю доставку через сайт, сертификатом можно оплатить и доставку тоже?",
            "Привет! На озоне куда вводить подарочный сертификат? в корзине не вижу",
            "здравствуйте, можно ли оплатить сертификатом заказ с самовывозом на сайте?",
            "Добрый день! Оформляю заказ онлайн, в способах оплаты нет «подарочный сертификат». Что делать?",
            "Скажите, где взять PIN для оплаты на сайте? В письме вижу только код",
            "Здравствуйте. Код сертификата {code} вводить с дефисами или без?",
        ], a=[
            "При оформлении заказа на сайте или в приложении бренда выберите способ оплаты «Подарочный сертификат» или «Подарочная карта» (название зависит от магазина) и введите код из письма и PIN. Код можно вводить без дефисов и пробелов.\n\nЭто не промокод: в поле для промокода сертификат не сработает. Если оплаты сертификатом в корзине нет, откройте страницу бренда в нашем каталоге https://podarokplus.ru/brands — в разделе «Как использовать» есть пошаговая инструкция для этого магазина (например, на Ozon сертификат сначала нужно привязать в личном кабинете, в разделе «Подарочные сертификаты»).\n\nPIN указан в том же письме, под кодом. Если PIN ввести неверно несколько раз подряд, оплата сертификатом блокируется на 30 минут — после этого можно попробовать снова.",
            "На сайте или в приложении бренда на шаге оплаты выберите «Подарочный сертификат» / «Подарочная карта» и введите код и PIN из письма (код — без дефисов и пробелов). Оплатить сертификатом можно и доставку, если магазин это допускает.\n\nПоле «Промокод» для сертификата не подходит. Если нужного способа оплаты нет, посмотрите инструкцию для конкретного бренда на https://podarokplus.ru/brands, раздел «Как использовать»: например, на Ozon сертификат сначала привязывают в личном кабинете («Подарочные сертификаты»).\n\nPIN находится в письме под кодом сертификата. После нескольких неверных попыток ввода PIN оплата сертификатом блокируется на 30 минут.",
        ], subj=["Оплата на сайте сертификатом", "Не получается оплатить сертификатом", "Куда вводить код?", "Вопрос"]),
    ]),
    # ---------------------------------------------------------------- corporate
    Topic("corporate", "Корпоративные заказы для юрлиц", [9], [
        Intent("corporate/how-to-order", "flat", 15, q=[
            "Добрый день! Мы хотим закупить 40 сертификатов по 3000 руб. для сотрудниц к 8 Марта. Как оформить заказ от юрлица и получить закрывающие документы?",
            "Здравствуйте. ООО «{company}» планирует приобрести подарочные сертификаты для клиентов. Работаете ли вы по договору с оплатой по счёту?",
            "Подскажите, возможна ли оплата сертификатов по безналу? Нужен счёт на ИП",
            "Добрый день, какие закрывающие документы вы предоставляете при корпоративной покупке? Нам нужен УПД",
            "Здравствуйте! Есть ли скидка при покупке сертификатов от 100 шт? Скоро Новый год, хотим подарки сотрудникам",
            "Коллеги, добрый день. Работаете ли вы через ЭДО (Диадок)? Бухгалтерия спрашивает.",
            "Добрый день, можно ли заказать сертификаты разных брендов в рамках одного счёта? Хотим, чтобы сотрудники сами выбрали",
            "здравствуйте, мы небольшая компания, 12 человек. Можно купить сертификаты как юрлицо без договора?",
            "Добрый день! Как доставляются сертификаты при корпоративном заказе — каждому сотруднику на почту или списком нам?",
            "Здравствуйте. Пришлите, пожалуйста, шаблон договора на поставку подарочных сертификатов для согласования с юристами.",
            "Хотим поздравить партнёров с Новым годом — 25 сертификатов {brand} по 5000. Сколько времени займёт оформление?",
            "Добрый день! Подскажите минимальную сумму корпоративного заказа и сроки выставления счёта.",
        ], a=[
            "Для юридических лиц и ИП мы работаем по договору-оферте или по отдельному договору, оплата — безналичным переводом по счёту. Минимальная сумма корпоративного заказа — 30 000 ₽ (или от 10 сертификатов).\n\nКак оформить:\n1. Заполните заявку на https://podarokplus.ru/business или пришлите на b2b@podarokplus.ru реквизиты компании, бренды и номиналы.\n2. В течение одного рабочего дня менеджер выставит счёт.\n3. После поступления оплаты сертификаты выпускаются за 1–2 рабочих дня: можем прислать их вам файлом (Excel со ссылками) или отправить каждому получателю на почту.\n\nЗакрывающие документы — УПД, при необходимости акт сверки. Работаем через ЭДО (Диадок, СБИС) или отправляем оригиналы почтой. В одном счёте можно сочетать разные бренды и номиналы. Для заказов от 300 000 ₽ действует индивидуальная скидка — менеджер рассчитает её в ответ на заявку.",
            "Корпоративные заказы оформляем для юрлиц и ИП по договору-оферте (шаблон — на https://podarokplus.ru/business) или по отдельному договору, с оплатой по счёту. Минимальный заказ — 30 000 ₽ или 10 сертификатов.\n\nПорядок такой:\n1. Заявка на https://podarokplus.ru/business или письмо на b2b@podarokplus.ru с реквизитами, брендами и номиналами.\n2. Счёт — в течение рабочего дня.\n3. Выпуск сертификатов — 1–2 рабочих дня после оплаты; отправим вам реестр (Excel со ссылками) или разошлём каждому получателю.\n\nПредоставляем УПД и акт сверки по запросу, через Диадок или СБИС либо оригиналами почтой. Разные бренды можно объединить в одном счёте, а на заказы от 300 000 ₽ менеджер предложит индивидуальную скидку.",
        ], subj=["Корпоративный заказ", "Сертификаты для сотрудников", "Оплата по счёту", "Запрос от юрлица", "Сотрудничество"]),
        Intent("corporate/closing-documents", "needs-action", 6, q=[
            "Добрый день! Оплатили счёт № {invoice} от {inv_date}, до сих пор нет закрывающих документов. Пришлите, пожалуйста, УПД.",
            "Здравствуйте, бухгалтерия ООО «{company}». Нужен УПД по счёту {invoice}, в ЭДО ничего не пришло.",
            "Коллеги, документы по нашему заказу в ЭДО не поступили. ИНН {inn}, счёт {invoice}. Проверьте, пожалуйста",
            "Добрый день. Сертификаты по счёту № {invoice} получили, спасибо. Когда ждать закрывающие?",
            "Здравствуйте! Нам нужен УПД по оплаченному счёту {invoice}, без него не можем провести оплату в учёте.",
        ], a=[
            "Направили УПД № {upd} от {upd_date} по счёту № {invoice} через Диадок — документ уже должен отображаться во входящих. Скан также продублировали на {email}.\n\nЕсли нужны оригиналы на бумаге, пришлите почтовый адрес с индексом — отправим Почтой России и сообщим трек-номер.",
            "Сформировали и отправили УПД № {upd} от {upd_date} по счёту № {invoice} в Диадок, копию в PDF — на {email}. Приносим извинения за задержку.\n\nПодпишите, пожалуйста, документ в ЭДО. Если понадобятся оригиналы, сообщите адрес для отправки.",
        ], notes=[
            "УПД не ушёл автоматически: в 1С у контрагента ИНН {inn} не заполнен идентификатор ЭДО. Заполнила, отправила вручную. Бухгалтерия — Ирина, доб. 233.",
            "Заказ крупный, клиент в статусе VIP, скидка по договору 4%. Документы отправлены. Внутр.: себестоимость по {brand} — номинал минус {pct}%, клиенту не озвучивать.",
        ], subj=["Закрывающие документы", "УПД по счёту {invoice}", "Документы по заказу", "Нет документов в ЭДО"]),
    ], group=2, staff=(21,)),
    # ---------------------------------------------------------------- payment methods
    Topic("payment_methods", "Способы оплаты заказа", [10], [
        Intent("payment_methods/available-methods", "flat", 13, q=[
            "Здравствуйте! Какие способы оплаты у вас есть? Можно через СБП?",
            "можно оплатить картой мир?",
            "Добрый день, у меня карта иностранного банка (Казахстан). Смогу оплатить сертификат?",
            "Подскажите, можно ли оплатить сертификат через SberPay или только картой?",
            "здравствуйте а наличными можно где то оплатить?",
            "Добрый вечер! Пытаюсь оплатить через СБП, не открывается приложение банка. Есть другие варианты?",
            "Можно ли купить сертификат в рассрочку или долями? Хочу на 15 тыс",
            "Здравствуйте. Есть ли комиссия при оплате картой?",
            "Подскажите, можно ли оплатить с карты другого человека, мужа например",
            "Здравствуйте! Принимаете ли вы оплату через Яндекс Пэй или T-Pay?",
            "Оплата только российскими картами? Я сейчас за границей",
            "Добрый день, можно оплатить сертификат бонусами СберСпасибо?",
        ], a=[
            "Оплатить заказ можно:\n— банковской картой МИР, Visa или Mastercard, выпущенной в России;\n— через Систему быстрых платежей (СБП) — по QR-коду или ссылке на приложение банка;\n— через SberPay и T-Pay.\n\nКомиссии за оплату нет. Карты иностранных банков, наличные, бонусы банков и оплата частями («Долями», рассрочка) сейчас не поддерживаются. Оплатить можно и картой другого человека — главное, чтобы чек и сертификат пришли на вашу почту.\n\nЕсли СБП не открывает приложение банка, отсканируйте QR-код с экрана компьютера камерой телефона или выберите оплату картой. Подробнее: https://podarokplus.ru/help/payment",
            "Мы принимаем:\n— карты МИР, Visa и Mastercard российских банков;\n— СБП (QR-код или переход в приложение банка);\n— SberPay и T-Pay.\n\nКомиссия не взимается. Оплата иностранными картами, наличными, бонусами банков, а также в рассрочку или «Долями» пока недоступна. Картой другого человека заплатить можно — сертификат и чек придут на e-mail из заказа.\n\nЕсли по ссылке СБП приложение банка не открывается, попробуйте отсканировать QR-код с экрана компьютера или оплатите картой. Все способы оплаты: https://podarokplus.ru/help/payment",
        ], subj=["Способы оплаты", "Оплата", "Можно оплатить через СБП?", "Вопрос по оплате"]),
    ]),
    # ---------------------------------------------------------------- not accepted at the checkout
    Topic("not_accepted", "Сертификат не принимают на кассе", [13], [
        Intent("not_accepted/refused-at-checkout", "flat", 13, q=[
            "Здравствуйте! Сегодня пыталась расплатиться сертификатом {brand} в ТЦ, кассир сказал, что не может его принять. Почему так?",
            "НЕ ПРИНИМАЮТ СЕРТИФИКАТ НА КАССЕ!!! что за развод",
            "Добрый день. В магазине {brand_c} сказали что такие сертификаты у них не принимаются, только их собственные карты. Это правда?",
            "Продавец говорит что штрихкод не считывается с телефона. Что делать?",
            "Здравствуйте, на кассе сказали «сертификат не активен», хотя купила его неделю назад. Код {code} пин {pin}",
            "стою на кассе, не проходит сертификат, помогите срочно",
            "Добрый вечер. Ходила в магазин {brand}, кассир долго пыталась провести сертификат и в итоге отказала. Сказали обращаться к вам. Что делать?",
            "Здравствуйте, можно ли распечатать сертификат? В магазине сказали, что с экрана не принимают",
            "Сертификат не прошёл на кассе, выдало ошибку. Деньги с него не списались? переживаю",
            "Почему в магазине {brand} в {city_p} отказались принимать сертификат, а в другом приняли?",
            "Добрый день! Кассир сказала, что не знает, как проводить электронный сертификат. Есть какая-то инструкция для магазина?",
        ], a=[
            "Очень жаль, что так получилось. Чаще всего причина в одном из следующего:\n1. Магазин не участвует в программе — так бывает с частью франшиз, аутлетами и точками в аэропортах. Список магазинов — на странице бренда: https://podarokplus.ru/brands.\n2. Кассир не знает, как провести электронный сертификат. Попросите пригласить старшего кассира или администратора: сертификат проводится как подарочная карта бренда — сканированием штрихкода/QR-кода или вводом кода вручную.\n3. Не считывается штрихкод с экрана — увеличьте яркость или продиктуйте код и PIN, их можно ввести вручную. Распечатать сертификат тоже можно.\n\nЕсли оплата не прошла, деньги с сертификата не списываются — баланс можно проверить на https://podarokplus.ru/balance. Если отказ повторится, пришлите нам адрес магазина, дату и время — передадим информацию бренду.",
            "Приносим извинения за неудобство. Обычно дело в одном из трёх:\n1. Конкретный магазин не принимает сертификаты (часть франшиз, аутлеты, магазины в аэропортах) — адреса участвующих магазинов есть на https://podarokplus.ru/brands.\n2. Кассир не знаком с электронными сертификатами — попросите позвать старшего кассира: сертификат проводится как подарочная карта бренда, по штрихкоду/QR-коду или вводом кода вручную.\n3. Сканер не читает экран — прибавьте яркость, распечатайте сертификат или продиктуйте код и PIN.\n\nПри неудачной попытке оплаты деньги с сертификата не списываются, баланс можно проверить на https://podarokplus.ru/balance. Если вам снова откажут, напишите нам адрес магазина, дату и время — мы передадим это бренду.",
        ], subj=["Не принимают сертификат", "Отказали на кассе", "Жалоба на магазин {brand}", "сертификат не проходит"]),
    ]),
    # ---------------------------------------------------------------- partial use
    Topic("partial_use", "Частичное использование и остаток", [14], [
        Intent("partial_use/remaining-balance", "flat", 13, q=[
            "Здравствуйте! Можно ли потратить сертификат не полностью? Например, у меня 5000, а покупка на 3200",
            "остаток после покупки сохранится?",
            "Добрый день. Купила в магазине {brand} товаров на меньшую сумму, чем сертификат. Остаток сгорел или остался на карте?",
            "Подскажите, можно ли пользоваться сертификатом несколько раз?",
            "Здравствуйте, если покупка меньше номинала, мне отдадут сдачу наличными?",
            "скажите пожалуйста сертификат {brand_c} одноразовый или многоразовый",
            "Добрый вечер! Потратила часть сертификата, осталось около 800 руб. Могу ли я оплатить ими в другой раз в другом магазине этой же сети?",
            "Здравствуйте. Правда, что в магазинах {brand} остаток сгорает? Подруга так сказала",
            "Можно ли сначала потратить часть на сайте, а остаток в магазине?",
            "Добрый день, на сертификате осталась маленькая сумма, 47 рублей, что с ней делать? вернуть можно?",
            "здравствуйте если вернуть товар купленный по сертификату, деньги вернутся на сертификат?",
            "Привет! Сертификат на 10к, хочу тратить по чуть-чуть. так можно?",
        ], a=[
            "Да, для большинства брендов сертификат можно использовать частями: если покупка меньше номинала, остаток сохраняется на сертификате, и его можно потратить позже — в любом магазине бренда или на сайте, до окончания срока действия. Сдачу наличными не выдают.\n\nУ некоторых брендов сертификат одноразовый — остаток после первой покупки сгорает. Это указано на странице бренда в разделе «Условия» (https://podarokplus.ru/brands) и в письме с сертификатом.\n\nЕсли вы вернёте товар, купленный по сертификату, деньги вернутся обратно на сертификат — это делает магазин бренда при оформлении возврата. Остаток можно проверить на https://podarokplus.ru/balance.",
            "Для большинства брендов — да: сертификат многоразовый, и после покупки на меньшую сумму остаток остаётся на нём до конца срока действия. Потратить его можно в любом магазине бренда или на сайте. Сдача наличными не выдаётся.\n\nЕсть бренды с одноразовыми сертификатами, где остаток после первой покупки сгорает, — это всегда написано в разделе «Условия» на странице бренда (https://podarokplus.ru/brands) и в письме с сертификатом.\n\nПри возврате товара, оплаченного сертификатом, магазин вернёт деньги на сертификат. Текущий остаток виден на https://podarokplus.ru/balance.",
        ], subj=["Остаток на сертификате", "Частичное использование", "Вопрос по сертификату", "Сдача с сертификата"]),
    ]),
    # ---------------------------------------------------------------- combine
    Topic("combine", "Объединение нескольких сертификатов", [15], [
        Intent("combine/merge-certificates", "flat", 12, q=[
            "Здравствуйте! У меня два сертификата {brand} по 2000. Можно ли оплатить ими одну покупку?",
            "можно объединить несколько сертификатов в один?",
            "Добрый день. Подарили три сертификата на разные суммы, хочу сложить их в один, чтобы было удобнее. Это возможно?",
            "Подскажите пожалуйста можно ли оплатить покупку сертификатом + картой + ещё одним сертификатом",
            "здравствуйте на сайте {brand_c} можно ввести сразу 2 сертификата?",
            "Добрый вечер! У меня есть сертификаты {brand} и {brand2}. Можно их объединить и потратить в одном магазине?",
            "Могу ли я перенести остаток с одного сертификата на другой? На одном осталось 300 р, на другом 1500",
            "Здравствуйте, сколько сертификатов можно использовать за одну покупку?",
            "Добрый день! Хочу купить пылесос за 18 тысяч, а у меня 4 сертификата М.Видео по 5000. Примут все четыре?",
            "Объединить баланс сертификатов можно через личный кабинет?",
            "здравствуйте можно ли суммировать сертификаты",
        ], a=[
            "Объединить несколько сертификатов в один или перенести остаток с одного на другой, к сожалению, нельзя — у каждого сертификата свой код, баланс и срок действия.\n\nНо в одной покупке можно использовать несколько сертификатов одного бренда: в магазине их проводят по очереди, а оставшуюся сумму можно доплатить картой или наличными. На сайтах брендов количество сертификатов в одном заказе бывает ограничено (обычно до 2–5 штук) — это указано на странице бренда: https://podarokplus.ru/brands.\n\nСертификаты разных брендов действуют только в своих магазинах, объединить их нельзя.",
            "Сложить несколько сертификатов в один или перенести остаток между ними не получится: у каждого сертификата отдельные код, баланс и срок действия.\n\nПри этом оплатить одну покупку несколькими сертификатами одного бренда можно — на кассе их проведут по очереди, недостающую сумму доплатите картой или наличными. На сайтах брендов бывает ограничение на количество сертификатов в заказе (чаще всего от 2 до 5), подробности — на странице бренда https://podarokplus.ru/brands.\n\nСертификат одного бренда нельзя использовать в магазинах другого.",
        ], subj=["Объединение сертификатов", "Несколько сертификатов", "Вопрос"]),
    ]),
    # ---------------------------------------------------------------- gift / scheduled delivery
    Topic("gift_delivery", "Подарить сертификат и отложенная доставка", [16], [
        Intent("gift_delivery/send-to-someone", "flat", 14, q=[
            "Здравствуйте! Хочу подарить сертификат маме на день рождения {sched_date_w}. Можно сделать так, чтобы он пришёл ей именно в этот день?",
            "как отправить сертификат другому человеку?",
            "Добрый день. Можно ли купить сертификат и отправить его подруге по смс, а не на почту?",
            "подскажите можно ли настроить отправку сертификата на определенное время например в 9 утра",
            "Здравствуйте! Если я куплю сертификат сейчас, а отправить нужно через месяц — срок действия начнётся с покупки или с отправки?",
            "Добрый вечер, можно подарить сертификат анонимно? Чтобы не было видно, от кого",
            "Я купила сертификат себе на почту. Могу ли я теперь переслать его другому человеку?",
            "Здравствуйте, получатель увидит сумму сертификата? Или её можно скрыть?",
            "здраствуйте как узнать что подарок доставлен получателю",
            "Можно ли отправить один сертификат сразу нескольким людям? Хотим подарить коллеге от всего отдела",
            "Добрый день! Максимально на сколько вперёд можно запланировать отправку сертификата?",
            "Хочу отправить сертификат в телеграм. Это возможно?",
        ], a=[
            "Подарить сертификат просто: при оформлении заказа выберите «Подарить», укажите имя и e-mail или номер телефона получателя (тогда придёт SMS со ссылкой), а также дату и время доставки — отправку можно запланировать до 3 месяцев вперёд. Если дату не выбрать, сертификат придёт получателю сразу после оплаты.\n\nКопия сертификата и уведомление о доставке придут на вашу почту. Имя отправителя указывать необязательно — можно подарить анонимно, а вот номинал получатель видит всегда. Срок действия отсчитывается с даты покупки, поэтому для отложенной доставки выбирайте бренды с запасом по сроку.\n\nСертификат, который пришёл вам, можно просто переслать получателю письмом или в мессенджере — он не привязан к владельцу. Подробнее: https://podarokplus.ru/help/gift",
            "Чтобы подарить сертификат, на шаге оформления выберите «Подарить» и укажите имя получателя, его e-mail или телефон (для SMS со ссылкой), дату и время доставки — до 3 месяцев вперёд. Без даты сертификат уйдёт получателю сразу после оплаты.\n\nВам придут копия сертификата и уведомление, когда подарок будет доставлен. Подпись «от кого» можно не указывать, а номинал в письме видно всегда. Срок действия идёт с даты покупки — при отложенной отправке учитывайте это.\n\nЕсли сертификат пришёл вам самим, его можно переслать кому угодно — письмом или ссылкой в мессенджере, он не привязан к владельцу. Подробнее: https://podarokplus.ru/help/gift",
        ], subj=["Подарок", "Отложенная доставка", "Как подарить сертификат?", "Вопрос"]),
    ]),
    # ---------------------------------------------------------------- design
    Topic("design", "Открытка и поздравление", [18], [
        Intent("design/card-and-message", "flat", 11, q=[
            "Здравствуйте! Можно ли выбрать дизайн открытки для сертификата? Хочу что-то к 8 Марта",
            "как добавить поздравление к сертификату",
            "Добрый день. Можно загрузить свою фотографию на открытку?",
            "Подскажите, сколько символов можно написать в поздравлении? Текст получается длинный",
            "Здравствуйте, я забыла добавить поздравление при покупке. Можно добавить сейчас?",
            "здравствуйте а есть открытки на английском?",
            "Добрый вечер! Получатель увидит открытку в письме или только код?",
            "Можно ли распечатать сертификат красиво, чтобы вручить лично?",
            "Есть новогодние дизайны сертификатов? Не нашла в каталоге",
            "Здравствуйте, можно ли вложить видеопоздравление?",
            "подскажите пожалуйста можно ли выбрать открытку для мужчины, а то все в цветочках",
        ], a=[
            "При оформлении заказа на шаге «Оформление» можно выбрать открытку из галереи — там больше 100 дизайнов к разным поводам: день рождения, 8 Марта, 23 Февраля, Новый год, свадьба, «просто так»; есть нейтральные и «мужские» варианты, часть открыток — на английском. Ниже можно написать поздравление длиной до 500 символов.\n\nЗагрузить своё фото или видео пока нельзя. Получатель увидит открытку и поздравление в письме и на странице сертификата; там же есть кнопка «Скачать PDF» — его удобно распечатать и вручить лично.\n\nИзменить поздравление после оплаты можно, только если сертификат ещё не отправлен (при отложенной доставке), — напишите нам номер заказа.",
            "Открытку выбирают на шаге «Оформление»: в галерее больше 100 дизайнов — к дню рождения, 8 Марта, 23 Февраля, Новому году, свадьбе и без повода, в том числе нейтральные, «мужские» и на английском. Поздравление пишется там же, до 500 символов.\n\nСвоё фото или видео добавить пока нельзя. Открытка с поздравлением отображается в письме получателю и на странице сертификата, где есть кнопка «Скачать PDF» для печати.\n\nПоменять текст поздравления после оплаты можно только до отправки сертификата (если выбрана отложенная доставка) — для этого пришлите нам номер заказа.",
        ], subj=["Открытка", "Поздравление к сертификату", "Дизайн сертификата", "Вопрос"]),
    ]),
    # ---------------------------------------------------------------- surcharge
    Topic("surcharge", "Доплата при покупке дороже номинала", [19], [
        Intent("surcharge/pay-the-difference", "flat", 12, q=[
            "Здравствуйте! Если покупка дороже сертификата, можно доплатить картой?",
            "Добрый день. Хочу купить куртку за 12 000, сертификат на 7000. Остальное можно наличными?",
            "можно доплатить разницу если товар дороже",
            "Подскажите пожалуйста, на сайте {brand} можно оплатить часть сертификатом, а часть картой?",
            "Здравствуйте, сертификатом можно оплатить товар по акции или только по полной цене?",
            "Привет. Покупка 5600, а на сертификате 5000, касса не пробила. Почему не дали доплатить?",
            "Добрый вечер! Можно ли при оплате сертификатом ещё и бонусы магазина использовать?",
            "Подскажите, можно ли доплатить через СБП в интернет-магазине, если не хватает суммы сертификата",
            "Здравствуйте! Доплата за товар сверх номинала облагается какой-то комиссией?",
            "здраствуйте если товар дороже то сертификат не сгорит?",
            "Можно ли доплатить к старому сертификату и увеличить номинал?",
        ], a=[
            "Да, если покупка дороже номинала сертификата, разницу можно доплатить банковской картой или наличными на кассе, а на сайте бренда — любым доступным там способом оплаты. Комиссии за доплату нет, сертификат при этом списывается на сумму своего баланса.\n\nСертификатом можно оплачивать и товары по акции, если правила бренда не говорят иное. Начисление и списание бонусов магазина при оплате сертификатом — по правилам программы лояльности бренда (часто бонусы начисляются только на доплаченную часть).\n\nУвеличить номинал уже купленного сертификата нельзя — можно купить ещё один и использовать оба в одной покупке. Если на кассе не получилось доплатить, попросите кассира провести смешанную оплату: сначала сертификат, затем карта.",
            "Конечно: если товар стоит больше номинала, остаток доплачивается картой или наличными на кассе, а на сайте бренда — доступными там способами оплаты. Никаких комиссий за доплату нет.\n\nТовары по акции тоже можно оплачивать сертификатом, если бренд не ограничивает это в своих правилах. Как начисляются и списываются бонусы магазина — решает программа лояльности бренда; обычно бонусы начисляются только на доплату.\n\nНоминал купленного сертификата увеличить нельзя, но можно купить дополнительный и оплатить покупку двумя сертификатами. Если кассир не провёл доплату, попросите оформить смешанную оплату: сначала сертификат, потом карта.",
        ], subj=["Доплата", "Товар дороже сертификата", "Вопрос по оплате"]),
    ]),
    # ---------------------------------------------------------------- multibrand
    Topic("multibrand", "Универсальный сертификат", [20], [
        Intent("multibrand/how-it-works", "flat", 13, q=[
            "Здравствуйте! Что такое универсальный сертификат и как им пользоваться?",
            "Добрый день. Мне подарили универсальный сертификат ПодарокПлюс на {amount}. Как его потратить в магазине {brand}?",
            "можно ли поменять универсальный сертификат на сертификат летуаль",
            "Подскажите пожалуйста, универсальный сертификат можно разделить на несколько брендов?",
            "Здравствуйте, обменяла универсальный сертификат на {brand}, а теперь хочу на {brand2}. Можно поменять обратно?",
            "Что лучше подарить: универсальный или конкретный магазин? Не знаю, что нравится коллеге",
            "Добрый вечер! Можно ли расплатиться универсальным сертификатом прямо на кассе магазина?",
            "у меня мультибренд сертификат, в каких магазинах работает?",
            "Здравствуйте. Если обменять универсальный сертификат на бренд, срок действия поменяется?",
            "Пытаюсь обменять универсальный сертификат, не вижу в списке {brand}. Почему?",
            "Добрый день, есть ли комиссия при обмене универсального сертификата?",
            "Сколько раз можно обменивать универсальный сертификат? Хочу часть сейчас, часть потом",
        ], a=[
            "Универсальный сертификат ПодарокПлюс получатель сам обменивает на сертификаты любых брендов из каталога — их больше 700. Напрямую на кассе магазина он не принимается.\n\nКак использовать:\n1. Откройте https://podarokplus.ru/exchange и введите код и PIN универсального сертификата.\n2. Выберите бренд и сумму — баланс можно разделить между несколькими брендами и обменивать частями в разное время.\n3. Сертификат бренда придёт на почту сразу после обмена.\n\nОбмен бесплатный, но необратимый: полученный сертификат бренда обратно не меняется. Срок действия сертификата бренда считается с момента обмена по правилам этого бренда. Список брендов для обмена иногда меняется — если нужного бренда нет, напишите нам, подскажем, когда он вернётся.",
            "Универсальный сертификат ПодарокПлюс — это подарок «на выбор»: его обменивают на сертификаты брендов из нашего каталога (700+ магазинов). На кассе магазина им расплатиться нельзя, сначала нужен обмен.\n\nПорядок обмена:\n1. Зайдите на https://podarokplus.ru/exchange, введите код и PIN.\n2. Выберите один или несколько брендов и суммы — можно обменять часть баланса сейчас, а остаток позже.\n3. Сертификат выбранного бренда сразу придёт на e-mail.\n\nКомиссии за обмен нет, но обмен отменить нельзя. Срок действия нового сертификата — по правилам бренда, с даты обмена. Если бренда временно нет в списке, напишите нам — уточним сроки.",
        ], subj=["Универсальный сертификат", "Обмен универсального сертификата", "Мультибренд", "Вопрос"]),
    ]),
    # ---------------------------------------------------------------- receipts
    Topic("receipts", "Чек и документы для покупателя", [22], [
        Intent("receipts/where-is-receipt", "flat", 11, q=[
            "Здравствуйте! Не пришёл чек об оплате сертификата. Где его найти?",
            "нужен чек для отчетности на работе, где взять",
            "Добрый день. Где посмотреть чек по заказу {order}? В письмах не нахожу",
            "Подскажите пожалуйста, можно ли получить налоговый вычет за покупку сертификата?",
            "здравствуйте, в чеке написано «аванс», это нормально?",
            "Добрый вечер! Нужен документ, подтверждающий покупку сертификата, для компенсации от работодателя. Что вы можете предоставить?",
            "Здравствуйте, чек пришёл от какого-то ofd.ru, это не мошенники?",
            "Где в личном кабинете найти историю заказов и чеки?",
            "Добрый день! Я покупала как физлицо по карте. Можно мне счёт-фактуру?",
            "чек не пришел на почту, проверил спам. что делать",
            "Здравствуйте, когда я потрачу сертификат в магазине, мне дадут чек?",
        ], a=[
            "Кассовый чек приходит на e-mail, указанный при оплате, сразу после покупки. Отправитель — оператор фискальных данных (ОФД, например noreply@ofd.ru), это не спам и не мошенники. В чеке указан признак расчёта «аванс» — так положено по закону для подарочных сертификатов.\n\nЕсли письма нет, проверьте папки «Спам» и «Промоакции». Все чеки также доступны в личном кабинете: https://podarokplus.ru/account/orders → выберите заказ → «Чек».\n\nДля компенсации от работодателя обычно достаточно этого чека. Счёт-фактура и налоговый вычет при покупке физлицом не предусмотрены. Когда вы будете расплачиваться сертификатом в магазине, чек на товары выдаст магазин бренда.",
            "Чек отправляется автоматически на e-mail из заказа сразу после оплаты — его присылает оператор фискальных данных (ОФД), например с адреса noreply@ofd.ru; это официальный чек. Признак расчёта «аванс» — норма для подарочных сертификатов.\n\nНе нашли письмо — загляните в «Спам» и «Промоакции» или скачайте чек в личном кабинете: https://podarokplus.ru/account/orders → заказ → «Чек».\n\nЭтого чека обычно достаточно для отчёта или компенсации на работе. Налоговый вычет и счёт-фактура для покупок физлицами не предусмотрены. При оплате сертификатом в магазине чек на товары выдаёт магазин.",
        ], subj=["Чек", "Не пришёл чек", "Документы об оплате", "Вопрос"]),
    ]),
    # ---------------------------------------------------------------- loyalty
    Topic("loyalty", "Скидки, промокоды и бонусы", [23], [
        Intent("loyalty/promo-codes", "flat", 11, q=[
            "Здравствуйте! Есть ли у вас промокоды на первую покупку?",
            "как применить промокод",
            "Добрый день. Промокод из рассылки не работает, пишет «недействителен». Почему?",
            "Подскажите, есть ли программа лояльности, бонусы за покупки сертификатов?",
            "Здравствуйте, можно ли использовать два промокода в одном заказе?",
            "будут ли скидки на черную пятницу?",
            "Добрый вечер! Начисляются ли бонусы {brand} при покупке их сертификата у вас?",
            "Здравствуйте. Получила рассылку со скидкой 5%, но в корзине скидка не применилась. Почему?",
            "Есть скидки для пенсионеров или многодетных?",
            "Подскажите, как подписаться на рассылку, чтобы узнавать об акциях?",
            "здравствуйте, друг дал промокод, а мне пишет что только для новых клиентов. я вроде новый",
        ], a=[
            "Промокод вводится в корзине, в поле «Промокод», до перехода к оплате. Скидка применяется, если заказ соответствует условиям акции: срок действия промокода, минимальная сумма, бренды-участники и «только для первого заказа», если так указано (первым считается заказ с нового e-mail и нового номера телефона). В одном заказе можно использовать только один промокод, скидки не суммируются.\n\nПостоянной бонусной программы у ПодарокПлюс пока нет, отдельных скидок для льготных категорий тоже. Об акциях, в том числе к Чёрной пятнице и праздникам, сообщаем в рассылке — подписаться можно внизу главной страницы https://podarokplus.ru, — и в нашем Telegram-канале.\n\nБонусы программ лояльности брендов при покупке сертификата у нас не начисляются — их начисляет магазин при покупке товаров по правилам бренда.",
            "Промокод нужно ввести в корзине в поле «Промокод» до оплаты. Он сработает, если заказ подходит под условия акции: не истёк срок промокода, набрана минимальная сумма, выбран бренд-участник; промокоды «для новых клиентов» действуют только на первый заказ с нового e-mail и номера телефона. Один заказ — один промокод, скидки не складываются.\n\nБонусной программы и льготных скидок у нас пока нет. Об акциях (Чёрная пятница, праздники) рассказываем в рассылке — подписка внизу главной страницы https://podarokplus.ru — и в Telegram-канале.\n\nБонусы брендов за покупку сертификата не начисляются: магазин начисляет их, когда вы покупаете товары, по своим правилам.",
        ], subj=["Промокод", "Скидки", "Промокод не работает", "Бонусы"]),
    ]),
    # ---------------------------------------------------------------- EN: how to redeem
    Topic("en_how_to_redeem", "How to redeem a certificate (EN)", [24], [
        Intent("en_how_to_redeem/redeem-steps", "flat", 11, q=[
            "Hello, I received a gift certificate for {brand_en} by email. How do I use it in the store?",
            "how to redeem gift card",
            "Hi! I'm trying to pay on the {brand_en} website with my certificate but there is no field for it. What should I do?",
            "Good afternoon, my colleagues gave me a certificate from PodarokPlus. I don't speak Russian well. Can you explain how to redeem it?",
            "Hi there, do I need to activate the certificate before using it?",
            "Hello. Where can I find the PIN for my gift certificate? I only see the code {code}",
            "Can I use the certificate for several purchases or only once?",
            "Hello, is it possible to redeem the certificate in any store of the chain?",
            "Hi, I got a universal certificate. How do I exchange it for a specific brand?",
            "Dear support, could you please tell me how to check the balance and how to redeem my gift card? Thank you",
            "hey, the cashier asked for a barcode, where is it?",
        ], a=[
            "To redeem your certificate:\n1. In a store: show the certificate from the email (or the printed PDF) at the checkout. The cashier scans the barcode/QR code or enters the code and PIN manually.\n2. Online: at checkout on the brand's website choose \"Gift card\" (\"Подарочная карта\") as the payment method and enter the code and PIN from the email.\n\nNo activation is needed — the certificate is active right after payment. The PIN is in the same email, just below the code. For most brands you can use the certificate for several purchases until the balance runs out; you can check the balance at https://podarokplus.ru/balance.\n\nA universal PodarokPlus certificate must first be exchanged for a brand certificate at https://podarokplus.ru/exchange. Brand-specific instructions: https://podarokplus.ru/brands",
            "Here is how to use the certificate:\n1. In a store, show the email with the certificate (or a printout of the PDF) at the checkout — the cashier will scan the barcode/QR code or type in the code and PIN.\n2. On the brand's website, choose \"Gift card\" (\"Подарочная карта\") at checkout and enter the code and PIN.\n\nThere is nothing to activate: the certificate works immediately after payment. You will find the PIN in the same email, under the code. Most brands allow several purchases until the balance is used up; the balance is shown at https://podarokplus.ru/balance.\n\nIf you have a universal PodarokPlus certificate, exchange it for a brand certificate first at https://podarokplus.ru/exchange. Instructions for each brand: https://podarokplus.ru/brands",
        ], subj=["How to redeem", "Gift certificate", "Question", "How to use the gift card"]),
    ], lang="en", staff=(12,)),
    # ---------------------------------------------------------------- resend (needs action)
    Topic("resend", "Не пришёл сертификат: повторная отправка", [7, 8], [
        Intent("resend/delivery-time", "flat", 6, q=[
            "Здравствуйте, через сколько времени после оплаты приходит сертификат?",
            "сертификат сразу приходит на почту?",
            "Добрый день! Если оплатить сейчас, сертификат придёт моментально? Нужно срочно, день рождения через час )",
            "Подскажите, с какого адреса приходит письмо с сертификатом? Чтобы добавить в контакты",
            "Здравствуйте, а сертификат приходит только на почту или ещё по смс?",
            "Во сколько придёт сертификат, если оплатить ночью?",
        ], a=[
            "Письмо с сертификатом приходит на указанный e-mail в течение 15 минут после оплаты, обычно — за 1–2 минуты, в любое время суток. Отправитель — ПодарокПлюс <noreply@podarokplus.ru>, рекомендуем добавить этот адрес в контакты.\n\nЕсли при оформлении указан номер телефона получателя, дополнительно придёт SMS со ссылкой на сертификат. Сертификат также всегда доступен в личном кабинете: https://podarokplus.ru/account/orders.\n\nЕсли письма нет дольше 15 минут, проверьте папки «Спам» и «Промоакции», а затем напишите нам номер заказа — отправим повторно.",
            "Сертификат отправляется автоматически сразу после оплаты и приходит в течение 15 минут (как правило, за 1–2 минуты), в том числе ночью и в выходные. Письмо придёт от ПодарокПлюс <noreply@podarokplus.ru> — лучше добавить этот адрес в контакты.\n\nЕсли в заказе указан телефон получателя, он получит ещё и SMS со ссылкой. Кроме того, сертификат всегда есть в личном кабинете: https://podarokplus.ru/account/orders.\n\nНе пришло за 15 минут — проверьте «Спам» и «Промоакции» и пришлите нам номер заказа, мы отправим письмо повторно.",
        ], subj=["Когда придёт сертификат?", "Доставка сертификата", "Вопрос"]),
        Intent("resend/not-received", "needs-action", 24, small_n=15, q=[
            "Здравствуйте! Оплатила сертификат {brand} на {amount} руб. {buy_date_w}, заказ № {order}, а письмо так и не пришло. Спам проверила.",
            "где мой сертификат?? оплатила час назад",
            "Добрый день. Сертификат не пришёл на почту {email}. Номер заказа {order}. Прошу отправить повторно.",
            "сертефикат не пришел на почту, заказ {order} оплачен, чек пришел а сертификата нет",
            ("recip", "Здравствуйте. Подарила подруге сертификат, а она говорит, что ничего не получила. Её почта {recip_email}, заказ {order}"),
            "Добрый вечер! Случайно удалила письмо с сертификатом. Можно прислать ещё раз?",
            "Здравствуйте, мне должны были прийти сертификаты по заказу {order}, а пришло только одно письмо из двух",
            "Привет, письмо с сертификатом не приходит уже 2 часа. почта {email}",
            ("recip", "Подскажите пожайлуста, сертификат должен был прийти сегодня в 10:00 (отложенная доставка), но получатель ничего не получил. Заказ № {order}, почта получателя {recip_email}"),
            "Добрый день! Не могу найти письмо с сертификатом, купленным в {month_p}. Можете продублировать? Почта та же — {email}",
            "Здравствуйте, пришлите пожалуйста сертификат ещё раз, в первом письме не открывается ссылка",
            "Отправьте сертификат повторно пожалуйста, заказ {order}",
            "НЕ ПРИШЁЛ СЕРТИФИКАТ. Оплачено {buy_date}, {amount} р.",
        ], ask=[
            "Подскажите, пожалуйста, номер заказа или e-mail, который был указан при оплате, — проверим и отправим сертификат повторно.",
            "Пришлите, пожалуйста, номер заказа (он есть в письме с чеком) или e-mail, указанный при оплате, — найдём заказ и продублируем сертификат.",
        ], provide=[
            "Заказ {order}", "{email}", "номер заказа {order}, почта {email}", "Почта {email}, оплачивала картой *{last4}",
            "{order}",
        ], a=[
            "Проверили заказ № {order}: он оплачен, сертификат «{brand}» на {amount_rub} выпущен. Отправили его повторно на {to_email} — письмо придёт в течение 15 минут от ПодарокПлюс <noreply@podarokplus.ru>.\n\nЕсли письма не будет во «Входящих», проверьте, пожалуйста, папки «Спам» и «Промоакции». Сертификат также доступен в личном кабинете: https://podarokplus.ru/account/orders.",
            "Отправили сертификат повторно на почту {to_email} (заказ № {order}). Первое письмо, судя по логам, не было доставлено почтовым сервером получателя — такое иногда случается. Пожалуйста, проверьте «Входящие» и «Спам» через 10–15 минут.",
            "Заказ № {order} нашли — сертификат был отправлен на {to_email}, но письмо, вероятно, попало в спам. Мы продублировали его ещё раз. Если снова не придёт, напишите нам — пришлём на другой адрес.",
            ("recip", "Проверили заказ № {order}: письмо получателю не было доставлено. Отправили сертификат «{brand}» повторно на {recip_email}, копию — вам на {email}. Письмо придёт в течение 15 минут от ПодарокПлюс <noreply@podarokplus.ru>; если его не будет во «Входящих», пусть получатель проверит «Спам» и «Промоакции»."),
        ], notes=[
            "Проверила в админке https://admin.podarokplus.local/orders/{order}: заказ оплачен {buy_date}, письмо ушло в спам (статус доставки delivered, открытий нет). Переотправила.",
            "Логи рассылки: hard bounce от {email_domain} («mailbox full»). Переотправил вручную, клиенту сказал проверить ящик. Если повторится — отправлять ссылку из админки в чат.",
            "Очередь рассылки стояла {buy_date} с 09:50 до 11:30 (инцидент INC-{inc}), письмо по заказу ушло с задержкой и, видимо, попало в спам. Переотправила вручную. Партнёр {brand} — комиссия {pct}% (конфиденциально), им не сообщаем.",
            ("recip", "Письмо получателю {recip_email}: статус soft bounce, ящик временно недоступен. Переотправила на тот же адрес, копию — покупателю. Если снова bounce — просить другой адрес."),
            ("recip", "Отложенная доставка не сработала: очередь рассылки стояла с 09:50 до 11:30, таких заказов ещё 14 (инцидент INC-{inc}). Отправили вручную. Старший смены в курсе (доб. 214)."),
            "Сертификат выпущен у партнёра, но письмо не сформировалось (ошибка шаблона). Переотправила через «Действия → Отправить повторно». Старший смены в курсе (доб. 214).",
        ], subj=["Не пришёл сертификат", "Где сертификат?", "Заказ № {order}", "Повторная отправка", "Сертификат не пришёл на почту"]),
    ], staff=(5, 7, 12)),
    # ---------------------------------------------------------------- refund (needs action)
    Topic("refund", "Возврат денег за сертификат", [11], [
        Intent("refund/policy", "flat", 6, q=[
            "Здравствуйте! Можно ли вернуть деньги за сертификат, если он не понадобился?",
            "возврат за сертификат возможен?",
            "Добрый день. Подскажите условия возврата подарочного сертификата. Хочу купить, но боюсь, что не подойдёт",
            "Здравствуйте, сколько дней даётся на возврат сертификата?",
            "Если сертификат частично использован, можно вернуть остаток деньгами?",
            "Можно ли вернуть деньги получателю сертификата, а не покупателю?",
            "Добрый вечер! Через сколько приходят деньги при возврате?",
        ], a=[
            "Вернуть деньги можно за неиспользованный сертификат в течение всего срока его действия. Возврат оформляет покупатель — тот, кто оплачивал заказ: напишите нам номер заказа и код сертификата. Деньги возвращаются на ту же карту, с которой была оплата, в течение 10 рабочих дней, без комиссий и удержаний.\n\nЕсли сертификатом уже частично воспользовались, возврат остатка возможен только по согласованию с брендом — мы запросим такую возможность, но гарантировать её не можем. Получателю подарка деньги не возвращаются, только покупателю.\n\nПодробнее: https://podarokplus.ru/help/refund",
            "Неиспользованный сертификат можно вернуть в любой момент до окончания срока действия. Запрос на возврат присылает покупатель (тот, кто платил): номер заказа и код сертификата. Деньги придут на карту, с которой оплачивали, в течение 10 рабочих дней, полностью, без удержаний.\n\nОстаток частично использованного сертификата вернуть можно только с согласия бренда — мы запросим, но обещать результат не можем. Возврат получателю подарка не производится, только покупателю.\n\nВсе условия: https://podarokplus.ru/help/refund",
        ], subj=["Возврат", "Условия возврата", "Вопрос по возврату"]),
        Intent("refund/refund-request", "needs-action", 18, q=[
            "Здравствуйте! Купила сертификат {brand} на {amount} руб., заказ № {order}. Подарок не понадобился, хочу вернуть деньги. Сертификат не использовался.",
            "хочу вернуть деньги за сертификат {code}",
            "Добрый день. Прошу оформить возврат денежных средств за подарочный сертификат. Заказ {order} от {buy_date}, сумма {amount} руб. Оплата картой {card}.",
            "Здравствуйте, ошибочно купила два одинаковых сертификата, верните деньги за один пожалуйста. Заказы {order} и {order2}",
            "Добрый вечер! Сотрудница уволилась, сертификат ей так и не вручили. Можно вернуть деньги? Код {code}",
            "Верните деньги за сертификат, в нашем городе нет магазинов {brand}!!",
            "Здравствуйте. Перепутала бренд при покупке — хотела {brand2}, а купила {brand}. Можно вернуть деньги и купить заново? заказ {order}",
            "возврат оформите пожалуйста, заказ {order}. номер карты {card}",
            "Здравствуйте, я подарила сертификат, но получатель им не пользуется и просит вернуть деньги. Как сделать возврат? Покупала я, заказ {order}",
            "Добрый день! Хочу отказаться от сертификата и вернуть деньги, купила вчера. Номер заказа {order}, почта {email}",
            "Здравствуйте, прошу вернуть деньги за сертификат, который так и не был использован. Срок ещё не истёк. Код {code}, PIN {pin}",
        ], ask=[
            "Чтобы оформить возврат, пришлите, пожалуйста, номер заказа и последние 4 цифры карты, с которой была оплата. Полный номер карты присылать не нужно.",
            "Подскажите, пожалуйста, номер заказа — и подтвердите, что пишете с e-mail покупателя. Из данных карты нам достаточно последних 4 цифр.",
        ], provide=[
            "Заказ {order}, карта заканчивается на {last4}", "номер заказа {order}", "{order}, оплачивала картой *{last4}. почта та же",
            "Заказ {order}\nКарта {last4}",
        ], a=[
            "Оформили возврат по заказу № {order}: сертификат {code} заблокирован, {amount_rub} вернутся на карту *{last4} в течение 10 рабочих дней. Срок зачисления зависит от вашего банка.\n\nЕсли деньги не поступят в течение этого срока, напишите нам — пришлём справку с номером операции для обращения в банк.",
            "Возврат оформлен. Сумма {amount_rub} по заказу № {order} будет возвращена на карту, с которой производилась оплата (*{last4}), в течение 10 рабочих дней. Сертификат {code} аннулирован и больше не действует.",
        ], notes=[
            "Возврат через https://admin.podarokplus.local/orders/{order}/refund. Сертификат у партнёра не погашен — проверено через API {brand}. Сумма {amount}, RRN {rrn}. По регламенту 01 — без согласования.",
            "Сумма больше 10 000 — согласовала с финансами (Дмитрий, доб. 231). Возврат проведён. Партнёру {brand} комиссию {pct}% не возвращают — списываем в убыток (конфиденциально).",
            ("card", "Клиент прислал полный номер карты — сообщение с номером скрыла в карточке, в ответе попросила больше так не делать. Возврат оформлен стандартно."),
        ], subj=["Возврат денег", "Возврат за сертификат", "Заказ № {order} — возврат", "Прошу вернуть деньги"]),
    ], group=3, staff=(14, 5, 7)),
    # ---------------------------------------------------------------- lost code (needs action)
    Topic("lost_code", "Утерян код сертификата: перевыпуск", [12], [
        Intent("lost_code/reissue", "needs-action", 15, q=[
            "Здравствуйте! Потеряла письмо с сертификатом и не помню код. Покупала сама, заказ {order}. Можно восстановить?",
            "Сертификат был распечатан, а распечатку выбросили вместе с мусором(( Можно перевыпустить? Код не помню",
            ("theft", "Добрый день, у меня украли телефон, в нём был сертификат {brand_c}. Боюсь, что им воспользуются. Можно заблокировать и выдать новый?"),
            "потерял код сертификата что делать",
            "Здравствуйте. Код на распечатке стёрся, видно только начало: {code_partial}. Заказ оформляли на почту {email}",
            "Добрый вечер! Подарили сертификат, а открытку с кодом ребёнок порвал. Остался кусочек с PIN {pin}. Помогите",
            "Здравствуйте, по ошибке переслала сертификат не тому человеку. Можно сделать новый код, а старый аннулировать? Заказ {order}",
            "Подскажите пожалуйста можно ли восстановить сертификат, если я удалила почту, на которую он был куплен",
            "Добрый день! Я сфотографировала сертификат, но фото плохое, не видно PIN. Можно узнать PIN по коду {code}?",
            "Здравствуйте, случайно выложила фото сертификата в сторис вместе с кодом 🙈 можно его заменить, пока никто не воспользовался?",
            "перевыпустите сертификат пожалуйста, заказ {order}, почта {email}",
        ], ask=[
            "Поможем. Для перевыпуска подтвердите, пожалуйста, что вы покупатель: пришлите номер заказа или e-mail, с которого оплачивали, и последние 4 цифры карты оплаты.",
            "Перевыпустить сертификат можно. Чтобы убедиться, что пишет покупатель, пришлите, пожалуйста, номер заказа (или e-mail из заказа) и последние 4 цифры карты, которой платили.",
        ], provide=[
            "Заказ {order}, карта *{last4}", "Почта {email}, последние цифры карты {last4}", "{order} / {last4}",
            "заказ {order}\nкарта {last4}",
        ], a=[
            "Перевыпустили сертификат по заказу № {order}: старый код заблокирован, баланс перенесён на новый сертификат. Новый сертификат отправили на {email}; для сверки — код {new_code}, PIN {new_pin}.\n\nСрок действия остался прежним — до {exp_date}. Пожалуйста, не публикуйте код и PIN и не пересылайте их посторонним.",
            "Готово: прежний сертификат аннулирован, вместо него выпущен новый — {new_code} (PIN {new_pin}) с тем же балансом и сроком действия до {exp_date}. Письмо с новым сертификатом отправили на {email}.",
        ], notes=[
            "Перевыпуск: админка → Сертификаты → {code} → «Заблокировать и перевыпустить». Баланс на момент блокировки {amount} — не тратился. Проверку покупателя прошёл (заказ + 4 цифры карты).",
            ("theft", "Клиент сообщил о краже телефона. Старый код заблокирован, попыток списания после покупки не было. Если появятся — эскалация в СБ (Сергей Лапин, доб. 240)."),
            ("theft", "Кража телефона: проверила историю списаний у партнёра {brand} — списаний не было, перевыпуск без СБ по регламенту 07, п. 5.1."),
            "Перевыпуск у {brand} платный для нас (партнёр берёт 50 ₽ за перевыпуск, комиссия {pct}% — конфиденциально). Клиенту бесплатно, как положено по регламенту.",
        ], subj=["Потерял сертификат", "Перевыпуск сертификата", "Утерян код", "Восстановить сертификат"]),
    ], staff=(5, 7, 12)),
    # ---------------------------------------------------------------- change recipient (needs action)
    Topic("change_recipient", "Изменение получателя или e-mail", [17], [
        Intent("change_recipient/change-recipient", "needs-action", 15, q=[
            "Здравствуйте! При заказе ошиблась в почте получателя — написала {wrong_email} вместо {recip_email}. Заказ {order}. Можно переотправить на правильный адрес?",
            "Добрый день. Нужно изменить получателя сертификата, подарок запланирован на {sched_date}. Новый адрес {recip_email}, заказ {order}",
            ("name", "ошибся в имени получателя на открытке, можно исправить? заказ {order}. должно быть {recip_full}"),
            "Здравствуйте, сертификат запланирован на {sched_date}, а у мамы сменилась почта. Поменяйте пожалуйста на {recip_email}",
            "Добрый вечер! Поменяйте, пожалуйста, email получателя, опечатка в адресе. Было {wrong_email}, правильно {recip_email}",
            "Подскажите, можно ли поменять получателя после того, как сертификат уже ушёл? Отправили коллеге, а она уволилась, хотим подарить другому. Заказ {order}",
            ("date", "Здравствуйте! Хочу перенести дату отправки подарка с {sched_date} на более раннюю — на завтра. Заказ № {order}"),
            ("phone", "Добрый день, в заказе указан мой телефон для смс получателю, а надо было мамин {recip_phone}. Исправьте пожалуйста, заказ {order}"),
            "изменить почту получателя можно? заказ {order}",
            "Здравствуйте. Муж при оформлении указал свою почту вместо моей, а сертификат для меня. Перешлите, пожалуйста, на {recip_email}. Заказ {order}",
            ("name", "Здравствуйте! Поменяйте имя в поздравлении: вместо «{wrong_name}» должно быть «{recip_name}». Подарок уходит {sched_date}, заказ {order}"),
        ], ask=[
            "Подскажите, пожалуйста, номер заказа и новый e-mail получателя — внесём изменения.",
            "Конечно, поменяем. Напишите, пожалуйста, новый адрес получателя и номер заказа.",
        ], provide=[
            "Заказ {order}, новая почта {recip_email}", "{order}\n{recip_email}", "номер {order}. почта {recip_email}",
        ], a=[
            "Изменили e-mail получателя в заказе № {order} на {recip_email}. {delivery_clause}\n\nСтарая ссылка на сертификат больше не действует, так что, даже если письмо ушло на ошибочный адрес, воспользоваться сертификатом по ней не получится.",
            "Готово! В заказе № {order} теперь указан адрес {recip_email}. {delivery_clause} Уведомление о доставке придёт вам на почту.",
            ("name", "Исправили имя получателя в заказе № {order}: в открытке теперь указано «{recip_name}». Сертификат будет отправлен, как и планировалось, {sched_date}."),
            ("date", "Изменили дату отправки по заказу № {order}: сертификат придёт получателю {new_sched_date} в 10:00 по московскому времени. Уведомление о доставке пришлём вам на почту."),
            ("phone", "Обновили номер телефона получателя в заказе № {order} — SMS со ссылкой на сертификат придёт на {recip_phone}. Если SMS уже ушло на прежний номер, ссылка в нём больше не работает."),
        ], notes=[
            "Правка получателя: админка → Заказы → {order} → «Получатель» → «Изменить». Старая ссылка деактивирована автоматически. Получатель сертификат не открывал (по логам).",
            ("name", "Имя в открытке поправила через админка → Заказы → {order} → «Открытка». Отправка по расписанию, {sched_date}."),
            ("date", "Перенос даты: админка → Заказы → {order} → «Доставка» → новая дата. Проверила, что сертификат ещё в очереди."),
            ("phone", "Телефон получателя сменила в карточке заказа {order}, SMS-шлюз: старое SMS не доставлялось (статус expired)."),
            "Проверила, что пишет покупатель: e-mail отправителя совпадает с заказом. Изменения внесла. Если попросят сменить получателя ещё раз — только после звонка (доб. 214).",
        ], subj=["Изменить получателя", "Ошибка в почте получателя", "Заказ {order}", "Исправить данные получателя"]),
    ], staff=(5, 7, 12)),
    # ---------------------------------------------------------------- payment error (needs action)
    Topic("payment_error", "Деньги списались, сертификат не пришёл", [21], [
        Intent("payment_error/charged-no-certificate", "needs-action", 17, q=[
            "Здравствуйте! Деньги списались, а сертификат не пришёл! Оплачивала {amount} руб. картой, в личном кабинете заказа нет.",
            ("double", "списали деньги 2 раза!!! верните"),
            "Добрый день. При оплате выдало ошибку, но деньги с карты списались ({amount} руб). Сертификата нет. Что делать?",
            "Здравствуйте, оплатила по СБП, деньги ушли, а на сайте висит «ожидает оплаты». Заказ {order}",
            "деньги списаны сертификата нет. карта {card}",
            "Добрый вечер! Пыталась купить сертификат {brand}, страница зависла, потом выдало ошибку. В банке операция прошла. Прошу разобраться. Время оплаты примерно {pay_time}",
            ("double", "Здравствуйте. Платёж прошёл дважды за один заказ {order}, списано {amount2} вместо {amount}. Верните лишнее"),
            ("hold", "Подскажите, у меня заблокировалась сумма на карте, а заказ не создан. Когда вернутся деньги?"),
            "Оплатила сертификат через SberPay, в приложении банка «успешно», а от вас ни письма, ни смс уже 3 часа",
            "Здравствуйте! Вчера купила сертификат на {amount}, деньги списаны, сертификат не пришёл, в чате никто не отвечает. Номер операции в банке {rrn}",
            "Добрый день, сайт выдал «Ошибка 502» при оплате. Деньги списались. Сертификат нужен срочно, сегодня праздник",
        ], ask=[
            "Приносим извинения за неудобства. Пришлите, пожалуйста, дату и примерное время оплаты, сумму и последние 4 цифры карты (или скриншот операции из банка без полного номера карты) — найдём платёж.",
            "Разберёмся. Для поиска платежа напишите, пожалуйста, дату и время оплаты, сумму и последние 4 цифры карты.",
        ], provide=[
            "{pay_date} примерно в {pay_time}, {amount} руб, карта *{last4}", "сумма {amount}, карта заканчивается на {last4}, вчера вечером",
            "Вот: {amount} р, {pay_date}, *{last4}", "{pay_date} {pay_time}\n{amount}\nкарта {last4}",
        ], a=[
            "Нашли ваш платёж на {amount_rub}: из-за технического сбоя заказ не подтвердился автоматически. Мы оформили его вручную — заказ № {order}, сертификат «{brand}» отправлен на {email}.\n\nПриносим извинения за ожидание. Если письмо не придёт в течение 15 минут, проверьте папку «Спам».",
            "Разобрались: оплата прошла, но заказ завис в статусе «ожидает оплаты» из-за задержки ответа банка. Подтвердили заказ № {order} вручную, сертификат уже отправлен на {email}. Спасибо за терпение!",
            ("double", "Проверили: по заказу № {order} действительно прошло два списания. Второй платёж на {amount_rub} отменили — деньги вернутся на карту *{last4} в течение 10 рабочих дней (обычно быстрее, зависит от банка). Сертификат по заказу действует, он отправлен на {email}."),
            ("hold", "Проверили: заказ по этому платежу не был создан, поэтому деньги не списаны окончательно, а только заблокированы банком. Мы отменили авторизацию со своей стороны — банк вернёт {amount_rub} на карту *{last4} в течение 3–5 рабочих дней.\n\nЕсли сертификат всё ещё нужен, оформите заказ заново — для надёжности можно оплатить через СБП."),
        ], notes=[
            "Процессинг: транзакция RRN {rrn} — AUTHORIZED, у нас заказ в статусе pending (таймаут колбэка от эквайера). Провела заказ вручную через https://admin.podarokplus.local/payments. Эскалация не нужна.",
            ("double", "Двойное списание — известный баг при повторном нажатии «Оплатить» (PAY-{bug}). Отмена второго платежа через ЛК эквайера, согласовано с Дмитрием (доб. 231)."),
            ("hold", "ЛК эквайера: платёж RRN {rrn} в статусе AUTHORIZED, заказ не создан (клиент закрыл страницу до редиректа). Отменила авторизацию."),
            "Сбой платёжного шлюза {pay_date} 19:40–20:15, затронуто ~30 заказов. Список у старшего смены (доб. 214). Этот заказ подтвердила вручную.",
        ], subj=["Деньги списались, сертификата нет", "Ошибка оплаты", "Двойное списание", "Не пришёл сертификат после оплаты", "СРОЧНО"]),
    ], group=3, staff=(14, 5, 7)),
    # ---------------------------------------------------------------- cancel order (needs action)
    Topic("cancel_order", "Отмена заказа", [25], [
        Intent("cancel_order/cancel", "needs-action", 12, q=[
            "Здравствуйте! Оформила сертификат с отложенной доставкой на {sched_date}, но планы поменялись. Можно отменить заказ и вернуть деньги? Заказ № {order}",
            "отмените заказ {order} пожалуйста, передумала",
            ("dup", "Добрый день. Случайно оформила заказ дважды, отмените, пожалуйста, один из них: {order2}"),
            "Здравствуйте, подарок запланирован на {sched_date}, а мы поссорились 🙃 Отмените пожалуйста отправку, деньги верните. Заказ {order}",
            "Добрый вечер! Можно отменить заказ, который ещё не отправлен получателю? {order}",
            "Хочу отменить заказ {order} и оформить новый с другим номиналом. Сначала отмените, пожалуйста, этот",
            "Здравствуйте. Сотрудник оформил заказ на компанию ошибочно, нужно отменить. Заказ {order}, сумма {amount} руб",
            "пожалуйста отмените отправку сертификата на {sched_date}, получателю он уже не нужен. заказ {order}",
            "Добрый день! Как отменить заказ? В личном кабинете нет кнопки. Номер {order}",
            ("unpaid", "Здравствуйте, заказ {order} ещё не оплачен, висит в статусе ожидания. Отмените его, чтобы не было списания"),
        ], a=[
            "Отменили заказ № {order}: сертификат не будет отправлен получателю. Деньги — {amount_rub} — вернутся на карту *{last4} в течение 10 рабочих дней.\n\nЕсли захотите оформить новый подарок, это можно сделать в любой момент на https://podarokplus.ru.",
            "Заказ № {order} отменён, отложенная отправка снята. Возврат {amount_rub} оформлен на карту, с которой была оплата, — срок зачисления до 10 рабочих дней в зависимости от банка.",
            ("unpaid", "Отменили заказ № {order}. Он не был оплачен, поэтому списаний не будет; если банк успел заблокировать сумму, блокировка снимется автоматически в течение 3–5 рабочих дней."),
            ("dup", "Отменили заказ № {order2} — дубль. Деньги, {amount_rub}, вернутся на карту *{last4} в течение 10 рабочих дней. Заказ № {order} остаётся в силе."),
        ], notes=[
            "Отмена до отправки — без согласования. Админка → Заказы → {order} → «Отменить» → «Возврат на карту». Сертификат у партнёра ({brand}) ещё не выпускался, комиссия не списана.",
            "Заказ был отложенный, сертификат у {brand} уже выпущен — аннулировала у партнёра через ЛК. Комиссия {pct}% к нам не вернётся, согласовано с финансами (доб. 231).",
        ], subj=["Отмена заказа", "Отменить заказ {order}", "Отмена отложенной доставки"]),
    ], group=3, staff=(14, 5, 7)),
    # ---------------------------------------------------------------- EN: not received (needs action)
    Topic("en_not_received", "Certificate not received (EN)", [24, 7], [
        Intent("en_not_received/resend", "needs-action", 9, q=[
            "Hello, I paid for a gift certificate (order {order}) but haven't received any email. Could you please check?",
            "certificate not received",
            ("recip", "Hi! I bought a {brand_en} gift card for my friend {hours} hours ago. She still has not received it. Her email is {recip_email}"),
            "Good evening, the money was charged but I didn't get the certificate. Order number {order}, email {email}.",
            "Hello, I can't find the email with my certificate. I checked spam. Please resend it to {email}",
            ("recip", "Hi, my scheduled gift was supposed to arrive today at 9:00 but my sister got nothing. Order {order}"),
            "Dear Support, I have not received my e-certificate. Payment was made by card ending {last4}. Thanks in advance",
            "hello?? I paid and nothing came. order {order}",
        ], ask=[
            "Could you please send us your order number or the email address you used at checkout? We'll check and resend the certificate.",
        ], provide=[
            "Order {order}", "{email}", "order number is {order}, email {email}",
        ], a=[
            "We checked order #{order}: it is paid and the {brand_en} certificate has been issued. We have resent it to {to_email} — it should arrive within 15 minutes from PodarokPlus <noreply@podarokplus.ru>.\n\nIf you don't see it in your inbox, please check the Spam and Promotions folders. The certificate is also available in your account: https://podarokplus.ru/account/orders.",
            "We've resent the certificate for order #{order} to {to_email}. The first email was apparently rejected by the recipient's mail server. Please check the inbox (and spam) in 10–15 minutes.",
            ("recip", "We checked order #{order}: the email to the recipient was not delivered. We have resent the {brand_en} certificate to {recip_email} and a copy to you at {email}. It should arrive within 15 minutes; if not, please ask your friend to check the Spam folder."),
        ], notes=[
            "EN клиент, заказ {order} оплачен, письмо в статусе soft bounce. Переотправила вручную из https://admin.podarokplus.local/orders/{order}.",
            "Иностранный e-mail, письмо отклонено фильтром получателя. Отправила ещё раз. Ссылку на сертификат в ответ не копировала — по регламенту 02 так нельзя.",
        ], subj=["Certificate not received", "Order {order}", "No email with gift card", "Gift certificate"]),
    ], lang="en", staff=(12,)),
]

TOPIC_BY_KEY = {t.key: t for t in TOPICS}

# ---------------------------------------------------------------- empty requests
EMPTY_OPENINGS_RU = ["Здравствуйте", "Здравствуйте!", "Добрый день!", "Добрый вечер", "помогите", "у меня вопрос",
                     "?", "Алло", "Здравствуйте, можно вопрос?", "[Стикер]", "👋", "Здравствуйте. Подскажите пожалуйста",
                     "Добрый день, у меня проблема", "Вопрос по сертификату", "Есть кто?", "Здрасте", "Добрый день. Помогите разобраться",
                     "Девушка, здравствуйте", "Прив", ".", "Доброе утро", "Здравствуйте, подскажите"]
EMPTY_OPENINGS_EN = ["Hello", "Hi", "hello?", "Hi, I have a question"]
EMPTY_CLARIFY_RU = [
    "Уточните, пожалуйста, ваш вопрос — с радостью поможем. Если вопрос по заказу, сразу пришлите его номер.",
    "Мы на связи. Опишите, пожалуйста, подробнее, что случилось?",
    "Слушаем вас. Уточните, пожалуйста, ваш вопрос.",
    "Кажется, сообщение пришло без текста. Напишите, пожалуйста, ваш вопрос — мы поможем.",
]
EMPTY_CLARIFY_EN = ["How can we help you? Please describe your question.",
                    "We're here to help. Could you please tell us a bit more about your question?"]
EMPTY_CLOSE_RU = "Так как мы не получили ответа, закрываем обращение. Если вопрос остался — просто напишите нам, и мы продолжим."
EMPTY_AFTER_RU = ["уже не надо, разобралась", "Всё, нашла, спасибо", "ой, не туда написала", "Уже не актуально", "всё ок, вопрос снят"]
EMPTY_AFTER_EN = ["never mind, found it", "Sorry, wrong chat"]

# ---------------------------------------------------------------- other
OTHER_ITEMS = [
    # (intent, lang, customer text, staff reply or None, channel hint, subject)
    ("other/thanks", "ru", "Хочу сказать спасибо оператору Марии — очень быстро помогла с возвратом на прошлой неделе! Деньги уже пришли.",
     "Спасибо за тёплые слова! Обязательно передадим Марии 😊 Хорошего дня!", "email", "Благодарность"),
    ("other/thanks", "ru", "Спасибо вам большое! Сертификат пришёл, подруга в восторге 🥰",
     "Очень рады, что подарок понравился! Обращайтесь 🙂", "telegram", ""),
    ("other/thanks", "ru", "Благодарю за оперативность, всё получили. Отличный сервис.",
     "Спасибо за отзыв! Будем рады видеть вас снова.", "email", "Спасибо"),
    ("other/thanks", "ru", "Просто хотела поблагодарить — купила сертификат за 2 минуты с телефона, очень удобно",
     "Спасибо, что написали! Нам очень приятно 😊", "chat", ""),
    ("other/thanks", "ru", "спасибо за помощь!!!", "Пожалуйста! Хорошего дня!", "whatsapp", ""),
    ("other/feedback", "ru", "Предложение: сделайте, пожалуйста, возможность загружать своё фото на открытку. Было бы очень мило, особенно для бабушек.",
     "Спасибо за идею! Передали её команде продукта — такую возможность уже обсуждаем.", "email", "Предложение по сайту"),
    ("other/feedback", "ru", "Сайт на телефоне неудобный, кнопка оплаты уезжает за экран на айфоне SE. Еле купила",
     "Спасибо, что сообщили, и извините за неудобство! Передали разработчикам вместе с моделью телефона.", "chat", ""),
    ("other/feedback", "ru", "Добавьте пожалуйста Wildberries в каталог, очень не хватает",
     "Спасибо за пожелание! Передали его отделу партнёрств. Следите за новостями в нашем Telegram-канале.", "vkontakte", ""),
    ("other/feedback", "ru", "Почему у вас нет приложения? Было бы удобно хранить все сертификаты в одном месте",
     "Спасибо за обратную связь! Мобильное приложение в планах. Пока все сертификаты можно найти в личном кабинете: https://podarokplus.ru/account/orders", "telegram", ""),
    ("other/feedback", "ru", "Очень долго отвечаете в чате, ждала 40 минут. Вопрос уже решила сама, но так не дело.",
     "Приносим извинения за долгое ожидание — вечером была высокая нагрузка. Передали ваш отзыв руководителю поддержки.", "chat", ""),
    ("other/partnership", "ru", "Добрый день! Мы сеть кофеен «Зерно» (12 точек в Казани), хотим подключиться к вашему каталогу сертификатов. С кем можно обсудить условия?",
     "Спасибо за интерес к ПодарокПлюс! Предложения о подключении брендов рассматривает отдел партнёрств — напишите, пожалуйста, на partners@podarokplus.ru, коллеги ответят в течение 5 рабочих дней.", "email", "Сотрудничество"),
    ("other/partnership", "ru", "Здравствуйте! Предлагаем разместить рекламу в нашем Telegram-канале о подарках (85 тыс. подписчиков). Прайс во вложении, скидка 20% на первый пост.",
     "Спасибо за предложение! Рекламные размещения рассматривает отдел маркетинга: marketing@podarokplus.ru.", "email", "Реклама в Telegram"),
    ("other/partnership", "en", "Hello, we are a gift card aggregator from Kazakhstan and are interested in cooperation. Who can we talk to about a partnership?",
     "Thank you for your interest in PodarokPlus! Please contact our partnership team at partners@podarokplus.ru — they will get back to you within 5 business days.", "email", "Partnership proposal"),
    ("other/partnership", "ru", "Добрый день, я блогер (Instagram 40к, тематика — подарки и лайфхаки). Интересен бартер: обзор вашего сервиса в обмен на сертификат.",
     "Спасибо за предложение! Коллаборации с блогерами ведёт отдел маркетинга — напишите, пожалуйста, на marketing@podarokplus.ru.", "email", "Сотрудничество с блогером"),
    ("other/job", "ru", "Здравствуйте, увидела вакансию оператора поддержки на hh.ru. Можно отправить резюме сюда?",
     "Здравствуйте! Резюме, пожалуйста, направьте на hr@podarokplus.ru с пометкой «Оператор поддержки» — так оно точно попадёт к рекрутеру. Удачи!", "email", "Вакансия"),
    ("other/job", "ru", "Добрый день! Ищете ли вы курьеров?",
     "Мы продаём только электронные сертификаты, поэтому курьеры нам не требуются. Актуальные вакансии: https://podarokplus.ru/jobs", "chat", ""),
    ("other/job", "ru", "Здравствуйте, есть удалённая работа у вас?",
     "Все открытые вакансии, в том числе удалённые, опубликованы на https://podarokplus.ru/jobs. Резюме можно отправить на hr@podarokplus.ru.", "telegram", ""),
    ("other/ad", "ru", "Продвижение сайтов в ТОП-10 Яндекса за 14 дней! Гарантия результата, оплата по факту. Звоните: 8 (999) 111-22-33, Виталий",
     None, "email", "Коммерческое предложение"),
    ("other/ad", "ru", "Базы данных клиентов для рассылок, все регионы РФ, актуализация 2025. Недорого. Пишите в телеграм @baza_pro_2025",
     None, "email", "Базы данных"),
    ("other/ad", "ru", "Увеличим продажи вашего магазина на маркетплейсах в 3 раза — бесплатный аудит карточек до конца недели!",
     None, "email", "Бесплатный аудит"),
    ("other/ad", "en", "Dear Sir/Madam, we offer professional SEO and link building services at affordable prices. Reply to get our price list.",
     None, "email", "SEO services"),
]

SPAM_ITEMS = [
    ("Заработок от 5000 ₽ в день без вложений!!! Переходи по ссылке bit.ly/zarabotok-2025 и начни уже сегодня", "email", "Пассивный доход"),
    ("Поздравляем! Вы выиграли iPhone 16 Pro. Для получения приза перейдите по ссылке и оплатите доставку 299 руб.", "email", "Вы выиграли!"),
]

THANKS_RU = ["Спасибо!", "спасибо большое", "Благодарю!", "Ок, спасибо", "спс", "Понятно, спасибо за ответ",
             "Супер, спасибо!", "Спасибо, разобралась", "Спасибо за быстрый ответ!", "Спасибо, всё понятно"]
THANKS_RECEIVED_RU = ["Спасибо, пришло 👍", "Всё пришло, спасибо огромное", "Получила, спасибо!", "Спасибо, всё получилось!"]
THANKS_EN = ["Thank you!", "Thanks a lot, got it", "Great, thanks!"]
THANKS_RECEIVED_EN = ["Received, thank you so much!", "Got it, thanks!"]
DELIVERY_INTENTS = ("resend/not-received", "payment_error/charged-no-certificate", "en_not_received/resend",
                    "lost_code/reissue", "change_recipient/change-recipient")
NUDGE_RU = ["алло", "вы тут?", "??", "жду ответа", "ау", "есть кто живой?", "Подскажите пожалуйста, очень нужно"]
NUDGE_EN = ["hello?", "Any update?"]
RATING_COMMENTS = {
    "high": ["Спасибо, быстро!", "Оператор молодец", "Всё понятно объяснили", "Быстро и вежливо", "Помогли за 5 минут", "Спасибо большое!"],
    "middle": ["Ответ шаблонный", "Долго ждала ответа", "Нормально", "Пришлось писать два раза"],
    "low": ["Так и не поняла, почему не принимают", "Ответили через сутки", "Ответ не помог", "Хотела вернуть деньги, а прислали инструкцию"],
    "high_en": ["Quick and helpful, thanks!", "Great support"],
}


# --------------------------------------------------------------------------------------
# Ticket builder
# --------------------------------------------------------------------------------------

GREETINGS_RU = ["Здравствуйте!", "Добрый день!", "Добрый день.", "Здравствуйте.", "Добрый вечер!", "Доброе утро!", "Здравствуйте,"]
GREETINGS_EN = ["Hello,", "Hi,", "Good afternoon,", "Dear Support,"]
CLOSINGS_RU = ["Спасибо.", "Заранее спасибо!", "Жду ответа.", "Спасибо заранее", "Буду благодарна за ответ.",
               "Буду благодарен за ответ.", "Помогите, пожалуйста."]
CLOSINGS_EN = ["Thanks in advance.", "Thank you!", "Looking forward to your reply."]
GREETING_PREFIXES = ("здрав", "добр", "привет", "hello", "hi", "good", "dear", "уважаем", "коллеги", "здрасте", "hey")

CHAT_CHANNELS = [("chat", 40), ("telegram", 30), ("whatsapp", 18), ("vkontakte", 12)]
RECIPIENT = {"chat": "", "telegram": "@podarokplus_bot", "whatsapp": "+7 958 555-35-35", "vkontakte": "podarokplus"}
CHANNEL_SUBJECT = {"chat": "Чат с сайта", "telegram": "Сообщение из Telegram", "whatsapp": "Сообщение из WhatsApp",
                   "vkontakte": "Сообщение ВКонтакте"}

TYPO_RULES = [("пожалуйста", ["пожайлуста", "пожалуйсто", "плиз", "пж"]), ("сертификат", ["сертефикат", "сертификат", "серт"]),
              ("Здравствуйте", ["Здраствуйте", "Здрасте"]), ("здравствуйте", ["здраствуйте"]), ("что", ["шо", "чо"]),
              ("спасибо", ["спс", "пасиб"])]

HOUR_WEIGHTS = [1, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 3, 5, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 5.5, 5, 4, 2.5]
MONTH_WEIGHTS = {1: 0.8, 2: 1.3, 3: 1.5, 4: 0.9, 5: 1.0, 6: 0.8, 7: 0.7, 8: 0.8, 9: 1.0, 10: 1.1}


# Russian past-tense verbs agree with the speaker's gender ("купила" / "купил").
FEM_RE = re.compile(r"\b[а-яё]{2,}(?:ла|лась)\b|\bблагодарна\b|\bсама\b", re.IGNORECASE)
FEM_STOP = {"числа", "номинала", "сначала", "осталась", "пробила", "заблокировалась", "сменилась", "уволилась",
            "сказала", "пыталась", "была", "дела"}
MASC_MARKERS = ("купил ", "купил,", "потерял", "ошибся", "проверил ", "проверил.", "оплатил ", "благодарен", "оформлял ")


def speaker_gender(text):
    """'f' / 'm' if the (template) text reveals the writer's gender, else None."""
    if any(w.group(0).lower() not in FEM_STOP for w in FEM_RE.finditer(text)):
        return "f"
    low = text.lower()
    if any(m in low for m in MASC_MARKERS):
        return "m"
    return None


def pick_for(rng, pool, gender):
    """Random choice among texts compatible with the writer's gender."""
    ok = [x for x in pool if speaker_gender(x) in (None, gender)]
    return rng.choice(ok or pool)


STAFF_GENDER = {5: "f", 7: "m", 12: "f", 14: "m", 21: "f", 3: "f"}
VERB_PAIRS = [("Проверила", "Проверил"), ("проверила", "проверил"), ("Переотправила", "Переотправил"),
              ("переотправила", "переотправил"), ("Продлила", "Продлил"), ("продлила", "продлил"),
              ("поправила", "поправил"), ("Заполнила", "Заполнил"), ("Отправила", "Отправил"),
              ("отправила", "отправил"), ("согласовала", "согласовал"), ("Провела", "Провёл"),
              ("провела", "провёл"), ("скрыла", "скрыл"), ("попросила", "попросил"), ("внесла", "внёс"),
              ("аннулировала", "аннулировал"), ("Ответила", "Ответил"), ("ответила", "ответил"),
              ("сказала", "сказал"), ("подтвердила", "подтвердил"), ("копировала", "копировал")]


def regender(text, gender):
    """Make an operator's note agree with the operator's gender."""
    for fem, masc in VERB_PAIRS:
        src, dst = (masc, fem) if gender == "f" else (fem, masc)
        text = re.sub(r"\b%s\b" % src, dst, text)
    return text


def fit_greeting(text, hour, rng):
    """Customers mostly greet according to the time of day (Moscow time)."""
    right = ("Доброе утро" if 5 <= hour < 12 else "Добрый день" if 12 <= hour < 18 else "Добрый вечер")
    for g in ("Доброе утро", "Добрый день", "Добрый вечер"):
        for cand in (g, g.lower()):
            if text.startswith(cand):
                if g != right and rng.random() < 0.93:
                    new = right if cand[0].isupper() else right.lower()
                    return new + text[len(cand):]
                return text
    return text


def starts_with_greeting(text):
    low = text.lower()
    return low.startswith(GREETING_PREFIXES)


class Spec:
    def __init__(self, kind, topic=None, intent=None, lang="ru", **kw):
        self.kind, self.topic, self.intent, self.lang = kind, topic, intent, lang
        self.empty_start = False
        self.mode = "closed"          # closed | open | waiting
        self.deleted = False
        self.spam = False
        self.item = None               # for other/spam
        self.force = {}                # fixture-specific overrides
        self.__dict__.update(kw)


class Builder:
    def __init__(self, seed, small=False, msg_id_start=3200000, case_number_start=245101, uid_start=8100000):
        self.rng = random.Random(seed)
        self.small = small
        self.q_order = {}
        self.msg_id = msg_id_start
        self.case_seq = case_number_start
        self.uid = uid_start
        self.personas = {"ru": [], "en": []}

    # ---------------------------------------------------------------- small helpers
    def minutes(self, t, lo, hi):
        return t + dt.timedelta(minutes=self.rng.randint(lo, hi), seconds=self.rng.randint(0, 59))

    def staff_reply_time(self, t, channel):
        rng = self.rng
        if channel != "email":
            r = self.minutes(t, 1, 14 if rng.random() < 0.8 else 45)
        else:
            r = self.minutes(t, *rng.choice([(15, 60), (30, 180), (60, 360), (120, 900), (300, 1300)]))
        if r.hour < 9 or r.hour >= 22:
            day = r.date() if r.hour < 9 else r.date() + dt.timedelta(days=1)
            r = dt.datetime(day.year, day.month, day.day, 9, 0, 0) + dt.timedelta(
                minutes=rng.randint(0, 150), seconds=rng.randint(0, 59))
        return r

    def customer_reply_time(self, t, channel):
        if channel != "email":
            return self.minutes(t, 1, 25)
        return self.minutes(t, *self.rng.choice([(5, 60), (30, 300), (120, 900), (600, 1500)]))

    def next_msg_id(self):
        self.msg_id += self.rng.randint(1, 37)
        return self.msg_id

    def persona(self, lang, corporate=False, gender=None):
        rng = self.rng
        pool = [x for x in self.personas[lang] if gender is None or lang == "en" or x.gender == gender]
        if pool and not corporate and rng.random() < 0.07:
            return rng.choice(pool)
        self.uid += rng.randint(3, 4000)
        p = make_persona(rng, self.uid, lang, corporate, gender if lang == "ru" else None)
        pool = self.personas[lang]
        pool.append(p)
        return p

    def pick_question(self, intent):
        key = intent.key
        if key not in self.q_order:
            order = list(range(len(intent.q)))
            self.rng.shuffle(order)
            self.q_order[key] = [order, 0]
        order, pos = self.q_order[key]
        self.q_order[key][1] = pos + 1
        return intent.q[order[pos % len(order)]]

    def typo(self, text, prob):
        rng = self.rng
        for src, repl in TYPO_RULES:
            if src in text and rng.random() < prob:
                text = text.replace(src, rng.choice(repl), 1)
        return text

    # ---------------------------------------------------------------- per-ticket values
    def make_ctx(self, p, t0, topic, lang, q_tag):
        rng = self.rng
        today = t0.date()
        pairs = list(zip(BRANDS, BRAND_WEIGHTS))
        if topic == "extend":
            pairs = [(b_, w) for b_, w in pairs if b_[0] not in NO_EXTENSION_BRANDS]
        elif topic in ("where_to_use", "not_accepted", "partial_use", "combine", "surcharge"):
            pairs = [(b_, w) for b_, w in pairs if b_[0] not in ONLINE_ONLY_BRANDS]
        bi = BRANDS.index(wchoice(rng, pairs))
        b = BRANDS[bi]
        b2 = BRANDS[(bi + rng.randint(1, len(BRANDS) - 1)) % len(BRANDS)]
        amount = wchoice(rng, AMOUNTS)
        buy = today - dt.timedelta(days=rng.randint(0, 40))
        exp = add_months(buy, 12)
        days_ago = 0
        if topic == "extend":
            if q_tag == "expired":
                exp = today - dt.timedelta(days=rng.randint(1, 25))
            else:
                exp = today + dt.timedelta(days=rng.randint(2, 20))
            buy = add_months(exp, -12)
            days_ago = max(1, (today - exp).days)
        elif topic == "expiry":
            exp = today + dt.timedelta(days=rng.randint(5, 200))
            buy = add_months(exp, -12)
        new_exp = add_months(max(exp, today), 3)
        sched = today + dt.timedelta(days=rng.randint(3, 40))
        order = 4000000 + (buy - dt.date(2024, 1, 1)).days * 1700 + rng.randint(0, 1699)
        code = gen_code(rng)
        card = gen_card(rng)
        rg = "f" if rng.random() < 0.7 else "m"
        rfirst = rng.choice(F_NAMES if rg == "f" else M_NAMES)
        rlast = rng.choice(SURNAMES)
        if rg == "f" and rlast not in INVARIANT_SURNAMES:
            rlast += "а"
        rdom = wchoice(rng, MAIL_DOMAINS)
        recip_email = "%s.%s%d@%s" % (translit(rfirst), translit(rlast), rng.randint(1, 99), rdom)
        local, dom = recip_email.split("@")
        wrong_email = rng.choice([local + "@" + dom.replace("mail", "mial", 1) if "mail" in dom else local + "@" + dom + "m",
                                  local[:-1] + "@" + dom, local.replace(".", "", 1) + "@" + dom,
                                  local + "@" + dom.replace(".ru", ".ry").replace(".com", ".con")])
        pay = t0 - dt.timedelta(hours=rng.randint(1, 30))
        city = rng.choice(CITIES)
        company = p.company or rng.choice(COMPANIES)[0]
        inv_date = today - dt.timedelta(days=rng.randint(5, 25))
        ctx = {
            "first": p.first, "last": p.last, "email": p.email, "phone": p.phone,
            "order": str(order), "order2": str(order + rng.randint(1, 40)),
            "code": code, "pin": "%04d" % rng.randint(0, 9999), "new_code": gen_code(rng), "new_pin": "%04d" % rng.randint(0, 9999),
            "code_partial": code[:9],
            "brand": b[0], "brand_c": rng.choice(b[1]), "brand_site": b[2], "brand_en": b[3], "pct": b[4], "brand2": b2[0],
            "amount": amount_customer(rng, amount), "amount_rub": rub(amount),
            "amount2": amount_customer(rng, amount * 2), "amount2_rub": rub(amount * 2),
            "card": card, "last4": card[-4:],
            "buy_date": d_dot(buy), "buy_date_w": d_words(buy), "month_p": MON_RU_PREP[buy.month - 1],
            "exp_date": d_dot(exp), "exp_date_w": d_words(exp), "new_exp_date": d_dot(new_exp), "days_ago": str(days_ago),
            "sched_date": d_dot(sched), "sched_date_w": d_words(sched),
            "new_sched_date": d_dot(today + dt.timedelta(days=1)),
            "recip_name": rfirst, "recip_full": "%s %s" % (rfirst, rlast), "recip_email": recip_email,
            "wrong_email": wrong_email, "wrong_name": rng.choice([n for n in (F_NAMES if rg == "f" else M_NAMES) if n != rfirst]),
            "recip_phone": gen_phone(rng),
            "city": city[0], "city_p": city[1], "city_i": city[2],
            "company": company, "inn": "%010d" % rng.randint(1000000000, 9999999999),
            "invoice": "ПП-%d-%04d" % (inv_date.year, rng.randint(100, 2999)), "inv_date": d_dot(inv_date),
            "upd": str(rng.randint(1000, 9999)), "upd_date": d_dot(today),
            "pay_date": d_dot(pay), "pay_time": "%02d:%02d" % (pay.hour, pay.minute),
            "rrn": "%012d" % rng.randint(10 ** 11, 10 ** 12 - 1), "inc": str(rng.randint(1200, 1999)),
            "bug": str(rng.randint(310, 980)), "hours": str(rng.randint(2, 6)),
            "email_domain": p.email.split("@")[1],
        }
        ctx["to_email"] = recip_email if q_tag == "recip" else p.email
        return ctx

    def fill(self, text, ctx):
        return text.format_map(ctx)

    # ---------------------------------------------------------------- message constructors
    def cmsg(self, case, t, body, sig="", quote=None):
        return {"role": "customer", "t": t, "body": body, "sig": sig, "quote": quote}

    def smsg(self, case, t, body, sig="", staff_id=None, note=False):
        return {"role": "note" if note else "staff", "t": t, "body": body, "sig": sig, "quote": None,
                "staff_id": staff_id or case["staff_id"]}

    def staff_signature(self, case, staff_id):
        s = STAFF_BY_ID[staff_id]
        if case["channel"] != "email":
            return ""
        if case["lang"] == "en":
            return "Best regards,\n%s, PodarokPlus Support\n%s" % (s[4], HOTLINE)
        if staff_id == 21:
            return "С уважением,\n%s\nменеджер по работе с корпоративными клиентами ПодарокПлюс\nb2b@podarokplus.ru, %s" % (s[1], HOTLINE)
        return "С уважением,\n%s, служба поддержки ПодарокПлюс\n%s" % (s[3], HOTLINE)

    def staff_greeting(self, case):
        p = case["persona"]
        named = case["channel"] == "email" or self.rng.random() < 0.6
        if case["lang"] == "en":
            return ("Hello, %s!" % p.first) if named else "Hello!"
        if case["staff_id"] == 21:
            return ("Добрый день, %s!" % p.first) if named else "Добрый день!"
        return ("Здравствуйте, %s!" % p.first) if named else "Здравствуйте!"

    def staff_closing(self, case):
        rng = self.rng
        if case["lang"] == "en":
            return rng.choice(["If you have any other questions, just reply to this message.", "Have a nice day!", ""])
        if case["channel"] == "email":
            return rng.choice(["Если останутся вопросы — пишите, будем рады помочь.", "Хорошего дня!",
                               "Будем рады помочь, если появятся ещё вопросы.", "", ""])
        return rng.choice(["Хорошего дня!", "Если что-то ещё — пишите 🙂", "", "", ""])

    def staff_text(self, case, core, greet=True, preface="", closing=True, staff_id=None):
        if case["channel"] != "email" and any(m["role"] == "staff" for m in case["messages"]):
            greet = False          # one greeting per chat conversation
        parts = []
        if greet:
            parts.append(self.staff_greeting(case))
        if preface:
            parts.append(preface)
        parts.append(core)
        if closing:
            c = self.staff_closing(case)
            if c:
                parts.append(c)
        return self.smsg(case, None, "\n\n".join(parts), self.staff_signature(case, staff_id or case["staff_id"]),
                         staff_id=staff_id)

    def quote_of(self, case, prev, t_prev):
        """Quote block for a customer e-mail reply to the previous staff message."""
        p = case["persona"]
        case.setdefault("subject", "Вопрос")
        from_name = self.rng.choice(["ПодарокПлюс", "Служба поддержки ПодарокПлюс"]) if case["lang"] == "ru" else "PodarokPlus Support"
        return {"header": {"style": p.client, "t": t_prev, "from_name": from_name,
                           "from_addr": B2B_EMAIL if case["staff_id"] == 21 else SUPPORT_EMAIL,
                           "to_name": "%s %s" % (p.first, p.last), "to_addr": p.email, "subject": case["subject"]},
                "text": render_plain(prev["body"], prev["sig"])}

    def order_email_quote(self, case, ctx, t):
        p = case["persona"]
        if case["lang"] == "en":
            text = ("Thank you for your order!\n\nOrder #%s is paid.\nCertificate: %s, %s\nRecipient: %s\n\n"
                    "The certificate will arrive in a separate email within 15 minutes.\n\nPodarokPlus\nhttps://podarokplus.ru") % (
                ctx["order"], ctx["brand_en"], ctx["amount_rub"], p.email)
        else:
            text = ("Спасибо за заказ!\n\nЗаказ № %s от %s оплачен.\nСертификат: %s, номинал %s\nПолучатель: %s\n\n"
                    "Сертификат придёт отдельным письмом в течение 15 минут.\n\n"
                    "ПодарокПлюс — электронные подарочные сертификаты\nhttps://podarokplus.ru") % (
                ctx["order"], ctx["buy_date"], ctx["brand"], ctx["amount_rub"], p.email)
        return {"header": {"style": p.client, "t": t, "from_name": "ПодарокПлюс", "from_addr": NOREPLY_EMAIL,
                           "to_name": "%s %s" % (p.first, p.last), "to_addr": p.email,
                           "subject": "Заказ № %s оплачен" % ctx["order"]}, "text": text}

    def customer_first(self, case, text):
        """Wrap the customer's first message according to the channel."""
        rng = self.rng
        p = case["persona"]
        hour = case["t0"].hour
        text = fit_greeting(text, hour, rng)
        if case["channel"] != "email":
            text = self.typo(text, 0.25)
            if rng.random() < 0.3 and text[:1].isupper() and not text.isupper():
                text = text[0].lower() + text[1:]
            if text.endswith(".") and rng.random() < 0.5:
                text = text[:-1]
            return text, ""
        parts = []
        if not starts_with_greeting(text) and rng.random() < 0.7:
            g = fit_greeting(rng.choice(GREETINGS_EN if case["lang"] == "en" else GREETINGS_RU), hour, rng)
            if text[:1].islower():
                text = text[0].upper() + text[1:]
            text = g + ("\n\n" if rng.random() < 0.6 else " ") + text
        parts.append(text)
        if case["lang"] == "ru" and not p.company and not case["spec"].force and rng.random() < 0.25:
            extra = pick_for(rng, ["Мой телефон для связи: {phone}", "Заказ оформляла на почту {email}",
                                   "Заказ оформлял на почту {email}", "Если что, мой номер {phone}", "Телефон: {phone}"],
                             p.gender)
            parts.append(extra.format(phone=p.phone, email=p.email))
        tail = text[-60:].lower()
        if rng.random() < 0.35 and p.sig != "thanks_name" and not case["spec"].force and "спасибо" not in tail and "thank" not in tail and "благодар" not in tail:
            parts.append(pick_for(rng, CLOSINGS_EN if case["lang"] == "en" else CLOSINGS_RU, p.gender))
        sig = customer_signature_en(p) if case["lang"] == "en" else customer_signature(p)
        return "\n\n".join(parts), sig

    def customer_reply(self, case, text, prev, t_prev):
        """A later customer message; e-mail replies usually quote the previous staff message."""
        rng = self.rng
        p = case["persona"]
        if case["channel"] != "email":
            return self.cmsg(case, None, self.typo(text, 0.2))
        sig = customer_signature_en(p) if case["lang"] == "en" else customer_signature(p)
        quote = self.quote_of(case, prev, t_prev) if (prev is not None and rng.random() < 0.85) else None
        return self.cmsg(case, None, text, sig, quote)

    # ---------------------------------------------------------------- case assembly
    def new_case(self, spec, t0, gender=None):
        rng = self.rng
        lang = spec.lang
        corporate = spec.topic is not None and spec.topic.key == "corporate"
        p = spec.force.get("persona") or self.persona(lang, corporate, gender)
        self.case_seq += rng.randint(3, 61)
        case = {"spec": spec, "persona": p, "lang": lang, "t0": t0, "messages": [],
                "case_number": "%d-%d" % (rng.randint(100, 999), self.case_seq), "labels": [],
                "priority": "normal", "group_id": 1, "rating": "", "rating_comment": ""}
        return case

    def choose_channel(self, spec, text):
        rng = self.rng
        if "channel" in spec.force:
            return spec.force["channel"]
        if spec.topic is not None and spec.topic.key == "corporate":
            return "email"
        if len(text) > 210 or "{card}" in text and rng.random() < 0.5:
            return "email"
        p_email = 0.5 if spec.lang == "ru" else 0.75
        if rng.random() < p_email:
            return "email"
        if spec.lang == "en":
            return "chat"
        return wchoice(rng, CHAT_CHANNELS)

    def subject_for(self, case, first_text, ctx=None, intent=None, quoted_order=False):
        rng = self.rng
        if case["channel"] != "email":
            line = first_text.strip().split("\n")[0]
            if len(line) < 4 or line.startswith("["):
                return CHANNEL_SUBJECT[case["channel"]]
            if len(line) > 60:
                cut = line[:60].rsplit(" ", 1)[0].rstrip(".,!?:;—- ")
                return cut + "…"
            return line
        if quoted_order:
            return "Re: Заказ № %s оплачен" % ctx["order"] if case["lang"] == "ru" else "Re: Order #%s is paid" % ctx["order"]
        if intent is not None and intent.subj and rng.random() < 0.85:
            return self.fill(rng.choice(intent.subj), ctx)
        if case["lang"] == "en":
            return rng.choice(["Question", "Gift certificate", "Help"])
        return rng.choice(["Вопрос", "Сертификат", "Помогите", "Без темы", "Обращение"])

    def build_topic_case(self, spec, t0):
        rng = self.rng
        topic, intent = spec.topic, spec.intent
        q_tag, q_raw = spec.force.get("question") or self.pick_question(intent)
        case = self.new_case(spec, t0, speaker_gender(q_raw))
        p = case["persona"]
        ctx = self.make_ctx(p, t0, topic.key, spec.lang, q_tag)
        if "{sched_date" in q_raw:
            ctx["delivery_clause"] = "Сертификат придёт получателю в запланированную дату — %s." % ctx["sched_date"]
        else:
            ctx["delivery_clause"] = "Сертификат отправили на новый адрес, письмо придёт в течение 15 минут."
        ctx.update(spec.force.get("ctx", {}))
        q_text = self.fill(q_raw, ctx)
        if spec.force.get("append"):
            q_text += spec.force["append"]
        case["channel"] = self.choose_channel(spec, q_raw)
        staff_pool = topic.staff
        case["staff_id"] = rng.choice(staff_pool)
        if spec.force.get("staff"):
            case["staff_id"] = spec.force["staff"]
        case["group_id"] = topic.group
        msgs = case["messages"]
        t = t0
        quoted_order = False

        # --- opening: empty start (customer only greets first) or the question itself
        if spec.empty_start:
            opening = fit_greeting(rng.choice(EMPTY_OPENINGS_EN if spec.lang == "en" else EMPTY_OPENINGS_RU[:12]), t0.hour, rng)
            if case["channel"] == "email":
                sig = customer_signature_en(p) if spec.lang == "en" else customer_signature(p)
                m = self.cmsg(case, t, opening, sig)
            else:
                m = self.cmsg(case, t, opening)
            msgs.append(m)
            case["subject"] = self.subject_for(case, opening, ctx, intent)
            t = self.staff_reply_time(t, case["channel"])
            clar = self.staff_text(case, rng.choice(EMPTY_CLARIFY_EN if spec.lang == "en" else EMPTY_CLARIFY_RU), closing=False)
            clar["t"] = t
            msgs.append(clar)
            t_prev = t
            t = self.customer_reply_time(t, case["channel"])
            real = self.customer_reply(case, q_text, clar, t_prev)
            real["t"] = t
            msgs.append(real)
        else:
            body, sig = self.customer_first(case, q_text)
            quote = None
            if (case["channel"] == "email" and "{order}" in q_raw and intent.kind == "needs-action"
                    and rng.random() < 0.3):
                t_order = dt.datetime.combine(dt.date(*map(int, reversed(ctx["buy_date"].split(".")))),
                                              dt.time(rng.randint(8, 22), rng.randint(0, 59), rng.randint(0, 59)))
                if t_order >= t0:
                    t_order = t0 - dt.timedelta(hours=2)
                quote = self.order_email_quote(case, ctx, t_order)
                quoted_order = True
            if spec.force.get("quote_prev") and case["channel"] == "email":
                prev_staff = spec.force["quote_prev"]
                t_prev = t0 - dt.timedelta(days=rng.randint(3, 20), hours=rng.randint(0, 5))
                prev_text = "%s\n\n%s" % (self.staff_greeting(case), self.fill(prev_staff["text"], ctx))
                prev = {"body": prev_text, "sig": self.staff_signature(case, prev_staff["staff_id"])}
                case["subject"] = prev_staff["subject"]
                quote = self.quote_of(case, prev, t_prev)
            m = self.cmsg(case, t, body, sig, quote)
            msgs.append(m)
            if not spec.force.get("quote_prev"):
                case["subject"] = self.subject_for(case, body, ctx, intent, quoted_order)

        # --- an extra customer message before the first answer
        if rng.random() < (0.14 if case["channel"] != "email" else 0.05):
            t = self.minutes(t, 1, 40 if case["channel"] != "email" else 300)
            if case["channel"] == "email":
                extra = ("Дополняю: номер заказа {order}." if spec.lang == "ru" else "Also, my order number is {order}.").format(**ctx)
                m = self.cmsg(case, t, extra, customer_signature(p) if spec.lang == "ru" else customer_signature_en(p))
            else:
                m = self.cmsg(case, t, rng.choice(NUDGE_EN if spec.lang == "en" else NUDGE_RU))
            msgs.append(m)

        if spec.mode in ("open", "dup"):
            return self.finish(case, ctx)

        # --- staff asks for details, customer provides them (needs-action only)
        needs_info = not any(x in q_raw for x in ("{order}", "{code}", "{email}", "{recip_email}", "{invoice}", "{order2}"))
        use_ask = intent.kind == "needs-action" and intent.ask and (
            spec.mode == "waiting" or (needs_info and rng.random() < 0.8))
        preface = ""
        if use_ask:
            t = self.staff_reply_time(t, case["channel"])
            ask_staff = case["staff_id"]
            ask = self.staff_text(case, rng.choice(intent.ask), closing=False, staff_id=ask_staff)
            ask["t"] = t
            msgs.append(ask)
            if spec.mode == "waiting":
                return self.finish(case, ctx)
            t_prev = t
            t = self.customer_reply_time(t, case["channel"])
            prov = self.customer_reply(case, self.fill(pick_for(rng, intent.provide, p.gender), ctx), ask, t_prev)
            prov["t"] = t
            msgs.append(prov)
            if case["channel"] == "email":
                preface = "Thank you for the details." if spec.lang == "en" else rng.choice(["Спасибо за информацию.", "Спасибо!", ""])
            else:
                preface = "Thanks!" if spec.lang == "en" else rng.choice(["Спасибо!", ""])

        # --- the resolving answer (with optional internal note before or after it)
        cands = [a for tag, a in intent.a if tag == q_tag] or [a for tag, a in intent.a if tag == ""]
        if self.small and intent.key == "balance/how-to-check":
            core = cands[0]
        elif rng.random() < 0.7:
            core = cands[case["staff_id"] % len(cands)]
        else:
            core = rng.choice(cands)
        core = self.fill(core, ctx)
        if "{card}" in q_raw:
            warn = ("Пожалуйста, не присылайте в переписке полный номер банковской карты — для поиска платежа "
                    "достаточно последних 4 цифр. Сообщение с номером карты мы скрыли.")
            preface = (preface + "\n\n" + warn).strip()
        t = self.staff_reply_time(t, case["channel"])
        ans = self.staff_text(case, core, greet=not (use_ask and case["channel"] != "email"), preface=preface)
        ans["t"] = t

        note_prob = 0.3 if intent.kind == "needs-action" else 0.05
        note = None
        if spec.force.get("note"):
            note = self.fill(spec.force["note"], ctx)
        elif rng.random() < note_prob:
            if intent.kind == "needs-action":
                pool = [n for tag, n in intent.notes if tag == q_tag or (tag == "card" and "{card}" in q_raw)]
            else:
                pool = FLAT_NOTES
            note = regender(self.fill(rng.choice(pool), ctx), STAFF_GENDER[case["staff_id"]]) if pool else None
        note_after = note is not None and rng.random() < 0.3 and not spec.force.get("note")
        if note is not None and not note_after:
            nt = t - dt.timedelta(minutes=rng.randint(1, 9), seconds=rng.randint(0, 59))
            if nt <= msgs[-1]["t"]:
                nt = msgs[-1]["t"] + dt.timedelta(seconds=rng.randint(20, 50))
                t = nt + dt.timedelta(minutes=rng.randint(1, 4))
                ans["t"] = t
            msgs.append(self.smsg(case, nt, note, note=True, staff_id=spec.force.get("note_staff")))
        msgs.append(ans)
        if note_after:
            t = self.minutes(t, 1, 6)
            msgs.append(self.smsg(case, t, note, note=True))

        # --- customer's thanks at the end
        thanks_p = 0.3 if case["channel"] != "email" else 0.22
        if rng.random() < thanks_p:
            t_prev = ans["t"]
            t = self.customer_reply_time(t, case["channel"])
            pool = THANKS_EN if spec.lang == "en" else THANKS_RU
            if intent.key in DELIVERY_INTENTS and q_tag not in ("hold", "name", "date") and rng.random() < 0.6:
                pool = THANKS_RECEIVED_EN if spec.lang == "en" else THANKS_RECEIVED_RU
            msg = self.customer_reply(case, pick_for(rng, pool, p.gender), ans, t_prev)
            msg["t"] = t
            msgs.append(msg)
        return self.finish(case, ctx)

    def build_empty_case(self, spec, t0):
        rng = self.rng
        case = self.new_case(spec, t0)
        p = case["persona"]
        case["channel"] = spec.force.get("channel") or ("email" if rng.random() < 0.3 else wchoice(rng, CHAT_CHANNELS))
        if spec.lang == "en" and case["channel"] not in ("email", "chat"):
            case["channel"] = "chat"
        case["staff_id"] = rng.choice((12,) if spec.lang == "en" else (5, 7, 12))
        msgs = case["messages"]
        opening = fit_greeting(rng.choice(EMPTY_OPENINGS_EN if spec.lang == "en" else EMPTY_OPENINGS_RU), t0.hour, rng)
        if case["channel"] == "email":
            sig = customer_signature_en(p) if spec.lang == "en" else customer_signature(p)
            if spec.lang == "ru" and rng.random() < 0.3:
                opening = ""
                if not sig:
                    sig = "Отправлено с iPhone"
            msgs.append(self.cmsg(case, t0, opening, sig))
        else:
            msgs.append(self.cmsg(case, t0, opening))
        case["subject"] = self.subject_for(case, opening or "Без темы", None, None) if case["channel"] != "email" else rng.choice(
            ["Без темы", "Вопрос", "(без темы)", "Сертификат"] if spec.lang == "ru" else ["Question", "(no subject)"])
        if spec.mode == "open":
            return self.finish(case, None)
        t = self.staff_reply_time(t0, case["channel"])
        clar = self.staff_text(case, rng.choice(EMPTY_CLARIFY_EN if spec.lang == "en" else EMPTY_CLARIFY_RU), closing=False)
        clar["t"] = t
        msgs.append(clar)
        r = rng.random()
        if r < 0.3 and spec.lang == "ru":
            t = t + dt.timedelta(days=1, minutes=rng.randint(0, 300))
            if t.hour >= 22 or t.hour < 9:
                t = t.replace(hour=10)
            close = self.staff_text(case, EMPTY_CLOSE_RU, greet=False, closing=False)
            close["t"] = t
            msgs.append(close)
        elif r < 0.55:
            t_prev = t
            t = self.customer_reply_time(t, case["channel"])
            m = self.customer_reply(case, pick_for(rng, EMPTY_AFTER_EN if spec.lang == "en" else EMPTY_AFTER_RU, p.gender), clar, t_prev)
            m["t"] = t
            msgs.append(m)
        return self.finish(case, None)

    def build_other_case(self, spec, t0):
        rng = self.rng
        intent_key, lang, text, reply, channel, subject = spec.item
        case = self.new_case(spec, t0, speaker_gender(text))
        p = case["persona"]
        case["channel"] = channel
        case["staff_id"] = 12 if lang == "en" else rng.choice((5, 7, 3))
        case["priority"] = "low"
        msgs = case["messages"]
        if channel == "email":
            body = text
            if not starts_with_greeting(text) and intent_key not in ("other/ad",) and rng.random() < 0.6:
                body = rng.choice(GREETINGS_EN if lang == "en" else GREETINGS_RU) + "\n\n" + text
            sig = "" if intent_key == "other/ad" else (customer_signature_en(p) if lang == "en" else customer_signature(p))
            msgs.append(self.cmsg(case, t0, body, sig))
            case["subject"] = subject
        else:
            msgs.append(self.cmsg(case, t0, text))
            case["subject"] = self.subject_for(case, text)
        if reply:
            t = self.staff_reply_time(t0, channel)
            ans = self.staff_text(case, reply, closing=False)
            ans["t"] = t
            msgs.append(ans)
        return self.finish(case, None)

    def build_spam_case(self, spec, t0):
        text, channel, subject = spec.item
        case = self.new_case(spec, t0)
        case["channel"] = channel
        case["staff_id"] = 0
        case["priority"] = "low"
        case["subject"] = subject
        case["messages"].append(self.cmsg(case, t0, text))
        return self.finish(case, None)

    def build_test_case(self, spec, t0):
        """A test ticket an operator created and deleted afterwards."""
        case = self.new_case(spec, t0)
        case["channel"] = "email"
        case["staff_id"] = 3
        case["subject"] = "Тест"
        case["messages"].append(self.cmsg(case, t0, "Тест, не отвечать. Проверка приёма писем после смены DNS.", "--\nСветлана"))
        t = self.minutes(t0, 2, 5)
        case["messages"].append(self.smsg(case, t, "Тестовый ответ, проверка шаблона подписи.",
                                          self.staff_signature(case, 3)))
        return self.finish(case, None)

    def build(self, spec, t0):
        if spec.kind in ("flat", "needs-action"):
            return self.build_topic_case(spec, t0)
        if spec.kind == "empty":
            return self.build_empty_case(spec, t0)
        if spec.kind == "spam":
            return self.build_spam_case(spec, t0)
        if spec.kind == "test":
            return self.build_test_case(spec, t0)
        return self.build_other_case(spec, t0)

    # ---------------------------------------------------------------- finishing touches
    def finish(self, case, ctx):
        rng = self.rng
        spec = case["spec"]
        msgs = case["messages"]
        # strictly increasing times
        for i in range(1, len(msgs)):
            if msgs[i]["t"] <= msgs[i - 1]["t"]:
                msgs[i]["t"] = msgs[i - 1]["t"] + dt.timedelta(seconds=rng.randint(30, 200))
        last = msgs[-1]["t"]
        staff_msgs = [m for m in msgs if m["role"] == "staff"]
        case["last_response_at"] = staff_msgs[-1]["t"] if staff_msgs else None
        if spec.mode in ("open", "waiting"):
            case["status"] = spec.mode
            case["closed_at"] = None
            case["updated_at"] = last
        else:
            case["status"] = "closed"
            if spec.mode == "dup":
                closed = self.minutes(last, 20, 240)
            elif case["channel"] == "email":
                closed = self.minutes(last, 10, 1800)
            else:
                closed = self.minutes(last, 5, 90)
            case["closed_at"] = closed
            case["updated_at"] = closed
        # rating
        kind = spec.kind
        if case["status"] == "closed" and not spec.deleted and kind in ("flat", "needs-action"):
            r = rng.random()
            if kind == "flat":
                rating = "high" if r < 0.6 else "middle" if r < 0.72 else "low" if r < 0.76 else ""
            else:
                rating = "high" if r < 0.55 else "middle" if r < 0.7 else "low" if r < 0.78 else ""
            case["rating"] = rating
            if rating and rng.random() < 0.35:
                key = "high_en" if (rating == "high" and spec.lang == "en") else rating
                if spec.lang == "en" and rating != "high":
                    case["rating_comment"] = ""
                else:
                    case["rating_comment"] = rng.choice(RATING_COMMENTS[key])
            if rating:
                case["updated_at"] = case["closed_at"] + dt.timedelta(minutes=rng.randint(1, 600))
        elif kind == "other" and spec.item and spec.item[0] == "other/thanks" and rng.random() < 0.6:
            case["rating"] = "high"
            case["updated_at"] = case["closed_at"] + dt.timedelta(minutes=rng.randint(1, 120))
        # labels
        labels = []
        topic = spec.topic
        if topic is not None and rng.random() < 0.85:
            labels = list(topic.labels) if rng.random() < 0.7 else [topic.labels[0]]
            if spec.lang == "en" and 24 not in labels:
                labels.append(24)
        if kind == "empty" and rng.random() < 0.5:
            labels.append(35)
        if kind == "other" and spec.item:
            labels.append({"other/thanks": 28, "other/feedback": 33, "other/partnership": 29,
                           "other/job": 34, "other/ad": 27}[spec.item[0]])
        if kind == "spam":
            labels.append(27)
        if case["rating"] == "low":
            labels.append(26)
        if topic is not None and topic.key == "corporate" and rng.random() < 0.25:
            labels.append(30)
        if topic is not None and topic.key == "payment_error" and rng.random() < 0.15:
            labels.append(31)
        case["labels"] = labels
        # priority
        if topic is not None:
            if topic.key == "payment_error":
                case["priority"] = "critical" if rng.random() < 0.1 else "high" if rng.random() < 0.6 else "normal"
            elif topic.key in ("refund", "corporate", "lost_code"):
                case["priority"] = "high" if rng.random() < 0.3 else "normal"
            elif rng.random() < 0.08:
                case["priority"] = "low"
        elif kind == "empty":
            case["priority"] = "low" if rng.random() < 0.5 else "normal"
        if case["staff_id"] == 0 and spec.mode == "open":
            pass
        if spec.mode == "open" and rng.random() < 0.5:
            case["staff_id"] = 0
        # message ids + rendering
        out = []
        p = case["persona"]
        for m in msgs:
            mid = self.next_msg_id()
            is_staff = m["role"] in ("staff", "note")
            content = render_plain(m["body"], m["sig"], m["quote"])
            out.append({
                "message_id": mid,
                "user_id": 0 if is_staff else p.user_id,
                "staff_id": m.get("staff_id", case["staff_id"]) if is_staff else 0,
                "content": content,
                "content_html": render_html(m["body"], m["sig"], m["quote"]) if case["channel"] == "email" else "",
                "attachments": [],
                "note": m["role"] == "note",
                "created_at": omni_date(m["t"]),
            })
        case["rendered"] = out
        case["ctx"] = ctx
        return case


def case_record(case_id, case):
    spec = case["spec"]
    p = case["persona"]
    channel = case["channel"]
    recipient = (B2B_EMAIL if case["staff_id"] == 21 else SUPPORT_EMAIL) if channel == "email" else RECIPIENT[channel]
    return {
        "case_id": case_id,
        "case_number": case["case_number"],
        "subject": case["subject"],
        "user_id": p.user_id,
        "staff_id": case["staff_id"],
        "group_id": case["group_id"] if spec.topic is not None else 1,
        "status": case["status"],
        "priority": case["priority"],
        "channel": channel,
        "recipient": recipient,
        "deleted": spec.deleted,
        "spam": spec.spam,
        "created_at": omni_date(case["messages"][0]["t"]),
        "updated_at": omni_date(case["updated_at"]),
        "closed_at": omni_date(case["closed_at"]) if case["closed_at"] else "-",
        "last_response_at": omni_date(case["last_response_at"]) if case["last_response_at"] else "-",
        "labels": case["labels"],
        "rating": case["rating"],
        "rating_comment": case["rating_comment"],
        "language_id": 2 if case["lang"] == "en" else 1,
    }


def label_record(case_id, case):
    spec = case["spec"]
    if spec.kind in ("flat", "needs-action"):
        topic, title, kind, intent = spec.topic.key, spec.topic.title, spec.kind, spec.intent.key
    elif spec.kind == "empty":
        topic, title, kind, intent = "empty", "Пустое обращение", "empty", "empty/no-question"
    elif spec.kind == "spam":
        topic, title, kind, intent = "other", "Прочее", "other", "other/spam"
    elif spec.kind == "test":
        topic, title, kind, intent = "other", "Прочее", "other", "other/test"
    else:
        topic, title, kind, intent = "other", "Прочее", "other", spec.item[0]
    return {"case_id": case_id, "topic": topic, "topic_title": title, "kind": kind, "intent": intent,
            "language": case["lang"]}


# --------------------------------------------------------------------------------------
# Scheduling of a whole data set
# --------------------------------------------------------------------------------------

def random_time(rng, start, end):
    days = (end - start).days
    while True:
        d = start + dt.timedelta(days=rng.randint(0, days))
        if rng.random() < MONTH_WEIGHTS.get(d.month, 1.0) / 1.5:
            break
    total = sum(HOUR_WEIGHTS)
    x = rng.random() * total
    acc = 0
    hour = 12
    for h, w in enumerate(HOUR_WEIGHTS):
        acc += w
        if x < acc:
            hour = h
            break
    return dt.datetime(d.year, d.month, d.day, hour, rng.randint(0, 59), rng.randint(0, 59))


def build_specs_full(rng):
    specs = []
    for topic in TOPICS:
        for intent in topic.intents:
            for _ in range(intent.n):
                specs.append(Spec(intent.kind, topic, intent, topic.lang))
    for i in range(43):
        specs.append(Spec("empty", lang="en" if i < 2 else "ru"))
    for item in OTHER_ITEMS:
        specs.append(Spec("other", lang=item[1], item=item))
    rng.shuffle(specs)
    # 14 tickets start with an empty greeting and get the real question later
    candidates = [s for s in specs if s.kind in ("flat", "needs-action") and s.topic.key != "corporate"]
    for s in rng.sample(candidates, 14):
        s.empty_start = True
    return specs


def schedule(rng, specs, extras, start, end, extra_window):
    times = sorted(random_time(rng, start, end) for _ in specs)
    items = list(zip(times, specs))
    for spec in extras:
        if spec.mode in ("open", "waiting"):
            t = random_time(rng, *extra_window)
        else:
            t = random_time(rng, start, end)
        items.append((t, spec))
    items.sort(key=lambda x: x[0])
    return items


# --------------------------------------------------------------------------------------
# Internal regulations (Markdown, audience: internal)
# --------------------------------------------------------------------------------------

REGULATIONS = {}

REGULATIONS["01-vozvraty.md"] = """---
title: Возвраты денежных средств за сертификаты
audience: internal
owner: Финансовый отдел, поддержка 2-й линии
updated: 2025-09-01
---

# Возвраты денежных средств за сертификаты

> Внутренний регламент ПодарокПлюс. Не пересылать клиентам и не цитировать дословно.
> Публичные условия возврата — на странице https://podarokplus.ru/help/refund.

## 1. Когда возврат возможен

1. Сертификат **не использован** (баланс равен номиналу) и срок действия не истёк — возврат полной суммы.
2. Сертификат **частично использован** — возврат остатка только после согласования с брендом (см. раздел 7).
3. Заказ с **отложенной доставкой** ещё не отправлен получателю — отмена и возврат без проверок у партнёра.
4. **Двойное списание** или платёж без созданного заказа — возврат лишнего платежа (см. регламент 06, раздел «Платёжные сбои»).

Возврат **невозможен**, если сертификат полностью погашен, срок действия истёк более 30 дней назад
или сертификат был обменян из универсального (обмен необратим).

## 2. Кто может запросить возврат

- Только **покупатель** — тот, кто оплачивал заказ. Получатель подарка возврат не оформляет.
- Запрос должен прийти с e-mail из заказа **или** клиент подтверждает личность: номер заказа + последние 4 цифры карты.
- Для юрлиц возврат оформляет менеджер B2B по письму на бланке компании (см. регламент 03).

Если клиент прислал полный номер карты — скрыть сообщение в Omnidesk («⋯ → Скрыть содержимое»),
в ответе вежливо попросить больше так не делать. Полный номер карты для возврата не нужен.

## 3. Проверки перед оформлением

1. Открыть заказ: `https://admin.podarokplus.local/orders/<номер заказа>`.
2. Убедиться, что статус заказа — «Оплачен», а не «Возвращён» или «Отменён».
3. Проверить баланс сертификата у партнёра: кнопка «Проверить у партнёра» (запрос в API бренда).
   Если API бренда недоступно — не оформлять возврат, написать в заметке и вернуться к обращению через 2 часа.
4. Сверить e-mail обращения с e-mail покупателя в заказе.
5. Проверить флаг антифрода (красный значок в карточке заказа). При флаге — только через СБ (регламент 07).

## 4. Оформление возврата в админке

1. Заказ → вкладка «Платежи» → «Оформить возврат».
2. Выбрать сертификаты для возврата (если в заказе несколько).
3. Причина: «Не понадобился», «Ошибка при покупке», «Дубль заказа», «Технический сбой», «Иное» (с комментарием).
4. Нажать «Заблокировать сертификат и вернуть». Сертификат блокируется у партнёра автоматически.
5. Скопировать RRN операции возврата в внутреннюю заметку обращения.
6. Ответить клиенту по шаблону «Возврат оформлен» и поставить метку «возврат».

Прямая ссылка на форму: `https://admin.podarokplus.local/orders/<номер>/refund`.

## 5. Лимиты и согласования

| Сумма возврата | Кто согласует |
|---|---|
| до 10 000 ₽ | оператор самостоятельно |
| 10 001 – 50 000 ₽ | финансовый отдел, Дмитрий Орлов (доб. 231) |
| свыше 50 000 ₽ | финансовый директор через Дмитрия Орлова, срок до 2 рабочих дней |
| любой возврат юрлицу | менеджер B2B (доб. 250) + бухгалтерия (доб. 233) |

Согласование фиксируется во внутренней заметке: кто, когда, сумма.

## 6. Сроки и что говорить клиенту

- Клиенту называем срок **«до 10 рабочих дней»**. Фактически большинство банков зачисляют за 1–3 дня.
- Не обещать конкретную дату и не говорить «деньги уже на карте».
- Если через 10 рабочих дней деньги не пришли — выгрузить справку о возврате из админки
  («Платежи → Справка о возврате», PDF) и отправить клиенту для обращения в банк.

## 7. Частично использованные сертификаты

1. Создать запрос партнёру в разделе «Партнёры → Запросы на возврат остатка».
2. Срок ответа партнёра по договору — 5 рабочих дней.
3. Клиенту сообщить, что запрос отправлен бренду и результат не гарантирован.
4. Если бренд согласовал — возврат остатка оформляется как обычный, причина «Иное: остаток по согласованию».

## 8. Комиссии партнёров (конфиденциально)

Комиссия партнёра при возврате **не возвращается** — сумма списывается в убыток компании.
Поэтому при массовых возвратах по одному бренду (более 5 за день) сообщить в финансовый отдел.

| Бренд | Комиссия ПодарокПлюс |
|---|---|
| Л'Этуаль | 7% |
| Золотое Яблоко | 8% |
| Спортмастер | 6% |
| Хофф | 9% |
| Детский мир | 6,5% |
| Ozon | 3,5% |
| М.Видео | 4% |

Эти цифры **никогда** не называть клиентам и партнёрам других брендов.

## 9. Формулировки отказа

- «К сожалению, вернуть деньги за этот сертификат нельзя: он уже был использован в магазине бренда.»
- «Срок действия сертификата истёк более 30 дней назад, поэтому возврат и продление невозможны.»
- Не использовать: «по правилам компании», «так положено», «ничем не можем помочь».

## 10. Контакты

- Финансовый отдел: Дмитрий Орлов, доб. 231, finance@podarokplus.local
- Бухгалтерия: Ирина Соколова, доб. 233
- Старший смены поддержки: доб. 214
"""

REGULATIONS["02-povtornaya-otpravka.md"] = """---
title: Повторная отправка сертификата
audience: internal
owner: Поддержка 1-й линии
updated: 2025-08-12
---

# Повторная отправка сертификата

> Внутренний регламент. Ссылки на админку и статусы рассылки клиентам не пересылать.

## 1. Когда применяется

- Клиент (или получатель) не нашёл письмо с сертификатом.
- Письмо удалено, ссылка в письме не открывается, пришла только часть сертификатов из заказа.
- Отложенная доставка не сработала в назначенное время.

Если деньги списались, а **заказа в админке нет** — это не повторная отправка, а платёжный сбой (регламент 06, раздел 5).

## 2. Что спросить у клиента

Достаточно **одного** из идентификаторов:

- номер заказа (7 цифр, есть в письме с чеком);
- e-mail, указанный при оплате;
- последние 4 цифры карты + дата и сумма оплаты.

Никогда не просить PIN-код сертификата и полный номер карты.

## 3. Проверка в админке

1. Найти заказ: `https://admin.podarokplus.local/orders?q=<номер или e-mail>`.
2. Статус заказа должен быть «Оплачен». Если «Ожидает оплаты» — см. регламент 06.
3. Открыть вкладку «Рассылка» и посмотреть статус письма:

| Статус | Что означает | Действие |
|---|---|---|
| delivered | письмо принято почтовым сервером | попросить проверить «Спам» и «Промоакции», переотправить |
| opened | письмо открывали | уточнить, не переслано ли письмо; переотправить на тот же адрес |
| soft bounce | временная ошибка (ящик переполнен, сервер недоступен) | переотправить через 30 минут |
| hard bounce | адрес не существует | уточнить адрес, исправить e-mail (только по запросу покупателя) |
| complaint | клиент когда-то нажал «Это спам» | переотправить и предупредить, что письмо может попасть в спам |
| queued > 30 мин | зависла очередь | сообщить старшему смены (доб. 214), это инцидент |

## 4. Как переотправить

1. Заказ → «Действия» → «Отправить повторно».
2. По умолчанию письмо уходит на исходный адрес. Другой адрес можно указать **только если пишет покупатель**
   (e-mail обращения совпадает с e-mail заказа или клиент прошёл проверку по номеру заказа и 4 цифрам карты).
3. Поставить в Omnidesk метку «повторная отправка».
4. Ответить клиенту по шаблону: номер заказа, адрес, срок (до 15 минут), напоминание про «Спам».

**Запрещено** копировать ссылку на сертификат, код или PIN в ответ клиенту в чате или мессенджере.
Исключение — перевыпуск (регламент «Перевыпуск»), когда новый код указывается для сверки в e-mail-ответе.

## 5. Смена получателя

- До отправки (отложенная доставка): «Заказ → Получатель → Изменить», новая дата/адрес сохраняются сразу.
- После отправки: изменить адрес и переотправить. Старая ссылка деактивируется автоматически.
- Если получатель уже открывал сертификат (статус opened) — смена получателя только после подтверждения
  покупателя по телефону. Звонок делает старший смены.

## 6. Массовые сбои

Признаки: за 30 минут больше 5 обращений «не пришёл сертификат», в админке очередь рассылки > 100 писем.

1. Сообщить старшему смены (доб. 214) и дежурному разработчику в Telegram-чат `#pp-oncall`.
2. Старший смены заводит инцидент INC в Jira и публикует шаблон ответа на время инцидента.
3. Не переотправлять письма вручную массово — после восстановления очереди они уйдут сами,
   ручная отправка создаёт дубли.
4. После закрытия инцидента проверить все обращения с меткой инцидента.

## 7. Англоязычные клиенты

Отвечает оператор со знанием английского (сейчас — Екатерина Волкова). Шаблоны на английском — в
Omnidesk, папка «EN». Логика та же.

## 8. Частые ошибки операторов

- Отправка на новый адрес по просьбе **получателя**, а не покупателя — так уводят сертификаты.
- Обещание «сейчас придёт» без проверки статуса рассылки.
- Закрытие обращения без ответа клиенту после переотправки.
"""

REGULATIONS["03-korporativnye-klienty.md"] = """---
title: Работа с корпоративными клиентами
audience: internal
owner: Отдел B2B
updated: 2025-07-20
---

# Работа с корпоративными клиентами

> Внутренний регламент отдела B2B. Сетка скидок и условия отсрочки — коммерческая тайна.

## 1. Кто считается корпоративным клиентом

- Юридическое лицо или ИП, оплачивающее заказ по счёту.
- Минимальный заказ — **30 000 ₽** или **10 сертификатов**.
- Заказы меньше — предлагаем оформить на сайте картой компании (закрывающие документы тогда не выдаются).

Все обращения юрлиц из первой линии передаются в группу «B2B» в Omnidesk. Ответственный менеджер —
Ольга Белова (доб. 250). В её отсутствие — руководитель отдела продаж (доб. 251).

## 2. Договор

| Вариант | Когда | Срок оформления |
|---|---|---|
| Договор-оферта (акцепт оплатой счёта) | заказы до 300 000 ₽ | сразу |
| Рамочный договор | регулярные закупки, от 300 000 ₽ в год | 3–5 рабочих дней, согласование с юристом |
| Договор клиента | по запросу крупных клиентов | до 10 рабочих дней, только с визой юриста (доб. 260) |

Шаблон оферты публичный: https://podarokplus.ru/business/offer.
Шаблон рамочного договора — во внутреннем диске `\\\\fs01\\b2b\\Договоры\\Рамочный_2025.docx`, клиенту — только в PDF.

## 3. Счёт и оплата

1. Счёт выставляется в 1С в течение одного рабочего дня после получения реквизитов.
2. Оплата — 100% предоплата.
3. Отсрочка платежа до 14 дней — только клиентам со статусом VIP и только по согласованию с финансовым
   отделом (Дмитрий Орлов, доб. 231). Лимит отсрочки — 1 000 000 ₽ на клиента.
4. Счёт действителен 5 рабочих дней; после этого номиналы и наличие брендов перепроверяются.

## 4. Выпуск сертификатов

- После поступления оплаты — выпуск за 1–2 рабочих дня (раздел «B2B → Пакетный выпуск» в админке:
  `https://admin.podarokplus.local/b2b/batches`).
- Варианты передачи:
  - реестр Excel со ссылками на сертификаты — отправляется на e-mail контактного лица, архив с паролем,
    пароль — отдельно по SMS;
  - рассылка каждому получателю по списку (клиент присылает таблицу: ФИО, e-mail, бренд, номинал, дата отправки).
- Реестры храним 90 дней, затем удаляем из почты отдела.

## 5. Закрывающие документы

- Основной документ — **УПД** (статус 1), при необходимости — акт сверки.
- УПД формируется в 1С в день выпуска сертификатов и уходит через ЭДО (Диадок, СБИС).
- Если у контрагента нет ЭДО — оригиналы Почтой России заказным письмом, трек-номер клиенту.
- Типичная причина «документы не пришли»: в карточке контрагента в 1С не заполнен идентификатор ЭДО.
  Исправляет бухгалтерия — Ирина Соколова, доб. 233.

## 6. Скидки (конфиденциально)

| Сумма заказа | Скидка | Кто согласует |
|---|---|---|
| 30 000 – 299 999 ₽ | 0% | — |
| 300 000 – 999 999 ₽ | 3% | менеджер B2B |
| 1 000 000 – 2 999 999 ₽ | 5% | руководитель отдела продаж |
| от 3 000 000 ₽ | индивидуально, не более 7% | коммерческий директор |

Скидка не может превышать комиссию партнёра по выбранному бренду. Для брендов с комиссией ниже 4%
(Ozon, Пятёрочка, Перекрёсток) скидка не предоставляется — предлагаем универсальный сертификат.

## 7. Возвраты для юрлиц

- Возврат по невостребованным сертификатам — по письму на бланке компании с подписью руководителя.
- Возврат на расчётный счёт в течение 10 рабочих дней, оформляет бухгалтерия.
- Сертификаты, по которым получатели уже открыли письма, к возврату не принимаются без проверки у партнёра.

## 8. Тон общения

- Обращение по имени и отчеству, если клиент так подписывается, иначе — по имени.
- Подпись менеджера: имя, фамилия, должность, b2b@podarokplus.ru, общий телефон 8 800 555-35-35.
- Внутренние добавочные номера клиентам не сообщаем.

## 9. Контакты

- Менеджер B2B: Ольга Белова, доб. 250
- Руководитель отдела продаж: доб. 251
- Бухгалтерия: Ирина Соколова, доб. 233
- Юрист: доб. 260
- Финансовый отдел: Дмитрий Орлов, доб. 231
"""

REGULATIONS["04-prodlenie-sroka.md"] = """---
title: Продление срока действия сертификатов
audience: internal
owner: Поддержка 1-й линии
updated: 2025-06-01
---

# Продление срока действия сертификатов

> Внутренний регламент. Публичная версия условий — https://podarokplus.ru/help/extension.

## 1. Общее правило

- Продление **однократное**, на срок **до 3 месяцев**, для клиента **бесплатно**.
- На сертификате должен оставаться баланс (не погашен полностью).
- Заявка — не позднее **30 календарных дней** после окончания срока действия.
- Запрос может прислать покупатель или получатель (в отличие от возврата).

## 2. Бренды-исключения

Продление невозможно технически или запрещено договором:

- Ozon
- Пятёрочка
- Перекрёсток

Для универсального сертификата ПодарокПлюс (срок 3 года) продление не делаем — срок и так максимальный.

## 3. Стоимость продления для компании (конфиденциально)

| Бренд | Условия партнёра |
|---|---|
| Л'Этуаль, Рив Гош, Золотое Яблоко | бесплатно |
| Спортмастер, Детский мир | 150 ₽ за сертификат, оплачивает ПодарокПлюс |
| Хофф, Аскона | бесплатно, но не более 2 000 продлений в год |
| М.Видео, Эльдорадо, DNS | бесплатно, только для номиналов до 15 000 ₽ |

Клиенту о расходах компании **не сообщаем**.

## 4. Порядок действий

1. Найти сертификат: `https://admin.podarokplus.local/certificates/<код>` (код без PIN).
2. Проверить вкладку «История»: если продление уже было — отказ (см. раздел 6).
3. Нажать «Изменить срок» → выбрать «+1 мес», «+2 мес» или «+3 мес». По умолчанию — +3 мес.
4. Для брендов с API (Л'Этуаль, Спортмастер, М.Видео, Хофф) срок меняется у партнёра автоматически.
   Для остальных — админка создаёт задачу партнёру, срок меняется в течение 1 рабочего дня;
   клиенту в этом случае пишем «в течение рабочего дня».
5. Во внутренней заметке указать: старый срок, новый срок, были ли списания.
6. Ответить клиенту: новый срок, что код и PIN не меняются, что повторное продление невозможно.

## 5. Исключения по решению старшего смены

Старший смены (доб. 214) может согласовать:

- второе продление — при документально подтверждённой болезни или командировке;
- продление позже 30 дней — до 60 дней после окончания срока, если сертификат не использовался;
- продление для бренда-исключения — **нельзя** ни при каких условиях.

Решение фиксируется во внутренней заметке с указанием, кто согласовал.

## 6. Отказ в продлении

Формулировки:

- «Срок действия этого сертификата уже продлевался, повторное продление, к сожалению, невозможно.»
- «Для сертификатов Ozon продление не предусмотрено условиями бренда.»
- «С окончания срока прошло больше 30 дней, поэтому продлить сертификат уже нельзя.»

Всегда предлагайте альтернативу, если она есть: например, потратить остаток на сайте бренда до конца дня.

## 7. Отчётность

Раз в месяц финансовый отдел выгружает отчёт «Продления» из админки. Не продлевайте сертификаты «на всякий
случай» без запроса клиента — каждое продление для Спортмастера и Детского мира стоит компании денег.
"""

REGULATIONS["05-tone-of-voice.md"] = """---
title: Как мы пишем клиентам (tone of voice)
audience: internal
owner: Руководитель поддержки
updated: 2025-05-15
---

# Как мы пишем клиентам

> Внутренний документ для операторов поддержки ПодарокПлюс.

## 1. Главное

Мы пишем как вежливый и компетентный человек, а не как робот или канцелярия.
Клиент чаще всего покупает подарок и переживает, что праздник испорчен. Наша задача — быстро снять тревогу.

- Обращаемся на «вы», «вы» — со строчной буквы.
- Называем клиента по имени, если оно известно: «Здравствуйте, Анна!».
- Сначала отвечаем на вопрос, потом объясняем детали.
- Одно сообщение — один законченный ответ. Не заставляем клиента переспрашивать.

## 2. Структура ответа в e-mail

1. Приветствие: «Здравствуйте, Имя!»
2. Ответ по сути: что мы сделали или что нужно сделать клиенту — по шагам, если шагов больше двух.
3. Что будет дальше и в какой срок.
4. Подпись:

```
С уважением,
Мария, служба поддержки ПодарокПлюс
8 800 555-35-35
```

Фамилию оператора в подписи не пишем (кроме менеджеров B2B).

## 3. Чаты и мессенджеры

- Короче, чем в почте, но без сокращений вроде «пжлст» и «спс».
- Подпись не нужна, имя оператора видно в виджете.
- Эмодзи допустимы: не больше одного на сообщение и только в позитивном контексте (🙂, 👍).
- Первое сообщение — в течение 2 минут, даже если нужно время на проверку:
  «Здравствуйте! Сейчас проверю заказ, это займёт пару минут».

## 4. Чего не пишем

| Не пишем | Пишем |
|---|---|
| Уважаемый клиент! | Здравствуйте, Анна! |
| Ваше обращение очень важно для нас | (просто отвечаем) |
| Согласно правилам компании… | Так устроены условия бренда: … |
| Это не наша проблема, обращайтесь в магазин | Мы передадим информацию бренду, а пока можно… |
| Ожидайте | Ответим в течение 2 часов |
| К сожалению, ничем не можем помочь | Вот что можно сделать: … |

## 5. Ошибки клиента

Не упрекаем клиента, даже если он сам ошибся адресом или удалил письмо.
Плохо: «Вы указали неверный e-mail». Хорошо: «В адресе получателя была опечатка — мы её исправили».

## 6. Персональные данные

- Не просим PIN-код сертификата и полный номер карты. Для поиска платежа достаточно 4 последних цифр.
- Если клиент прислал номер карты — скрываем сообщение и вежливо просим так больше не делать.
- Не пересылаем код и ссылку на сертификат в чат или мессенджер (исключения — в регламенте 02).
- Не сообщаем третьим лицам, кто и кому купил сертификат.

## 7. Внутренняя информация

Никогда не пишем клиентам:

- комиссии и условия договоров с партнёрами;
- внутренние добавочные номера (доб. 214, 231 и др.), адреса админки и внутренних систем;
- номера инцидентов и задач Jira;
- причины вида «у нас упал сервер» — вместо этого: «из-за технического сбоя».

Всё это — только во внутренних заметках Omnidesk (жёлтые, видны только сотрудникам).

## 8. Шаблоны

Шаблоны ответов лежат в Omnidesk → «Шаблоны». Шаблон — основа, а не готовый ответ:
всегда добавляем имя клиента, номер заказа и конкретику. Ответ, целиком состоящий из шаблона
на вопрос, который клиент не задавал, — ошибка, за которую снижается оценка качества.

## 9. Оценка качества

Раз в неделю старший смены проверяет по 10 обращений каждого оператора по чек-листу:
скорость, точность, тон, отсутствие внутренней информации в ответах, корректные метки.
"""

REGULATIONS["06-eskalatsii.md"] = """---
title: Эскалации, SLA и внутренние контакты
audience: internal
owner: Руководитель поддержки
updated: 2025-09-10
---

# Эскалации, SLA и внутренние контакты

> Внутренний регламент. Номера добавочных и внутренние каналы клиентам не сообщать.

## 1. Линии поддержки

| Линия | Кто | Что решает |
|---|---|---|
| 1-я линия | операторы (Мария Кузнецова, Алексей Громов, Екатерина Волкова) | консультации, повторная отправка, продление, смена получателя, перевыпуск |
| 2-я линия | Дмитрий Орлов (финансы) | возвраты, платёжные сбои, двойные списания |
| B2B | Ольга Белова | юрлица, счета, закрывающие документы |
| Старший смены | Светлана Никитина | жалобы, исключения из правил, инциденты |
| СБ | Сергей Лапин | мошенничество, кражи кодов, запросы правоохранительных органов |

## 2. SLA

| Канал | Первый ответ | Решение |
|---|---|---|
| Чат на сайте, Telegram, WhatsApp, ВКонтакте | 2 минуты (09:00–22:00) | в рамках диалога или 4 часа |
| E-mail | 4 рабочих часа | 1 рабочий день |
| Юрлица (B2B) | 1 рабочий день | 2 рабочих дня |
| Возвраты | 4 рабочих часа | оформление — 1 рабочий день |

Ночью (22:00–09:00) чаты обрабатывает бот; обращения попадают в очередь и разбираются утром
в первую очередь, начиная с приоритета «critical».

## 3. Приоритеты в Omnidesk

- **critical** — деньги списаны, сертификата нет и «праздник сегодня»; двойное списание больше 10 000 ₽;
  массовый сбой.
- **high** — возвраты, платёжные ошибки, юрлица с горящими сроками.
- **normal** — всё остальное.
- **low** — благодарности, предложения, реклама.

## 4. Когда эскалировать

1. Вопрос выходит за рамки полномочий линии (см. таблицу в разделе 1).
2. Клиент просит руководителя или угрожает жалобой в Роспотребнадзор / суд.
3. Третье обращение клиента по той же проблеме.
4. Сумма операции превышает лимит оператора (возвраты — регламент 01).
5. Признаки мошенничества (регламент 07) — **сразу**, без ответа клиенту по существу.

Как эскалировать: переназначить обращение на нужную группу, поставить метку «эскалация» и оставить
внутреннюю заметку: суть, что уже сделано, что нужно от коллеги.

## 5. Платёжные сбои

1. Деньги списаны, заказа нет → найти платёж в ЛК эквайера по RRN, сумме и 4 цифрам карты.
2. Статус AUTHORIZED и заказ pending → провести заказ вручную: `https://admin.podarokplus.local/payments`.
3. Статус AUTHORIZED без заказа → отменить авторизацию, клиенту — «3–5 рабочих дней».
4. Двойное списание → отмена второго платежа, согласование с Дмитрием Орловым (доб. 231).
5. Больше 5 похожих обращений за 30 минут → инцидент (раздел 6).

## 6. Инциденты

- Старший смены (доб. 214) заводит инцидент в Jira (проект INC) и пишет в Telegram-чат `#pp-oncall`.
- Дежурный разработчик отвечает в течение 15 минут в рабочее время, 30 минут — ночью.
- На время инцидента — общий шаблон ответа, без технических подробностей.
- После инцидента: разбор в течение 2 рабочих дней, список затронутых обращений — в задаче INC.

## 7. Внутренние контакты

| Кто | Добавочный | Канал |
|---|---|---|
| Старший смены поддержки (Светлана Никитина) | доб. 214 | Telegram `#pp-support-lead` |
| Финансы (Дмитрий Орлов) | доб. 231 | finance@podarokplus.local |
| Бухгалтерия (Ирина Соколова) | доб. 233 | — |
| Служба безопасности (Сергей Лапин) | доб. 240 | security@podarokplus.local |
| B2B (Ольга Белова) | доб. 250 | b2b@podarokplus.ru |
| Руководитель отдела продаж | доб. 251 | — |
| Юрист | доб. 260 | legal@podarokplus.local |
| Дежурный разработчик | — | Telegram `#pp-oncall` |

## 8. Жалобы

- Жалоба на магазин бренда (отказали на кассе, грубость) — собрать адрес, дату, время и передать
  менеджеру партнёра через раздел «Партнёры → Обращения». Клиенту — что передали бренду.
- Жалоба на оператора — только старшему смены, не спорить с клиентом.
- Претензия в письменной форме (с требованием и сроками) — юристу (доб. 260) в тот же день.
"""

REGULATIONS["07-moshennichestvo.md"] = """---
title: Проверки на мошенничество
audience: internal
owner: Служба безопасности
updated: 2025-08-28
---

# Проверки на мошенничество

> Строго внутренний документ. Критерии антифрода клиентам и партнёрам не раскрываются.

## 1. Зачем это нужно

Подарочный сертификат — почти наличные деньги: его легко перепродать, а украденный код потратить за минуты.
Мошенники пытаются получить сертификаты за счёт чужих карт или увести уже купленные сертификаты
через поддержку. Оператор — последний рубеж защиты.

## 2. Автоматические правила антифрода

Заказ автоматически уходит на ручную проверку (статус «На проверке»), если:

- с одного аккаунта за сутки оплата больше чем тремя разными картами;
- заказ на сумму от 50 000 ₽ с аккаунта, созданного менее 24 часов назад;
- больше 5 заказов с одного IP за час;
- карта выпущена иностранным банком (такие платежи мы не принимаем, но попытки фиксируются);
- e-mail получателя на одноразовом почтовом домене.

Заказы «На проверке» разбирает СБ в течение 4 рабочих часов. Оператор клиенту пишет:
«Заказ проходит дополнительную проверку безопасности, это займёт до 4 часов».

## 3. Признаки мошенничества в обращениях

- Просьба отправить сертификат на **другой** e-mail сразу после покупки, пишет не покупатель.
- Клиент торопит, давит: «срочно, иначе напишу жалобу», но не может назвать номер заказа.
- Сообщение «от сотрудника поддержки Ozon / банка» с просьбой продиктовать код.
- Просьба перевыпустить сертификат, который уже частично потрачен, «потому что код украли».
- Несколько обращений с разных e-mail про один и тот же сертификат.
- Получатель просит вернуть деньги себе на карту.

## 4. Что делать оператору

1. Не отвечать по существу и ничего не менять в заказе.
2. Поставить метку «эскалация», переназначить в группу «СБ».
3. Во внутренней заметке описать, что насторожило.
4. Клиенту: «Для безопасности нам нужно дополнительно проверить заказ. Мы вернёмся с ответом в течение рабочего дня».
5. При явной попытке социальной инженерии — звонок в СБ: Сергей Лапин, доб. 240.

## 5. Кража кода

1. Если баланс сертификата не менялся — заблокировать и перевыпустить (обычный перевыпуск).
2. Если деньги уже списаны — **не перевыпускать**. Заблокировать остаток, эскалация в СБ.
   СБ запрашивает у партнёра данные о транзакции (магазин, время, касса).
3. Клиенту рекомендовать обратиться в полицию; по запросу СБ готовит справку о покупке.
4. Компенсация при краже по вине клиента (опубликовал код, переслал) не производится.

## 6. Чарджбэки

- Уведомление о чарджбэке приходит от эквайера в финансовый отдел.
- Сертификат по такому заказу блокируется немедленно, даже если частично потрачен.
- Если покупатель пишет в поддержку — не обсуждать, переадресовать в финансовый отдел (доб. 231).

## 7. Чёрный список

- Хранится в админке: «Безопасность → Чёрный список» (`https://admin.podarokplus.local/security/blacklist`).
- Добавляет только СБ. Оператор не сообщает клиенту, что он в чёрном списке:
  «К сожалению, мы не можем принять этот заказ. Средства будут возвращены на карту».

## 8. Запросы правоохранительных органов

Любые запросы полиции, следователей и судов — только через юриста (доб. 260) и СБ (доб. 240).
Оператор не подтверждает и не опровергает факт покупки по телефону или в переписке.

## 9. Показатели

СБ ежемесячно отчитывается о доле мошеннических заказов (цель — меньше 0,3% оборота) и о сумме
предотвращённого ущерба. Операторы, выявившие схему, получают премию по итогам квартала.
"""

SMALL_REGULATIONS = {}

SMALL_REGULATIONS["01-povtornaya-otpravka.md"] = """---
title: Повторная отправка сертификата (кратко)
audience: internal
---

# Повторная отправка сертификата

РЕГЛАМЕНТ ДЛЯ СОТРУДНИКОВ: доб. 214 — старший смены, звонить при массовых сбоях рассылки.

## Проверка

1. Найти заказ в админке: `https://admin.podarokplus.local/orders?q=<номер или e-mail>`.
2. Статус заказа должен быть «Оплачен».
3. Посмотреть статус письма на вкладке «Рассылка»: delivered, soft bounce, hard bounce.

## Отправка

1. «Действия» → «Отправить повторно».
2. На новый адрес — только по просьбе покупателя.
3. Поставить метку «повторная отправка», ответить клиенту по шаблону.

## Нельзя

- Копировать ссылку на сертификат, код или PIN в чат.
- Массово переотправлять письма во время сбоя — после восстановления очереди они уйдут сами.

## Комиссии (конфиденциально)

Комиссия партнёра Л'Этуаль — 7%, Золотое Яблоко — 8%. Клиентам не сообщать.
"""

SMALL_REGULATIONS["02-balans-i-srok.md"] = """---
title: Баланс и срок действия — внутренние пояснения
audience: internal
---

# Баланс и срок действия

## Баланс

- Клиенту всегда даём ссылку https://podarokplus.ru/balance — проверка по коду и PIN.
- Оператор видит баланс брендовых сертификатов только через кнопку «Проверить у партнёра» в админке;
  называть баланс в переписке не нужно, чтобы не приучать клиентов присылать PIN.
- API партнёров обновляет списания с задержкой до 24 часов.

## Срок действия

- Стандартный срок — 12 месяцев с даты покупки, универсальный сертификат — 3 года.
- Однократное продление на 3 месяца — по отдельному регламенту, согласование сверх правил — старший смены.

## Внутренние контакты

- Старший смены — доб. 214.
- Финансы — доб. 231.
"""


# --------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------

def dump_json(path, obj):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")


def dump_text(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def dump_jsonl(path, rows):
    dump_text(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))


def omnidesk_list(items, key):
    out = {}
    for i, item in enumerate(items):
        out[str(i)] = {key: item}
    out["total_count"] = len(items)
    return out


def write_omnidesk(root, built):
    """built: list of (case_id, case). Writes pages, messages, labels and staff."""
    od = root / "omnidesk"
    if od.exists():
        for old in sorted(od.glob("cases.page*.json")):
            old.unlink()
        if (od / "messages").exists():
            shutil.rmtree(od / "messages")
    records = [case_record(cid, c) for cid, c in built]
    total = len(records)
    for page in range((total + 99) // 100):
        chunk = records[page * 100:(page + 1) * 100]
        out = {}
        for i, rec in enumerate(chunk):
            out[str(i)] = {"case": rec}
        out["total_count"] = total
        dump_json(od / ("cases.page%d.json" % (page + 1)), out)
    for cid, c in built:
        dump_json(od / "messages" / ("%d.json" % cid), omnidesk_list(c["rendered"], "message"))
    dump_json(od / "labels.json", omnidesk_list([{"label_id": i, "label_title": t} for i, t in LABELS], "label"))
    dump_json(od / "staff.json", omnidesk_list(
        [{"staff_id": s[0], "staff_email": s[2], "staff_full_name": s[1]} for s in sorted(STAFF)], "staff"))
    return records


def write_regulations(root, regs):
    rd = root / "regulations"
    if rd.exists():
        for old in sorted(rd.glob("*.md")):
            old.unlink()
    for name in sorted(regs):
        dump_text(rd / name, regs[name])


def build_set(builder, items, first_id):
    built = []
    for i, (t, spec) in enumerate(items):
        built.append((first_id + i, builder.build(spec, t)))
    return built


# --------------------------------------------------------------------------------------
# Full demo set
# --------------------------------------------------------------------------------------

def generate_full(base):
    root = base / "examples"
    b = Builder(SEED_FULL)
    rng = b.rng
    specs = build_specs_full(rng)
    extras = []
    # open / waiting cases (kbforge must skip them)
    for key in ("balance", "where_to_use", "refund"):
        t = TOPIC_BY_KEY[key]
        extras.append(Spec(t.intents[-1].kind, t, t.intents[-1], mode="open"))
    for key in ("resend", "payment_error"):
        t = TOPIC_BY_KEY[key]
        intent = [i for i in t.intents if i.ask][0]
        extras.append(Spec(intent.kind, t, intent, mode="waiting"))
    # deleted: an operator's test ticket and a duplicate of a customer's ticket
    extras.append(Spec("test", deleted=True))
    t = TOPIC_BY_KEY["resend"]
    extras.append(Spec("needs-action", t, t.intents[1], mode="dup", deleted=True))
    # spam
    for item in SPAM_ITEMS:
        extras.append(Spec("spam", spam=True, item=item))
    items = schedule(rng, specs, extras, dt.date(2025, 1, 9), dt.date(2025, 10, 26),
                     (dt.date(2025, 10, 27), dt.date(2025, 10, 31)))
    force_walkthrough_case(items, 10042 - 10001)
    built = build_set(b, items, 10001)
    records = write_omnidesk(root, built)
    dump_jsonl(root / "labels.jsonl", [label_record(cid, c) for cid, c in built])
    write_regulations(root, REGULATIONS)
    generate_jsonl(root)
    dump_text(root / "README.md", examples_readme(built, records))
    return built, records


def examples_readme(built, records):
    valid = {r["case_id"] for r in records if r["status"] == "closed" and not r["deleted"] and not r["spam"]}
    rows = {}
    kinds = {}
    langs = {}
    for cid, c in built:
        if cid not in valid:
            continue
        l = label_record(cid, c)
        key = (l["topic"], l["topic_title"])
        rows.setdefault(key, {})
        rows[key][l["kind"]] = rows[key].get(l["kind"], 0) + 1
        kinds[l["kind"]] = kinds.get(l["kind"], 0) + 1
        langs[l["language"]] = langs.get(l["language"], 0) + 1
    skipped = [r for r in records if r["case_id"] not in valid]
    out = []
    out.append("# kbforge demo data: «ПодарокПлюс» support desk")
    out.append("")
    out.append("Synthetic but realistic history of a Russian e-gift-certificate service that runs its support in Omnidesk.")
    out.append("Everything here is generated by `python3 examples/generate_demo.py` (stdlib only, fixed seeds,")
    out.append("byte-for-byte reproducible). Do not edit the generated files by hand — change the generator.")
    out.append("")
    out.append("```")
    out.append("omnidesk/cases.page1.json … cases.page%d.json   GET /api/cases.json?page=N&limit=100" % ((len(records) + 99) // 100))
    out.append("omnidesk/messages/<case_id>.json               GET /api/cases/<case_id>/messages.json")
    out.append("omnidesk/labels.json, omnidesk/staff.json      GET /api/labels.json, GET /api/staff.json")
    out.append("regulations/*.md                               %d internal regulations (front matter audience: internal)" % len(REGULATIONS))
    out.append("labels.jsonl                                   ground truth per Omnidesk case (kbforge never reads it)")
    out.append("tickets.jsonl                                  generic JSONL export, tickets 90001–90020")
    out.append("tickets.labels.jsonl                           ground truth for tickets.jsonl")
    out.append("```")
    out.append("")
    out.append("## Omnidesk export")
    out.append("")
    out.append("- %d cases (case_id %d–%d); %d are closed, not deleted and not spam." % (
        len(records), records[0]["case_id"], records[-1]["case_id"], len(valid)))
    for r in skipped:
        why = "deleted" if r["deleted"] else "spam" if r["spam"] else "status " + r["status"]
        out.append("  - case %d — %s (must be skipped)" % (r["case_id"], why))
    out.append("- Dates use Omnidesk's format `Mon, 05 May 2025 00:15:17 +0300`. As in the real API, a date that is not")
    out.append("  set (`closed_at` / `last_response_at` of open and waiting cases, `last_response_at` of unanswered cases) is `\"-\"`.")
    out.append("- Staff messages have `user_id: 0`, customer messages `staff_id: 0`; `note: true` marks internal notes")
    out.append("  (admin-panel steps, partner commissions, internal extensions) that must never be published.")
    out.append("- `content` is plain text; `content_html` is set for e-mail cases only. Customer e-mails contain quoted")
    out.append("  replies (Gmail, Outlook, Yandex, Mail.ru, Apple Mail), signatures and personal data (e-mails, phones,")
    out.append("  certificate codes and PINs, order numbers, occasionally a full bank card number).")
    out.append("- The staff reply that resolves a case is its last non-note staff message.")
    out.append("")
    out.append("## Ground truth (`labels.jsonl`)")
    out.append("")
    out.append("`kind`: `flat` — informational, generic answer; `needs-action` — an operator did something by hand")
    out.append("(resend, refund, reissue, extension, recipient change, cancellation); `empty` — no question was ever asked;")
    out.append("`other` — thanks, feedback, partnership offers, job requests, ads, spam, a test ticket. Tickets that open")
    out.append("with a bare greeting but then ask a real question are labelled with the real topic.")
    out.append("")
    out.append("Processable cases by kind: %s; by language: %s." % (
        ", ".join("%s %d" % (k, kinds[k]) for k in sorted(kinds)), ", ".join("%s %d" % (k, langs[k]) for k in sorted(langs))))
    out.append("")
    out.append("| topic | title | flat | needs-action | empty | other |")
    out.append("|---|---|---|---|---|---|")
    for key in sorted(rows):
        r = rows[key]
        out.append("| %s | %s | %s | %s | %s | %s |" % (key[0], key[1], *(r.get(k, "") for k in ("flat", "needs-action", "empty", "other"))))
    out.append("")
    out.append("## tickets.jsonl")
    out.append("")
    out.append("One ticket per line: `id`, `subject`, `status`, `created_at`, `updated_at` (ISO 8601), `channel`, `language`,")
    out.append("`tags`, `rating` (or null) and `messages` (`author`: customer|staff, `internal`, `body`, `created_at`).")
    out.append("Deliberately malformed lines of tickets-malformed.jsonl, for error handling tests:")
    for line_no in sorted(MALFORMED_LINES):
        out.append("- line %d — %s" % (line_no, MALFORMED_LINES[line_no]))
    out.append("")
    return "\n".join(out)


def force_walkthrough_case(items, pos):
    """Case 10042 is the one ARCHITECTURE.md follows through the pipeline: a balance question by e-mail
    with a certificate code and a phone, quoting an earlier reply, signed "Отправлено с iPhone",
    answered with the standard text; a second operator leaves an internal note."""
    j = next(i for i, (_, s) in enumerate(items) if s.kind == "flat" and s.topic.key == "balance"
             and not s.empty_start and i >= pos)
    (t_a, s_a), (t_b, s_b) = items[pos], items[j]
    items[pos], items[j] = (t_a, s_b), (t_b, s_a)
    walk = Persona(first="Ирина", last="Кузьмина", gender="f", email="irina.kuzmina84@icloud.com",
                   phone="+7 (912) 345-67-89", user_id=8163342, lang="ru", client="apple_ru", company=None,
                   sig="iphone")
    s_b.force = {
        "persona": walk, "channel": "email",
        "question": ("", "Здравствуйте! Подскажите, как проверить баланс сертификата {code}? Мой телефон {phone}"),
        "ctx": {"code": "K7QF-2MX9-PL4D-8RTA", "brand": "Л'Этуаль", "pct": "7"},
        "quote_prev": {"staff_id": 7, "subject": "Re: Активация сертификата",
                       "text": "Отдельно активировать сертификат не нужно — он становится активным сразу после оплаты "
                               "заказа. Код и PIN из письма можно использовать в магазине или на сайте бренда.\n\n"
                               "Подробнее: https://podarokplus.ru/help/activation"},
        "staff": 5, "note_staff": 12,
        "note": "Клиентка уже писала нам про активацию этого сертификата, заказ оплачен, всё в порядке. "
                "Баланс у партнёра Л'Этуаль (комиссия {pct}%, конфиденциально) не запрашивала — отправили на страницу проверки.",
    }


def generate_jsonl(root):
    """examples/tickets.jsonl (valid) and tickets-malformed.jsonl (two deliberately malformed lines)."""
    b = Builder(SEED_JSONL, msg_id_start=1, case_number_start=900000, uid_start=9900000)
    rng = b.rng
    picks = [("balance", 0), ("expiry", 0), ("where_to_use", 0), ("online_payment", 0), ("payment_methods", 0),
             ("not_accepted", 0), ("partial_use", 0), ("gift_delivery", 0), ("multibrand", 0), ("receipts", 0),
             ("activation", 0), ("combine", 0), ("resend", 1), ("resend", 1), ("refund", 1), ("lost_code", 0),
             ("change_recipient", 0), ("payment_error", 0), ("en_how_to_redeem", 0)]
    specs = []
    for key, idx in picks:
        t = TOPIC_BY_KEY[key]
        specs.append(Spec(t.intents[idx].kind, t, t.intents[idx], t.lang))
    specs.append(Spec("empty", lang="ru"))
    rng.shuffle(specs)
    items = schedule(rng, specs, [], dt.date(2025, 9, 1), dt.date(2025, 10, 31), None)
    rows, labels = [], []
    for i, (t0, spec) in enumerate(items):
        case = b.build(spec, t0)
        tid = str(90001 + i)
        msgs = []
        for m in case["rendered"]:
            msgs.append({"author": "customer" if m["user_id"] else "staff", "internal": m["note"],
                         "body": m["content"], "created_at": iso_from_omni(m["created_at"])})
        rows.append(json.dumps({
            "id": tid, "subject": case["subject"], "status": case["status"],
            "created_at": iso_date(case["messages"][0]["t"]), "updated_at": iso_date(case["updated_at"]),
            "channel": case["channel"], "language": case["lang"],
            "tags": [LABEL_TITLE[x] for x in case["labels"]], "rating": case["rating"] or None,
            "messages": msgs}, ensure_ascii=False))
        lr = label_record(int(tid), case)
        del lr["case_id"]
        labels.append(dict([("id", tid)] + list(lr.items())))
    bad_json = ('{"id": "90099", "subject": "Не пришёл сертификат", "status": "closed", '
                '"created_at": "2025-07-14T12:03:00+03:00", "channel": "email", "messages": '
                '[{"author": "customer", "internal": false, "body": "Здравствуйте, сертификат не пришёл, заказ')
    no_messages = json.dumps({"id": "90098", "subject": "Вопрос по балансу", "status": "closed",
                              "created_at": "2025-08-02T15:40:11+03:00", "updated_at": "2025-08-02T16:02:45+03:00",
                              "channel": "chat", "language": "ru", "tags": ["баланс"], "rating": None},
                             ensure_ascii=False)
    dump_text(root / "tickets.jsonl", "".join(r + "\n" for r in rows))
    broken = rows[:14]
    for line_no in sorted(MALFORMED_LINES):
        broken.insert(line_no - 1, bad_json if line_no == 7 else no_messages)
    dump_text(root / "tickets-malformed.jsonl", "".join(r + "\n" for r in broken))
    dump_jsonl(root / "tickets.labels.jsonl", labels)


def iso_from_omni(s):
    # "Mon, 05 May 2025 00:15:17 +0300" -> "2025-05-05T00:15:17+03:00"
    parts = s.split()
    day, mon, year, hms = int(parts[1]), MON_EN.index(parts[2]) + 1, int(parts[3]), parts[4]
    return "%04d-%02d-%02dT%s+03:00" % (year, mon, day, hms)


# --------------------------------------------------------------------------------------
# Small e2e fixture
# --------------------------------------------------------------------------------------

ANNA_EMAIL = "anna.smirnova1987@yandex.ru"
ANNA_PHONE = "+7 (916) 123-45-67"
NOTE_MARKER = "ВНУТРЕННЯЯ ЗАМЕТКА: комиссия партнёра 7%"
REG_MARKER = "РЕГЛАМЕНТ ДЛЯ СОТРУДНИКОВ: доб. 214"


def generate_classify(base):
    """tests/fixtures/classify/labelled.jsonl: a held-out set for `kbforge eval classify`, drawn with its
    own seed from every topic of the desk: generic JSONL tickets, each with its `kind`, `topic` and
    `intent`."""
    root = base / "tests" / "fixtures" / "classify"
    b = Builder(SEED_CLASSIFY, msg_id_start=1, case_number_start=700000, uid_start=7700000)
    rng = b.rng
    specs = build_specs_full(rng)
    rng.shuffle(specs)
    items = schedule(rng, specs, [], dt.date(2025, 11, 1), dt.date(2026, 3, 31), None)
    rows = []
    for i, (t0, spec) in enumerate(items):
        case = b.build(spec, t0)
        tid = str(70001 + i)
        msgs = []
        for m in case["rendered"]:
            msgs.append({"author": "customer" if m["user_id"] else "staff", "internal": m["note"],
                         "body": m["content"], "created_at": iso_from_omni(m["created_at"])})
        label = label_record(int(tid), case)
        rows.append(json.dumps({
            "id": tid, "subject": case["subject"], "status": case["status"],
            "created_at": iso_date(case["messages"][0]["t"]), "updated_at": iso_date(case["updated_at"]),
            "channel": case["channel"], "language": case["lang"], "messages": msgs,
            "kind": label["kind"], "topic": label["topic"], "intent": label["intent"]}, ensure_ascii=False))
    dump_text(root / "labelled.jsonl", "".join(r + "\n" for r in rows))
    return rows


def generate_small(base):
    root = base / "tests" / "fixtures" / "demo-small"
    b = Builder(SEED_SMALL, small=True, msg_id_start=7100000, case_number_start=311001, uid_start=5500000)
    rng = b.rng
    specs = []
    for key, idx in (("balance", 0), ("expiry", 0), ("where_to_use", 0), ("online_payment", 0), ("resend", 1)):
        t = TOPIC_BY_KEY[key]
        intent = t.intents[idx]
        for _ in range(intent.small_n):
            specs.append(Spec(intent.kind, t, intent, t.lang))
    for _ in range(7):
        specs.append(Spec("empty", lang="ru"))
    specs.append(Spec("other", lang="ru", item=OTHER_ITEMS[1]))
    specs.append(Spec("other", lang="ru", item=OTHER_ITEMS[17]))
    rng.shuffle(specs)
    # two tickets start with a bare greeting, the real question comes later
    cands = [s for s in specs if s.kind == "flat" and s.topic.key != "balance"]
    for s in rng.sample(cands, 2):
        s.empty_start = True
    # (d) the known customer e-mail and phone, in two balance tickets
    anna = Persona(first="Анна", last="Смирнова", gender="f", email=ANNA_EMAIL, phone=ANNA_PHONE, user_id=5400187,
                   lang="ru", client="yandex", company=None, sig="name_phone")
    balance_specs = [s for s in specs if s.topic is not None and s.topic.key == "balance" and not s.empty_start]
    balance_specs[0].force = {"persona": anna, "channel": "email",
                              "append": "\n\nМои контакты для связи: %s, %s" % (ANNA_EMAIL, ANNA_PHONE)}
    balance_specs[1].force = {"persona": anna, "channel": "telegram",
                              "append": " мой номер %s, почта %s" % (ANNA_PHONE, ANNA_EMAIL)}
    # (e) the internal note marker, in a resend ticket
    resend_specs = [s for s in specs if s.topic is not None and s.topic.key == "resend" and not s.empty_start]
    resend_specs[2].force = {
        "channel": "email", "ctx": {"brand": "Л'Этуаль", "brand_en": "L'Etoile", "pct": "7"},
        "note": NOTE_MARKER + " (Л'Этуаль), клиенту не озвучивать. Заказ {order} проверен в админке "
                "https://admin.podarokplus.local/orders/{order}, письмо ушло в спам — переотправлено вручную. "
                "Старший смены доб. 214 в курсе."}
    extras = []
    t = TOPIC_BY_KEY["expiry"]
    extras.append(Spec("flat", t, t.intents[0], mode="open"))
    extras.append(Spec("spam", spam=True, item=SPAM_ITEMS[0]))
    extras.append(Spec("test", deleted=True))
    items = schedule(rng, specs, extras, dt.date(2025, 3, 1), dt.date(2025, 9, 28),
                     (dt.date(2025, 9, 29), dt.date(2025, 9, 30)))
    built = build_set(b, items, 10001)
    records = write_omnidesk(root, built)
    labels = [label_record(cid, c) for cid, c in built]
    dump_jsonl(root / "labels.jsonl", labels)
    write_regulations(root, SMALL_REGULATIONS)
    dump_text(root / "README.md", small_readme(built, records, labels))
    return built, records


def small_readme(built, records, labels):
    by_id = {cid: c for cid, c in built}
    rec_by_id = {r["case_id"]: r for r in records}

    def ids(pred):
        return [l["case_id"] for l in labels if pred(l)]

    def fmt(xs):
        return ", ".join(str(x) for x in xs) if xs else "—"

    valid = [r["case_id"] for r in records if r["status"] == "closed" and not r["deleted"] and not r["spam"]]
    skipped = [r for r in records if r["case_id"] not in valid]
    anna_ids = [cid for cid, c in built if any(ANNA_EMAIL in m["content"] or ANNA_PHONE in m["content"]
                                               for m in c["rendered"] if m["user_id"])]
    note_ids = [cid for cid, c in built if any(m["note"] and NOTE_MARKER in m["content"] for m in c["rendered"])]
    all_notes = [cid for cid, c in built if any(m["note"] for m in c["rendered"])]
    lines = []
    lines.append("# demo-small — e2e fixture for kbforge")
    lines.append("")
    lines.append("Generated by `python3 examples/generate_demo.py --small` (deterministic, do not edit by hand).")
    lines.append("Same layout as `examples/`: a recorded Omnidesk API export plus internal regulations.")
    lines.append("")
    lines.append("```")
    lines.append("omnidesk/cases.page1.json        GET /api/cases.json?page=1&limit=100 (%d cases)" % len(records))
    lines.append("omnidesk/messages/<case_id>.json GET /api/cases/<case_id>/messages.json")
    lines.append("omnidesk/labels.json, omnidesk/staff.json")
    lines.append("regulations/*.md                 2 internal documents (audience: internal)")
    lines.append("labels.jsonl                     ground truth, one line per case (not read by kbforge)")
    lines.append("```")
    lines.append("")
    lines.append("## Counts")
    lines.append("")
    lines.append("- cases in the export: %d (case ids %d–%d)" % (len(records), records[0]["case_id"], records[-1]["case_id"]))
    lines.append("- closed, not deleted, not spam (to be processed): %d" % len(valid))
    for r in skipped:
        why = "deleted" if r["deleted"] else "spam" if r["spam"] else "status=" + r["status"]
        lines.append("- must be skipped: case %d (%s)" % (r["case_id"], why))
    lines.append("")
    lines.append("| topic | kind | intent | closed cases |")
    lines.append("|---|---|---|---|")
    counts = {}
    for l in labels:
        if l["case_id"] not in valid:
            continue
        k = (l["topic"], l["kind"], l["intent"])
        counts[k] = counts.get(k, 0) + 1
    for k in sorted(counts):
        lines.append("| %s | %s | %s | %d |" % (k[0], k[1], k[2], counts[k]))
    lines.append("")
    lines.append("## Markers")
    lines.append("")
    bal = ids(lambda l: l["intent"] == "balance/how-to-check" and l["case_id"] in valid)
    bal_q = set()
    for cid in bal:
        bal_q.add(by_id[cid]["spec"].intent.key)
    lines.append("- **(a) flat topic «проверка баланса»** (`balance/how-to-check`): cases %s. "
                 "%d distinct customer phrasings; every resolving staff answer uses the same template "
                 "(starts with «Проверить баланс можно на странице https://podarokplus.ru/balance»)." % (
                     fmt(bal), len(TOPIC_BY_KEY["balance"].intents[0].q)))
    lines.append("- **(b) needs-action topic «повторная отправка»** (`resend/not-received`): cases %s." % fmt(
        ids(lambda l: l["intent"] == "resend/not-received" and l["case_id"] in valid)))
    lines.append("- **(c) empty requests** (kind `empty`): cases %s." % fmt(ids(lambda l: l["kind"] == "empty" and l["case_id"] in valid)))
    es = [cid for cid, c in built if c["spec"].empty_start]
    lines.append("  Cases %s also open with a bare greeting, but the customer asks the real question later; "
                 "they are labelled with their real topic." % fmt(es))
    lines.append("- **(d) personal data**: customer e-mail `%s` and phone `%s` appear in customer messages of "
                 "balance cases %s. They must not appear in any published output." % (ANNA_EMAIL, ANNA_PHONE, fmt(anna_ids)))
    lines.append("- **(e) internal note marker** `%s` is in an internal note (`note: true`) of case %s. "
                 "It must never be published. Cases with internal notes: %s." % (NOTE_MARKER, fmt(note_ids), fmt(all_notes)))
    lines.append("- **(f) regulation marker** `%s` is in `regulations/01-povtornaya-otpravka.md` "
                 "(front matter `audience: internal`)." % REG_MARKER)
    lines.append("- other (kind `other`): cases %s." % fmt(ids(lambda l: l["kind"] == "other" and l["case_id"] in valid)))
    lines.append("")
    lines.append("Dates use Omnidesk's format (`Mon, 05 May 2025 00:15:17 +0300`); `closed_at` and "
                 "`last_response_at` of the open case are `\"-\"`, as in the real API.")
    lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Summary + main
# --------------------------------------------------------------------------------------

def summary(name, built, records):
    valid = {r["case_id"] for r in records if r["status"] == "closed" and not r["deleted"] and not r["spam"]}
    kinds, topics = {}, {}
    for cid, c in built:
        l = label_record(cid, c)
        if cid not in valid:
            continue
        kinds[l["kind"]] = kinds.get(l["kind"], 0) + 1
        topics[l["topic"]] = topics.get(l["topic"], 0) + 1
    print("%s: %d cases, %d closed/valid; kinds: %s" % (
        name, len(records), len(valid), ", ".join("%s=%d" % (k, kinds[k]) for k in sorted(kinds))))
    print("  topics (%d): %s" % (len(topics), ", ".join("%s=%d" % (k, topics[k]) for k in sorted(topics))))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--small", action="store_true", help="write only the e2e fixture tests/fixtures/demo-small/")
    ap.add_argument("--all", action="store_true", help="write the full demo, the small fixture and the classify set")
    ap.add_argument("--classify", action="store_true", help="write only tests/fixtures/classify/labelled.jsonl")
    ap.add_argument("--out", type=Path, default=REPO_ROOT, help="base directory (default: the repository root)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    base = args.out
    if args.all or args.classify:
        rows = generate_classify(base)
        if not args.quiet:
            print("classify: %d labelled tickets" % len(rows))
        if args.classify:
            return 0
    if args.all or not args.small:
        built, records = generate_full(base)
        if not args.quiet:
            summary("examples", built, records)
    if args.all or args.small:
        built, records = generate_small(base)
        if not args.quiet:
            summary("demo-small", built, records)
    return 0


if __name__ == "__main__":
    sys.exit(main())
