"""Items in Russian and Turkish, the rest: every refusal a chair or the secretariat can meet on the
item commands, the deadline line of a card for each kind of deadline, the Istanbul steps verbatim,
and the demo run in Russian. No English sentence but the steps, the deadline phrases as agreed and
the names of parties, people and meetings."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.limits import MESSAGE_TEXT_LIMIT
from core.seed import NEXT_STEPS, PARTIES
from tests.e2e.harness import BotWorld
from tests.e2e.test_demo import run_demo
from tests.e2e.test_languages import _join
from tests.english import assert_no_english

PARTY_NAMES = [name for name, _ in PARTIES]
# names and agreed texts the bot never translates: parties, people, meetings, the Istanbul phrases
NAMES = [
    *PARTY_NAMES,
    *(step[2] for step in NEXT_STEPS),
    "Ivan",
    "Ayşe",
    "Ada Secretariat",
    "32nd Senior Officials Meeting",
    "33rd Senior Officials Meeting",
]
NNBSP = "\u202f"  # Babel writes "2027\u202fг."


def _deadline_line(text: str) -> str:
    (line,) = [line for line in text.splitlines() if line.startswith("⏰")]
    return line


def _fits(text: str) -> None:
    assert len(text.encode("utf-16-le")) // 2 <= MESSAGE_TEXT_LIMIT


async def test_a_russian_chairs_refusals_are_russian(world: BotWorld) -> None:
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    replies = {
        "/status 5 finished": "«finished» — не статус. Допустимые статусы:",
        "/item 9999": "Пункта #9999 нет. Список: /items.",
        "/item abc": "«abc» — не номер пункта. Список: /items.",
        "/status 1 done": "Вы не можете изменить #1: ответственные — Chairmanship (Türkiye).",
        "/note 1 Согласовано": "Вы не можете добавлять заметки к #1: ответственные — Chairmanship (Türkiye).",
        "/status 5 dropped": "Присвоить пункту статус «",
        "/due 5 someday soon": "Менять срок может только секретариат.",
        "/add Visit Ankara | owner: Sweden": "Добавлять пункты может только секретариат.",
        "/note 5 " + "x" * 1001: "Заметка: слишком длинный текст — 1001 зн. (не более 1000).",
        "/note 5 ": "Заметка пуста. /note N текст заметки",
    }
    for command, russian in replies.items():
        reply = await world.client.ask(ivan, command)
        assert reply.text.startswith(russian), (command, reply.text)
        assert_no_english(reply.text, verbatim=[*NAMES, "finished", "abc"])
    # the status word in the refusal is the one the card shows
    dropped = await world.client.ask(ivan, "/status 5 dropped")
    card = await world.card(ivan, 5)
    assert "только секретариат" in dropped.text and "Only" not in dropped.text
    assert card.text.startswith("#5 · ⚪ открыт")


async def test_the_secretariats_item_errors_in_russian(world: BotWorld) -> None:
    await world.client.ask(world.admin, "/lang ru")
    replies = {
        "/due 5 someday soon": "Не удалось понять «someday soon» как срок. Попробуйте, например: 2023-03-31",
        "/due 5 31 February 2027": "«31 February 2027» — несуществующая дата.",
        "/due 5 2 months before the next meeting": "Укажите срок «2 months before the next meeting»",
        "/add": "Формат: /add текст | сторона: Швеция, Пакистан | срок: 31 марта 2023",
        "/add | owner: Sweden": "Каков следующий шаг? /add текст | сторона: Швеция | срок: март 2023",
        "/add Visit Ankara": "Кто отвечает? Добавьте «| сторона: Швеция, Пакистан».",
        "/add Visit Ankara | owner: Atlantis": "Неизвестные стороны: Atlantis. Известные: Chairmanship",
        "/add Visit Ankara | owner: Sweden | when: May": "Не понимаю «when: May». Формат: /add текст",
        "/add Visit Ankara | owner: " + ", ".join(["Sweden"] * 21): "Слишком много ответственных сторон: 21",
    }
    for command, russian in replies.items():
        reply = await world.client.ask(world.admin, command)
        assert reply.text.startswith(russian), (command, reply.text)
        phrase = command.partition(" 5 ")[2]
        assert_no_english(reply.text, verbatim=[*NAMES, phrase, "Atlantis", "when: May"])
        _fits(reply.text)
    # /add's fields may be named in Russian (or Turkish) too
    added = await world.client.ask(
        world.admin, "/add Визит в Анкару | сторона: Sweden | срок: через 2 недели"
    )
    assert added.text.startswith("➕") and "Визит в Анкару" in added.text, added.text
    added = await world.client.ask(
        world.admin, "/add Ankara ziyareti | taraf: Sweden | son tarih: 2 hafta sonra"
    )
    assert added.text.startswith("➕") and "Ankara ziyareti" in added.text, added.text
    # the examples the refusal offers are read as deadlines
    for example in ["31 марта 2023", "I квартал 2024", "начало 2023", "до следующего совещания"]:
        moved = await world.client.ask(world.admin, f"/due 5 {example}")
        assert f"\n⏰ {example}" in moved.text, moved.text
    weeks = await world.client.ask(world.admin, "/due 5 за 6 недель до следующего совещания")
    assert f"⏰ за 6 недель до следующего совещания (до 9 декабря 2026{NNBSP}г.)" in weeks.text


# (the phrase the secretariat types, the deadline line a Russian chair reads)
RUSSIAN_LINES = [
    ("31 March 2027", f"⏰ 31 March 2027 (до 31 марта 2027{NNBSP}г.)"),  # a day: its date in Russian
    ("2027-03-31", f"⏰ 2027-03-31 (до 31 марта 2027{NNBSP}г.)"),
    ("до 31 марта 2027", "⏰ до 31 марта 2027"),  # already says the day in Russian: not repeated
    ("March 2027", f"⏰ March 2027 (до 31 марта 2027{NNBSP}г.)"),  # a month
    ("early 2023", f"⏰ early 2023 (до 30 апреля 2023{NNBSP}г.) · ⚠️ просрочен на "),  # part of a year
    ("Q3 2027", f"⏰ Q3 2027 (до 30 сентября 2027{NNBSP}г.)"),  # a quarter
    ("2027", f"⏰ 2027 (до 31 декабря 2027{NNBSP}г.)"),  # a year
    ("before the next meeting", f"⏰ до следующего совещания (до 6 января 2027{NNBSP}г.)"),  # the bot's words
    ("конец 2027 года", f"⏰ конец 2027 года (до 31 декабря 2027{NNBSP}г.)"),
    ("TBD", "⏰ TBD (без срока)"),
]


async def test_the_deadline_line_in_russian_for_every_kind_of_deadline(world: BotWorld) -> None:
    # on the real clock (a fake clock's jump would let the re-plan send an "I was offline" note)
    ivan = await _join(world, "Ivan", "Sweden", "ru")
    for number, (phrase, line) in enumerate(RUSSIAN_LINES):
        await world.client.ask(world.admin, f"/due 5 {phrase}")
        card = await world.card(ivan, 5)
        if number == 0:  # the history tells the change from the bot's default in Russian
            assert "Ada Secretariat: ⏰ до следующего совещания → 31 March 2027" in card.text
        shown = _deadline_line(card.text)
        assert shown.startswith(line), (phrase, shown)
        verbatim = NAMES if phrase == "before the next meeting" else [*NAMES, phrase]
        assert_no_english(shown, verbatim=verbatim)
        # the history's "⏰ old → new" line: the phrases as written, the bot's own words in Russian
        assert_no_english(
            card.text, verbatim=[*NAMES, NEXT_STEPS[4][0], phrase, *(p for p, _ in RUSSIAN_LINES)]
        )
        _fits(card.text)


@pytest.mark.parametrize(
    ("phrase", "line"),
    [
        ("31 March 2027", "⏰ 31 March 2027 (31 Mart 2027 tarihine kadar)"),
        ("before the next meeting", "⏰ bir sonraki toplantıdan önce (6 Ocak 2027 tarihine kadar)"),
    ],
)
async def test_the_deadline_line_in_turkish(world: BotWorld, phrase: str, line: str) -> None:
    ayse = await _join(world, "Ayşe", "Chairmanship", "tr")
    await world.client.ask(world.admin, f"/due 4 {phrase}")
    card = await world.card(ayse, 4)
    assert _deadline_line(card.text).startswith(line)
    assert_no_english(card.text, verbatim=[*NAMES, NEXT_STEPS[3][0], phrase, NEXT_STEPS[3][2]])


async def test_turkish_refusals(world: BotWorld) -> None:
    ayse = await _join(world, "Ayşe", "Chairmanship", "tr")
    replies = {
        "/item 9999": "#9999 numaralı madde yok. Liste: /items.",
        "/status 5 dropped": "Bir maddeyi “",
        "/add Visit Ankara | owner: Sweden": "Madde eklemeyi yalnızca sekretarya yapabilir.",
        "/due 1 someday": "Son tarihi yalnızca sekretarya değiştirebilir.",
    }
    for command, turkish in replies.items():
        reply = await world.client.ask(ayse, command)
        assert reply.text.startswith(turkish), (command, reply.text)
        assert_no_english(reply.text, verbatim=NAMES)
    await world.client.ask(world.admin, "/lang tr")
    unreadable = await world.client.ask(world.admin, "/due 5 someday soon")
    assert unreadable.text.startswith("“someday soon” bir son tarih olarak okunamadı.")
    assert_no_english(unreadable.text, verbatim=["someday soon"])
    moved = await world.client.ask(world.admin, "/due 5 bir sonraki toplantıdan 6 hafta önce")
    assert "⏰ bir sonraki toplantıdan 6 hafta önce (9 Aralık 2026 tarihine kadar)" in moved.text


@pytest.mark.parametrize("language", ["ru", "tr"])
async def test_the_istanbul_steps_verbatim(world: BotWorld, language: str) -> None:
    reader = await _join(world, "Ivan" if language == "ru" else "Ayşe", "Sweden", language)
    for number, (text, _, phrase) in enumerate(NEXT_STEPS, start=1):
        card = await world.card(reader, number)
        assert f"\n{text}\n" in card.text  # as agreed, character for character
        assert_no_english(card.text, verbatim=[*NAMES, text, phrase, "32nd Senior Officials Meeting"])
        _fits(card.text)
    listing = "\n".join(m.text for m in await world.client.say(reader, "/items all"))
    for text, _, _ in NEXT_STEPS:
        assert text[:60] in listing


# never translated: the demo people's names and keys, its parties and meetings, names of things
DEMO_WORDS = [
    *("Ada", "Sven", "Tarık", "Parveen", "Olga", "Sam", "ada", "tarik", "sven", "parveen", "olga", "sam"),
    *("Reference Group — Sweden", "Reference Group — Pakistan", "Co-Chair (Hungary)", "nobody"),
    *("33rd Senior Officials Meeting", "32nd Senior Officials Meeting", "Istanbul, Türkiye"),
    *("Bot API", "NextSteps", "README", "nextsteps run", "Ctrl-D", "done", "token"),
]


def test_the_demo_in_russian(tmp_path: Path) -> None:
    script = "\n".join(
        [":reply too early", ":who", "/item 5", "9", ":as nobody", ":as sven", "/items", ":quit"]
    )
    db = str(tmp_path / "demo.db")
    result = run_demo(tmp_path, "demo", "--db", db, script=script, env={"NEXTSTEPS_DEMO_LANG": "ru"})
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert out.startswith("Демонстрация NextSteps — настоящий бот и локальный эмулятор Telegram\n")
    assert f"часы демонстрации показывают\nпонедельник, 13 февраля 2023{NNBSP}г." in out
    assert f"33-е совещание — 10 мая 2023{NNBSP}г.\n" in out  # no second full stop after "г."
    assert (
        "Пишите как в Telegram:" in out
        and "Вы — Ada, секретариат (администратор). Попробуйте /items all" in out
    )
    assert "sven     Sven     председатель, Reference Group — Sweden" in out
    assert "#5 · 🔵 в работе" in out  # the bot itself answers the demo people in Russian
    assert f"⏰ до следующего совещания (до 26 апреля 2023{NNBSP}г.)" in out
    assert (
        "Пока не на что отвечать." in out
        and "Такой кнопки нет." in out
        and "Никого по имени «nobody» нет." in out
    )
    assert "Теперь вы — Sven, председатель, Reference Group — Sweden." in out
    assert "Открытые пункты вашей стороны (1)" in out
    assert out.rstrip().endswith("(см. README).")
    step_texts = [text for text, _, _ in NEXT_STEPS]
    notes = [
        "Letters sent",
        "Meeting with the Chairmanship",
        "Waiting for",
        "Two of the four",
        "No objections",
    ]
    for line in out.splitlines():
        if any(text[:30] in line for text in step_texts) or any(n in line for n in notes):
            continue  # the steps and the notes as written
        assert_no_english(line, verbatim=[*PARTY_NAMES, *DEMO_WORDS, str(tmp_path)])
    assert "Traceback" not in result.stderr
