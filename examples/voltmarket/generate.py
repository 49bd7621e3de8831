#!/usr/bin/env python3
"""Writes the «ВольтМаркет» labelled desk: tickets.jsonl (kbforge's generic JSONL export) and
labels.jsonl (the intent of every ticket), from the intents written by hand in intents/*.json.

What the intents hold is the content: each customer's question, each agent's answer (paraphrases by
different agents, never one pasted template), the needs-action dialogue. What this script adds is what
a real desk wraps around it: greetings and sign-offs on both sides, e-mail signatures and quoted
earlier mail, messenger and chat habits, personal data (names, phones, e-mails, order numbers), a
customer's "спасибо" after the answer and the agent's closing line after that, internal notes,
empty requests and tickets that are no question at all.

Stdlib only, fixed seed: the output is the same byte for byte on every run.

    python3 examples/voltmarket/generate.py            # rewrites tickets.jsonl and labels.jsonl
    python3 examples/voltmarket/generate.py --check    # fails if they are not what it would write
"""

import datetime as dt
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20251203
PARTS = ["orders", "delivery", "returns", "service", "account", "store"]
PLACEHOLDERS = ["order", "phone", "email", "date", "amount", "card4", "request", "time"]

F_NAMES = ["Анна", "Мария", "Елена", "Ольга", "Наталья", "Ирина", "Татьяна", "Светлана", "Екатерина", "Юлия",
           "Анастасия", "Дарья", "Ксения", "Виктория", "Алина", "Полина", "Марина", "Людмила", "Галина", "Вера"]
M_NAMES = ["Иван", "Алексей", "Дмитрий", "Сергей", "Андрей", "Михаил", "Николай", "Павел", "Артём", "Роман",
           "Денис", "Максим", "Егор", "Илья", "Кирилл", "Олег", "Виктор", "Юрий", "Степан", "Тимур"]
SURNAMES = ["Петров", "Иванов", "Смирнов", "Кузнецов", "Соколов", "Попов", "Лебедев", "Козлов", "Новиков",
            "Морозов", "Волков", "Алексеев", "Семёнов", "Егоров", "Павлов", "Захаров", "Борисов", "Фролов"]
MAIL_DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "list.ru", "inbox.ru", "rambler.ru"]
TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
                     "t", "u", "f", "h", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya"]))
AGENTS = [("Мария", "Кравцова"), ("Дмитрий", "Ершов"), ("Екатерина", "Лисицына"), ("Артём", "Белов"),
          ("Ольга", "Миронова"), ("Никита", "Шубин"), ("Алёна", "Гусева"), ("Руслан", "Ахметов")]

CUSTOMER_GREETINGS = ["Здравствуйте!", "Здравствуйте.", "Добрый день!", "Добрый день.", "Добрый вечер!",
                      "Доброе утро!", "Привет!", "Здравствуйте,", "Добрый день, подскажите,"]
STAFF_GREETINGS = ["Здравствуйте, {name}!", "Добрый день, {name}!", "{name}, здравствуйте!", "Здравствуйте!",
                   "Добрый день!", "{name}, добрый день.", "Добрый вечер, {name}!"]
STAFF_OPENERS = ["Спасибо за обращение.", "Спасибо, что написали нам.", "Благодарим за вопрос.", "",
                 "", "", "", ""]
STAFF_SIGNOFFS_MAIL = ["С уважением,\n{agent}\nСлужба поддержки ВольтМаркет\n8 800 700-10-10",
                       "С уважением, {agent}, служба поддержки ВольтМаркет",
                       "Хорошего дня!\n{agent}, ВольтМаркет",
                       "Если останутся вопросы — пишите, будем рады помочь.\n\nС уважением,\nспециалист поддержки {agent}",
                       "--\n{agent}\nВольтМаркет | voltmarket.ru"]
STAFF_SIGNOFFS_CHAT = ["", "", "Хорошего дня!", "Обращайтесь!", "Если будут вопросы — пишите)", "Оператор {first}"]
THANKS = ["Спасибо!", "спасибо большое", "Благодарю!", "Ок, спасибо", "спс", "Понятно, спасибо за ответ",
          "Спасибо, разобралась", "спасибо, помогли", "👍"]
CLOSINGS = ["Рады были помочь! Хорошего дня.", "Обращайтесь, всегда рады помочь!", "Пожалуйста! Хорошего вечера.",
            "Рады помочь 🙂", "Всего доброго!"]
NUDGES = ["алло", "вы тут?", "??", "жду ответа", "ау"]
EMPTY_OPENINGS = ["Здравствуйте", "Здравствуйте!", "Добрый день", "помогите пожалуйста", "у меня вопрос",
                  "Алло", "Добрый вечер, можно вопрос?", "Здравствуйте, подскажите пожалуйста", "хелп", "?"]
EMPTY_ASKS = ["Здравствуйте! Подскажите, пожалуйста, что случилось? Опишите ваш вопрос, и мы поможем.",
              "Добрый день! Уточните, пожалуйста, ваш вопрос — с радостью поможем.",
              "Здравствуйте! Слушаем вас: напишите, пожалуйста, чем можем помочь. Если вопрос по заказу — пришлите его номер."]
EMPTY_AFTER = ["уже не надо, разобралась", "Всё, нашёл, спасибо", "ой, не туда написала", "Уже не актуально"]
EMPTY_CLOSE = "Так как мы не получили ответа, закрываем обращение. Если вопрос остался — просто напишите нам."
OTHER_ITEMS = [
    ("other/thanks", "Хочу сказать спасибо курьеру Алексею, привёз холодильник вовремя, аккуратно поднял на этаж. Передайте ему благодарность!",
     "Спасибо за тёплый отзыв! Обязательно передадим благодарность курьеру и его руководителю."),
    ("other/thanks", "Спасибо вашему магазину на Ленинском, консультант очень помог выбрать ноутбук дочке",
     "Спасибо, что нашли время написать! Передали ваш отзыв директору магазина."),
    ("other/thanks", "Огромное спасибо поддержке, вопрос с возвратом решили за один день. Буду покупать ещё",
     "Спасибо за отзыв, нам очень приятно! Рады, что всё получилось."),
    ("other/partnership", "Мы производитель кабелей и зарядных устройств, хотим стать вашим поставщиком. Кому направить коммерческое предложение?",
     "Спасибо за интерес к сотрудничеству! Предложения для отдела закупок направьте, пожалуйста, на purchase@voltmarket.ru — коллеги рассмотрят и свяжутся с вами."),
    ("other/partnership", "Предлагаем размещение рекламы в нашем телеграм-канале о гаджетах, 120 тыс. подписчиков. Прайс во вложении",
     "Спасибо за предложение! Передали его в отдел маркетинга."),
    ("other/job", "Хочу работать у вас продавцом-консультантом в Самаре, куда отправить резюме?",
     "Спасибо за интерес к ВольтМаркету! Открытые вакансии опубликованы на voltmarket.ru/career, резюме направьте, пожалуйста, через форму на этой странице."),
    ("other/job", "Есть ли вакансии курьеров? Есть своя газель",
     "Спасибо за интерес! Вакансии курьеров опубликованы на voltmarket.ru/career — откликнуться можно там же."),
    ("other/spam", "Выгодные кредиты для бизнеса без залога!!! Звоните {phone}", ""),
    ("other/spam", "Раскрутка сайтов в ТОП-10 Яндекса за 2 недели. Гарантия результата. Пишите {email}", ""),
    ("other/test", "тест", "Тестовое обращение, закрываем."),
    ("other/feedback", "Сделайте, пожалуйста, в приложении тёмную тему, вечером глаза режет",
     "Спасибо за идею! Передали её команде приложения — такие пожелания учитываются при планировании обновлений."),
    ("other/feedback", "Неудобный новый фильтр в каталоге, раньше было лучше. Верните старый",
     "Спасибо, что поделились мнением! Передали ваш отзыв команде сайта."),
]
NOTES = ["Проверил(а) в CRM: заказов с проблемами у клиента нет, ответ по шаблону статьи.",
         "Клиент уже писал на прошлой неделе, ответили тем же. Если напишет ещё раз — передать старшему смены.",
         "Внутр.: ссылка в макросе устарела, поправила вручную. Задача на обновление макроса SUP-{n}.",
         "Позвонила клиенту по {phone}, всё объяснила голосом, дублирую письменно."]
ACTION_NOTES = ["Сделано в админке: https://admin.voltmarket.local/orders/{order}. Согласовано со старшим смены.",
                "Внутр.: клиент VIP (Золото), решили без ожидания. Комментарий в CRM оставлен.",
                "Проверила в 1С: платёж прошёл, статус поправила вручную, тикет на разработку DEV-{n}.",
                "Через складскую систему: заказ {order}, склад Подольск. Курьерская служба уведомлена."]


def translit(s):
    return "".join(TRANSLIT.get(c, c) for c in s.lower())


class Person:
    def __init__(self, rng):
        female = rng.random() < 0.55
        self.first = rng.choice(F_NAMES if female else M_NAMES)
        last = rng.choice(SURNAMES)
        self.last = last + ("а" if female and last.endswith(("ов", "ев", "ин", "ёв")) else "")
        user = rng.choice(["%s.%s" % (translit(self.first), translit(self.last)), "%s%d" % (translit(self.first), rng.randint(1, 99)),
                           "%s_%s" % (translit(self.last), rng.randint(1970, 2005))])
        self.email = "%s@%s" % (user, rng.choice(MAIL_DOMAINS))
        self.phone = rng.choice(["+7 9%02d %03d-%02d-%02d", "8 (9%02d) %03d-%02d-%02d", "+79%02d%03d%02d%02d", "89%02d%03d%02d%02d"]) % (
            rng.randint(0, 99), rng.randint(0, 999), rng.randint(0, 99), rng.randint(0, 99))
        self.sig = rng.choice(["full", "full1", "dash", "phone", "iphone", "mailru", "name", "", "", ""])

    def signature(self):
        return {
            "full": "С уважением,\n%s %s" % (self.first, self.last),
            "full1": "С уважением, %s %s" % (self.first, self.last),
            "dash": "--\n%s" % self.first,
            "phone": "%s %s\n%s" % (self.first, self.last, self.phone),
            "iphone": "Отправлено с iPhone",
            "mailru": "Отправлено из мобильной Почты Mail.ru",
            "name": self.first,
        }.get(self.sig, "")


def values(rng, person, when):
    """Fake values for the placeholders of one ticket."""
    day = when + dt.timedelta(days=rng.randint(1, 6))
    return {
        "order": rng.choice(["%d-%04d", "VM-%d%04d", "%d%04d"]) % (rng.randint(10, 99), rng.randint(0, 9999)),
        "phone": person.phone,
        "email": person.email,
        "date": "%02d.%02d.%d" % (day.day, day.month, day.year),
        "amount": "{:,}".format(rng.choice([1290, 2490, 3990, 5490, 7990, 12990, 18990, 24990, 32990, 45990, 64990, 89990])).replace(",", " "),
        "card4": "%04d" % rng.randint(0, 9999),
        "request": "R-%06d" % rng.randint(0, 999999),
        "time": rng.choice(["9:00–13:00", "13:00–17:00", "17:00–21:00"]),
    }


def fill(text, vals):
    for key in PLACEHOLDERS:
        text = text.replace("{%s}" % key, vals[key])
    return text


def quote_header(rng, when, name, addr):
    months = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"]
    style = rng.choice(["gmail", "yandex", "mailru", "apple"])
    hm = "%02d:%02d" % (when.hour, when.minute)
    if style == "gmail":
        return "%d %s %d г. в %s, %s <%s>:" % (when.day, months[when.month - 1], when.year, hm, name, addr)
    if style == "yandex":
        return '%02d.%02d.%d, %s, "%s" <%s>:' % (when.day, when.month, when.year, hm, name, addr)
    if style == "mailru":
        return "%02d.%02d.%d %s, %s <%s> пишет:" % (when.day, when.month, when.year, hm, name, addr)
    return "%d %s %d г., в %s, %s <%s> написал(а):" % (when.day, months[when.month - 1], when.year, hm, name, addr)


def quoted(rng, when, text):
    header = quote_header(rng, when - dt.timedelta(days=rng.randint(1, 20)), "ВольтМаркет", "noreply@voltmarket.ru")
    return header + "\n\n" + "\n".join("> " + line if line else ">" for line in text.split("\n"))


def customer_text(rng, person, channel, question, first=True):
    parts = []
    if first and rng.random() < (0.75 if channel == "email" else 0.45):
        greeting = rng.choice(CUSTOMER_GREETINGS)
        if greeting.endswith(","):
            question = question[0].lower() + question[1:] if question[:1].isupper() else question
            parts.append(greeting + " " + question)
        else:
            parts.append(greeting + ("\n\n" if channel == "email" and rng.random() < 0.5 else " ") + question)
    else:
        parts.append(question)
    if channel == "email" and person.signature():
        parts.append(person.signature())
    return "\n\n".join(parts)


def staff_text(rng, person, channel, agent, core):
    parts = []
    if rng.random() < (0.95 if channel == "email" else 0.7):
        parts.append(rng.choice(STAFF_GREETINGS).format(name=person.first))
    opener = rng.choice(STAFF_OPENERS)
    if opener:
        parts.append(opener)
    parts.append(core)
    signoffs = STAFF_SIGNOFFS_MAIL if channel == "email" else STAFF_SIGNOFFS_CHAT
    signoff = rng.choice(signoffs).format(agent="%s %s" % agent, first=agent[0])
    if signoff:
        parts.append(signoff)
    sep = "\n\n" if channel == "email" else "\n"
    if channel != "email" and len(parts) > 1 and rng.random() < 0.5:
        # Chat agents often put the greeting on the same line.
        return parts[0] + " " + sep.join(parts[1:])
    return sep.join(parts)


def load_intents():
    intents = []
    for part in PARTS:
        path = HERE / "intents" / ("%s.json" % part)
        data = json.loads(path.read_text(encoding="utf-8"))
        for intent in data["intents"]:
            intent["part"] = part
            intents.append(intent)
    by_id = {i["id"]: i for i in intents}
    for intent in intents:
        shared = intent.get("shared_answer")
        if shared:
            intent["answers"] = by_id[shared]["answers"]
        assert 2 <= len(intent["questions"]) <= 8, intent["id"]
        assert intent["answers"], intent["id"]
    return intents


def build():
    rng = random.Random(SEED)
    intents = load_intents()
    start = dt.datetime(2025, 3, 1, 9, 0)
    jobs = []  # (kind, intent or item, index)
    for intent in intents:
        for k in range(len(intent["questions"])):
            jobs.append(("intent", intent, k))
    for k in range(26):
        jobs.append(("empty", None, k))
    for k, item in enumerate(OTHER_ITEMS):
        jobs.append(("other", item, k))
    rng.shuffle(jobs)
    tickets, labels = [], []
    # Each intent's agents start from a different answer, so one intent's tickets get different paraphrases.
    offsets = {i["id"]: rng.randrange(len(i["answers"])) for i in intents}
    for n, (what, item, k) in enumerate(jobs):
        tid = "vm-%05d" % (n + 1)
        when = start + dt.timedelta(minutes=n * 397 + rng.randint(0, 300))
        person = Person(rng)
        channel = rng.choices(["email", "chat", "telegram"], [45, 35, 20])[0]
        agent = rng.choice(AGENTS)
        t = when
        messages = []

        def say(author, body, internal=False, minutes=(3, 180)):
            nonlocal t
            t = t + dt.timedelta(minutes=rng.randint(*minutes))
            messages.append({"author": author, "internal": internal, "body": body, "created_at": t.isoformat() + "+03:00"})

        subject = ""
        if what == "intent":
            intent = item
            vals = values(rng, person, when)
            question = fill(intent["questions"][k], vals)
            body = customer_text(rng, person, channel, question)
            if channel == "email" and rng.random() < 0.25:
                body += "\n\n" + quoted(rng, when, rng.choice([
                    "Ваш заказ %s принят. Спасибо за покупку в ВольтМаркете!" % vals["order"],
                    "Спасибо за обращение! Номер вашего обращения %d. Мы ответим в ближайшее время." % rng.randint(100000, 999999),
                    "Скидки недели в ВольтМаркете: до −30% на технику для кухни. Отписаться от рассылки можно в личном кабинете."]))
            messages.append({"author": "customer", "internal": False, "body": body, "created_at": t.isoformat() + "+03:00"})
            subject = intent["title"] if rng.random() < 0.4 else rng.choice(["Вопрос", "Без темы", "Помогите", intent["topic"], "Заказ " + vals["order"]])
            if channel != "email" and rng.random() < 0.15:
                say("customer", rng.choice(NUDGES), minutes=(2, 10))
            answer_i = (offsets[intent["id"]] + k) % len(intent["answers"])
            core = fill(intent["answers"][answer_i], vals)
            if intent["kind"] == "needs-action":
                if intent.get("ask") and rng.random() < 0.6:
                    say("staff", staff_text(rng, person, channel, agent, fill(rng.choice(intent["ask"]), vals)))
                    say("customer", fill(rng.choice(intent.get("provide") or ["{order}"]), vals))
                if rng.random() < 0.6:
                    say("staff", fill(rng.choice(ACTION_NOTES), dict(vals, n=str(rng.randint(100, 999)))).replace("{n}", str(rng.randint(100, 999))), internal=True, minutes=(1, 20))
            elif rng.random() < 0.15:
                say("staff", fill(rng.choice(NOTES), vals).replace("{n}", str(rng.randint(100, 999))), internal=True, minutes=(1, 20))
            say("staff", staff_text(rng, person, channel, agent, core))
            if rng.random() < 0.3:
                say("customer", rng.choice(THANKS))
                if rng.random() < 0.5:
                    say("staff", rng.choice(CLOSINGS), minutes=(1, 30))
            labels.append({"id": tid, "intent": intent["id"], "kind": intent["kind"], "topic": intent["topic"], "title": intent["title"]})
            tags = [intent["topic"].lower()] if rng.random() < 0.5 else []
        elif what == "empty":
            say("customer", rng.choice(EMPTY_OPENINGS), minutes=(0, 0))
            say("staff", rng.choice(EMPTY_ASKS))
            if rng.random() < 0.4:
                say("customer", rng.choice(EMPTY_AFTER))
            else:
                say("staff", EMPTY_CLOSE, minutes=(1440, 2880))
            labels.append({"id": tid, "intent": "empty", "kind": "empty", "topic": "", "title": ""})
            tags = []
            subject = "Без темы"
        else:
            intent_id, text, reply = item
            vals = values(rng, person, when)
            say("customer", customer_text(rng, person, channel, fill(text, vals)), minutes=(0, 0))
            if reply:
                say("staff", staff_text(rng, person, channel, agent, reply))
            labels.append({"id": tid, "intent": intent_id, "kind": "other", "topic": "", "title": ""})
            tags = []
            subject = "Без темы"
        tickets.append(record(rng, tid, subject, when, t, channel, tags, messages))
    unfinished(intents, when, tickets, labels)
    return tickets, labels


def record(rng, tid, subject, when, t, channel, tags, messages):
    return {
        "id": tid,
        "subject": subject,
        "status": "closed",
        "created_at": when.isoformat() + "+03:00",
        "updated_at": t.isoformat() + "+03:00",
        "channel": channel,
        "language": "ru",
        "tags": tags,
        "rating": rng.choice([None, None, "high", "high", "normal", "low"]),
        "messages": messages,
    }


def unfinished(intents, last, tickets, labels):
    """Requests that needed an action where the agent asked for the details and the customer never
    wrote again (a third closed for silence a day or two later): the last public reply asks for the
    details and answers nothing. One for each needs-action intent that asks and has fewer than 8
    tickets (the desk keeps 2-8 an intent), from a generator of their own and after the rest, so
    the tickets above stay as they were."""
    rng = random.Random(SEED + 1)
    asking = [i for i in intents if i["kind"] == "needs-action" and i.get("ask") and len(i["questions"]) < 8]
    for m, intent in enumerate(asking):
        tid = "vm-%05d" % (len(tickets) + 1)
        when = last + dt.timedelta(minutes=(m + 1) * 397 + rng.randint(0, 300))
        person = Person(rng)
        channel = rng.choices(["email", "chat", "telegram"], [45, 35, 20])[0]
        agent = rng.choice(AGENTS)
        vals = values(rng, person, when)
        t = when + dt.timedelta(minutes=rng.randint(3, 180))
        messages = [
            {"author": "customer", "internal": False, "body": customer_text(rng, person, channel, fill(rng.choice(intent["questions"]), vals)), "created_at": when.isoformat() + "+03:00"},
            {"author": "staff", "internal": False, "body": staff_text(rng, person, channel, agent, fill(rng.choice(intent["ask"]), vals)), "created_at": t.isoformat() + "+03:00"},
        ]
        if rng.random() < 1 / 3:
            t = t + dt.timedelta(minutes=rng.randint(1440, 2880))
            messages.append({"author": "staff", "internal": False, "body": EMPTY_CLOSE, "created_at": t.isoformat() + "+03:00"})
        labels.append({"id": tid, "intent": intent["id"], "kind": intent["kind"], "topic": intent["topic"], "title": intent["title"]})
        tickets.append(record(rng, tid, intent["title"] if rng.random() < 0.4 else "Вопрос", when, t, channel, [], messages))


def main():
    tickets, labels = build()
    out = {
        HERE / "tickets.jsonl": "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tickets),
        HERE / "labels.jsonl": "".join(json.dumps(l, ensure_ascii=False) + "\n" for l in labels),
    }
    if "--check" in sys.argv:
        stale = [p.name for p, text in out.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            sys.exit("out of date: %s (run python3 examples/voltmarket/generate.py)" % ", ".join(stale))
        return
    for path, text in out.items():
        path.write_text(text, encoding="utf-8")
    kinds = {}
    for l in labels:
        kinds[l["kind"]] = kinds.get(l["kind"], 0) + 1
    intents = {l["intent"] for l in labels if l["kind"] in ("flat", "needs-action")}
    print("%d tickets, %d intents, by kind %s" % (len(tickets), len(intents), kinds))


if __name__ == "__main__":
    main()
