"""The stub assistant: each intent in English and Chinese gives the right events at the right times."""

from __future__ import annotations

from itertools import pairwise

import pytest

from hud import events as ev
from hud.assistant import NETWORKS, ON_DEVICE_SECONDS, WORDS_SECONDS, Assistant, intents
from hud.assistant.plan import CPS
from hud.assistant.rules import match
from hud.state import HudState, apply, settle

NOW = 10.0
HEARD = NOW + WORDS_SECONDS  # when the assistant starts thinking


@pytest.fixture(scope="module")
def typical() -> Assistant:
    return Assistant("typical")


@pytest.fixture(scope="module")
def offline() -> Assistant:
    return Assistant("offline")


def of(plan: list[ev.Timed], kind: type[ev.Event]) -> list[ev.Timed]:
    return [t for t in plan if isinstance(t.event, kind)]


def answers(plan: list[ev.Timed]) -> list[str]:
    return [t.event.text for t in of(plan, ev.Answer)]  # type: ignore[attr-defined]


def run(plan: list[ev.Timed], until: float, state: HudState | None = None) -> HudState:
    """The HUD state at `until` after the plan's events, applied in order as a session would."""
    state = state or HudState()
    for timed in plan:
        if timed.at <= until:
            state = apply(state, timed.event, timed.at)
    return settle(state, until)


# -- the API ------------------------------------------------------------------------------------
def test_networks_are_the_documented_round_trips() -> None:
    assert NETWORKS == {"fast": 1.0, "typical": 3.0, "slow": 7.0, "offline": None}


def test_unknown_network_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown network '5g' \(expected one of: fast, typical, slow, offline\)"):
        Assistant("5g")


def test_walk_speed_must_be_positive() -> None:
    with pytest.raises(ValueError, match="walk_speed must be a positive number"):
        Assistant(walk_speed=0)


@pytest.mark.parametrize(("network", "thinking"), [("fast", 1.0), ("typical", 3.0), ("slow", 7.0),
                                                   ("offline", ON_DEVICE_SECONDS)])
def test_say_then_think_then_the_answer_after_the_round_trip(network: str, thinking: float) -> None:
    plan = Assistant(network).respond("what time is it", NOW)
    assert plan[0] == ev.Timed(NOW, ev.Say(text="what time is it"))
    assert plan[1] == ev.Timed(HEARD, ev.Think())
    assert [t.at for t in of(plan, ev.Answer)] == [pytest.approx(HEARD + thinking)]
    assert all(t.at >= HEARD + thinking - 1e-9 for t in plan[2:])


@pytest.mark.parametrize(("network", "thinking"), [("fast", 1.0), ("typical", 3.0), ("slow", 7.0)])
def test_the_caption_thinks_for_the_whole_round_trip(network: str, thinking: float) -> None:
    plan = Assistant(network).respond("navigate to West Lake", NOW)
    assert run(plan, HEARD + thinking - 0.01).caption.mode == "thinking"
    state = run(plan, HEARD + thinking + 0.5)
    assert state.caption.mode == "answering"
    assert state.nav is not None


def test_plans_are_deterministic_and_in_time_order(typical: Assistant) -> None:
    for _name, example in intents():
        for text in example.split(" / "):
            plan = typical.respond(text, NOW)
            assert plan == Assistant("typical").respond(text, NOW), text
            assert [t.at for t in plan] == sorted(t.at for t in plan), text


def test_intents_list_names_and_bilingual_examples_that_really_match() -> None:
    listed = intents()
    names = [name for name, _ in listed]
    assert names == ["payment_reply", "help", "translation", "notes", "navigation", "payment", "prices", "flight",
                     "music", "weather", "time", "question"]
    for name, example in listed:
        en, zh = example.split(" / ")
        assert match(en).intent.name == name and match(en).lang == "en", en
        assert match(zh).intent.name == name and match(zh).lang == "zh", zh


# -- navigation -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "where", "first_street", "km"), [
    ("navigate to West Lake", "West Lake", "Yan'an Road", "1.1 km"),
    ("Hey assistant, how do I get to West Lake?", "West Lake", "Yan'an Road", "1.1 km"),
    ("导航到西湖", "西湖", "延安路", "1.1 公里"),
    ("去西湖怎么走", "西湖", "延安路", "1.1 公里"),
])
def test_navigation_answers_and_starts_the_route(typical: Assistant, text: str, where: str, first_street: str,
                                                 km: str) -> None:
    plan = typical.respond(text, NOW)
    first = answers(plan)[0]
    assert first.startswith(where) and km in first
    steps = of(plan, ev.Navigate)
    assert [s.event.maneuver for s in steps] == ["straight", "right", "left", "arrive"]  # type: ignore[attr-defined]
    assert steps[0].at == pytest.approx(HEARD + 3.0)
    assert steps[0].event == ev.Navigate(maneuver="straight", distance=300, street=first_street, eta=12.74,
                                         speed=1.4)
    assert steps[-1].event.street == where  # type: ignore[attr-defined]


def test_each_step_comes_when_the_previous_distance_is_walked(typical: Assistant) -> None:
    plan = typical.respond("take me to Blue Bottle", NOW)
    steps = of(plan, ev.Navigate)
    assert len(steps) == 4
    for before, after in pairwise(steps):
        walked = before.event.distance / before.event.speed  # type: ignore[attr-defined]
        assert after.at == pytest.approx(before.at + walked, abs=1e-3)
    roundabout = steps[2].event
    assert roundabout.maneuver == "roundabout" and roundabout.exit == 2  # type: ignore[attr-defined]
    etas = [s.event.eta for s in steps]  # type: ignore[attr-defined]
    assert etas == sorted(etas, reverse=True)
    arrived = steps[-1].at + 25 / 1.4
    assert answers(plan)[-1] == "You have arrived at Blue Bottle Coffee."
    assert of(plan, ev.Answer)[-1].at == pytest.approx(arrived, abs=1e-3)
    assert of(plan, ev.NavEnd)[0].at == pytest.approx(arrived + 5.0, abs=1e-3)


def test_the_distance_falls_as_the_wearer_walks_and_navigation_ends(typical: Assistant) -> None:
    plan = typical.respond("navigate to West Lake", NOW)
    start = HEARD + 3.0
    early, later = run(plan, start + 10), run(plan, start + 100)
    assert early.nav is not None and later.nav is not None
    assert early.nav.distance_at(start + 10) == pytest.approx(300 - 14)
    assert later.nav.distance_at(start + 100) == pytest.approx(300 - 140)
    turn = run(plan, start + 300 / 1.4 + 1)
    assert turn.nav is not None and turn.nav.maneuver == "right" and turn.nav.street == "Pinghai Road"
    end = of(plan, ev.NavEnd)[0].at
    assert run(plan, end - 1).nav is not None
    assert run(plan, end).nav is None


def test_walk_speed_time_lapses_the_walk_but_not_the_eta() -> None:
    plan = Assistant("fast", walk_speed=9.0).respond("take me to Blue Bottle", 0.0)
    steps = of(plan, ev.Navigate)
    assert {s.event.speed for s in steps} == {9.0}  # type: ignore[attr-defined]
    assert steps[0].event.eta == 5.0  # type: ignore[attr-defined]  # 420 m at 1.4 m/s
    assert of(plan, ev.NavEnd)[0].at == pytest.approx(WORDS_SECONDS + 1.0 + 420 / 9.0 + 5.0, abs=1e-3)


@pytest.mark.parametrize(("text", "expected"), [
    ("navigate to Mars", "I don't have a route to “Mars” yet. Try West Lake / Blue Bottle Coffee / Hefang Street."),
    ("导航", "去哪里？我知道去西湖 / 蓝瓶咖啡 / 河坊街的路线。"),
])
def test_unknown_destinations_are_said_plainly(typical: Assistant, text: str, expected: str) -> None:
    plan = typical.respond(text, NOW)
    assert answers(plan) == [expected]
    assert not of(plan, ev.Navigate)


# -- payment --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "words"), [("pay", "Say “confirm”"), ("scan the QR code", "Say “confirm”"),
                                             ("付款", "说“确认”"), ("扫码支付", "说“确认”")])
def test_payment_opens_the_prompt_for_the_code_in_view(typical: Assistant, text: str, words: str) -> None:
    plan = typical.respond(text, NOW)
    (detect,) = of(plan, ev.PayDetect)
    assert detect.at == pytest.approx(HEARD + 3.0)
    assert detect.event == ev.PayDetect(merchant="Blue Bottle Coffee", amount=32.0, currency="CNY", timeout=15.0,
                                        verify_seconds=2.0)
    assert "¥32.00" in answers(plan)[0] and words in answers(plan)[0]
    assert run(plan, HEARD + 5).pay.phase == "awaiting"  # type: ignore[union-attr]


@pytest.mark.parametrize("reply", ["confirm", "确认"])
def test_the_wearer_confirms_by_voice_and_the_payment_succeeds(typical: Assistant, reply: str) -> None:
    plan = typical.respond("pay", NOW)
    state = run(plan, HEARD + 6)
    confirm = typical.respond(reply, HEARD + 6)
    assert confirm == [ev.Timed(HEARD + 6, ev.Say(text=reply))]  # the prompt's state machine takes it from here
    state = run(confirm, HEARD + 6, state)
    assert state.pay is not None and state.pay.phase == "verifying" and state.pay.confirmed_by == "voice"
    done = settle(state, HEARD + 8.5)
    assert done.pay is not None and done.pay.phase == "success"


def test_a_named_merchant_is_paid_and_its_failure_shown(typical: Assistant) -> None:
    plan = typical.respond("pay at Zhiweiguan", NOW)
    assert of(plan, ev.PayDetect)[0].event.merchant == "Zhiweiguan"  # type: ignore[attr-defined]
    state = apply(run(plan, HEARD + 5), ev.Gesture(kind="tap"), HEARD + 5)
    failed = settle(state, HEARD + 7.5)
    assert failed.pay is not None and failed.pay.phase == "failed" and failed.pay.reason == "card declined"


def test_cancel_cancels_the_prompt(typical: Assistant) -> None:
    state = run(typical.respond("扫码支付", NOW), HEARD + 5)
    state = run(typical.respond("取消", HEARD + 5), HEARD + 5, state)
    assert state.pay is not None and state.pay.phase == "cancelled"


# -- prices ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "app", "shops", "said"), [
    ("compare prices for AirPods", "Prices · AirPods Pro 2", ["Pinduoduo ¥1,469", "JD.com ¥1,499", "Tmall ¥1,549"],
     "cheapest at Pinduoduo, ¥1,469 (4 shops compared)"),
    ("AirPods 多少钱", "比价 · AirPods Pro 2", ["拼多多 ¥1,469", "京东 ¥1,499", "天猫 ¥1,549"], "拼多多最便宜，¥1,469"),
    ("比价 咖啡豆", "比价 · 云南咖啡豆 500 克", ["京东 ¥59.90", "盒马 ¥68", "蓝瓶咖啡 ¥128"], "京东最便宜"),
])
def test_prices_card_lists_three_shops_cheapest_first(typical: Assistant, text: str, app: str, shops: list[str],
                                                      said: str) -> None:
    plan = typical.respond(text, NOW)
    (card,) = of(plan, ev.Notify)
    assert card.at == pytest.approx(HEARD + 3.0)
    note = card.event
    assert note.app == app  # type: ignore[attr-defined]
    assert [note.title, *note.body.split("\n")] == shops  # type: ignore[attr-defined]
    assert said in answers(plan)[0]


def test_unknown_product_has_no_card(typical: Assistant) -> None:
    plan = typical.respond("how much is a unicorn?", NOW)
    assert answers(plan) == ["I don't have prices for “unicorn” yet."]
    assert not of(plan, ev.Notify)


# -- flight ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "app", "title", "said"), [
    ("my flight", "Flight", "CA1705 to Beijing boards 10:15", "boards at 10:15 from gate B12"),
    ("When does my flight board?", "Flight", "CA1705 to Beijing boards 10:15", "Leave by 09:20"),
    ("我的航班", "航班", "CA1705 飞往北京 10:15 登机", "10:15 在 B12 登机口登机"),
    ("flight MU5137", "Flight", "MU5137 to Shanghai boards 18:40", "delayed 20 min"),
])
def test_flight_reminder_is_an_urgent_card_and_an_answer(typical: Assistant, text: str, app: str, title: str,
                                                         said: str) -> None:
    plan = typical.respond(text, NOW)
    (card,) = of(plan, ev.Notify)
    assert card.event.urgent and card.event.app == app and card.event.title == title  # type: ignore[attr-defined]
    assert said in answers(plan)[0]
    shown = run(plan, HEARD + 4).notes.current
    assert shown is not None and shown.urgent


# -- translation ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "subtitle"), [
    ("翻译 谢谢", "谢谢\n→ Thank you"),
    ("translate thank you", "Thank you\n→ 谢谢 (xièxie)"),
    ("How do you say thank you in Chinese?", "Thank you\n→ 谢谢 (xièxie)"),
    ("谢谢用英文怎么说", "谢谢\n→ Thank you"),
    ("翻译：地铁站在哪里？", "地铁站在哪里？\n→ Where is the subway?"),
])
def test_translation_from_the_phrasebook(typical: Assistant, text: str, subtitle: str) -> None:
    assert answers(typical.respond(text, NOW)) == [subtitle]


@pytest.mark.parametrize(("text", "honest"), [
    ("translate good night", "I don't have that phrase offline: “good night”"),
    ("翻译 晚安", "离线词库里没有这句：“晚安”"),
])
def test_unknown_phrase_is_admitted(typical: Assistant, text: str, honest: str) -> None:
    assert answers(typical.respond(text, NOW)) == [honest]


def test_sentences_become_subtitles_in_sequence_each_readable(typical: Assistant) -> None:
    plan = typical.respond("translate thank you. where is the toilet? I love you", NOW)
    said = of(plan, ev.Answer)
    assert [t.event.text for t in said] == [  # type: ignore[attr-defined]
        "Thank you\n→ 谢谢 (xièxie)", "Where is the toilet?\n→ 洗手间在哪里？ (xǐshǒujiān zài nǎlǐ?)",
        "I don't have that phrase offline: “I love you”"]
    for before, after in pairwise(said):
        assert after.at >= before.at + len(before.event.text) / CPS + 1.0  # type: ignore[attr-defined]


@pytest.mark.parametrize(("text", "lines"), [
    ("translate", ["Live translation: 中文 → English", "Hello, welcome!", "What would you like to drink?",
                   "Lattes are half price for the second cup today.", "Please scan this QR code to pay."]),
    ("翻译", ["实时翻译：English → 中文", "你好，欢迎光临！", "您想喝点什么？", "今天拿铁第二杯半价。",
             "请扫这个二维码付款。"]),
])
def test_translate_alone_shows_live_subtitles(typical: Assistant, text: str, lines: list[str]) -> None:
    plan = typical.respond(text, NOW)
    assert answers(plan) == lines
    times = [t.at for t in of(plan, ev.Answer)]
    assert times[0] == HEARD + 3.0 and times == sorted(set(times))


# -- meeting notes --------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "title", "first_note"), [
    ("take notes", "● REC Meeting notes", "• Ship the G2 layout by Friday"),
    ("record this meeting", "● REC Meeting notes", "• Ship the G2 layout by Friday"),
    ("会议记录", "● REC 会议记录", "• 周五前交付 G2 布局"),
])
def test_meeting_notes_record_and_stream(typical: Assistant, text: str, title: str, first_note: str) -> None:
    plan = typical.respond(text, NOW)
    (card,) = of(plan, ev.Notify)
    assert card.event.title == title and card.at == pytest.approx(HEARD + 3.0)  # type: ignore[attr-defined]
    said = of(plan, ev.Answer)
    assert len(said) == 6  # intro, four notes, saved
    assert said[1].event.text == first_note  # type: ignore[attr-defined]
    for note, offset in zip(said[1:5], (6, 14, 22, 30), strict=True):
        assert note.at >= HEARD + 3.0 + offset
    saved = said[-1]
    assert "4" in saved.event.text  # type: ignore[attr-defined]
    # The REC card stays up for the whole recording, until the notes are saved.
    assert card.at + card.event.duration == pytest.approx(saved.at, abs=1e-3)  # type: ignore[attr-defined]
    mid = run(plan, said[3].at + 0.5)
    assert mid.notes.current is not None and mid.notes.current.title == title


# -- music ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "app", "title", "body"), [
    ("play music", "Now playing", "Blue in Green", "Miles Davis · Kind of Blue · 5:37"),
    ("播放音乐", "正在播放", "Blue in Green", "Miles Davis · Kind of Blue · 5:37"),
    ("play Clair de Lune", "Now playing", "Clair de Lune", "Claude Debussy · Suite bergamasque · 5:04"),
    ("播放邓丽君的歌", "正在播放", "月亮代表我的心", "邓丽君 · 3:29"),
])
def test_music_shows_now_playing(typical: Assistant, text: str, app: str, title: str, body: str) -> None:
    plan = typical.respond(text, NOW)
    (card,) = of(plan, ev.Notify)
    assert (card.event.app, card.event.title, card.event.body) == (app, title, body)  # type: ignore[attr-defined]
    assert title in answers(plan)[0]


def test_music_not_on_the_glasses_is_said(typical: Assistant) -> None:
    plan = typical.respond("play some jazz", NOW)
    assert answers(plan) == ["I can't find “jazz” in the music on your glasses."]
    assert not of(plan, ev.Notify)


# -- questions ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("what's the weather", "Hangzhou now: partly cloudy, 18°C (high 21°, low 15°). No umbrella needed."),
    ("今天天气怎么样", "杭州现在多云，18°C（最高 21°，最低 15°）。不用带伞。"),
    ("how tall is Mount Everest", "Mount Everest is 8,849 m tall."),
    ("珠穆朗玛峰有多高", "珠穆朗玛峰高 8848.86 米。"),
    ("who won the 1998 world cup?", "I don't know that one yet."),
    ("谁是火星总统？", "这个我还不知道。"),
])
def test_canned_answers_and_honest_unknowns(typical: Assistant, text: str, expected: str) -> None:
    assert answers(typical.respond(text, NOW)) == [expected]


@pytest.mark.parametrize(("text", "expected"), [("what time is it", "It's 10:00."), ("现在几点", "现在是 10:00。")])
def test_time_is_the_glasses_clock_when_the_answer_appears(text: str, expected: str) -> None:
    assistant = Assistant("fast", day_start=9 * 3600 + 59 * 60 + 58)  # 09:59:58 at clock 0
    assert answers(assistant.respond(text, 1.0)) == [expected]  # answered at 10:00:00
    assert answers(assistant.respond(text, 0.0)) == [expected.replace("10:00", "09:59")]


# -- fallback and help ----------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "start"), [("sing me a lullaby", "Sorry, I can't help with that yet.\nTry: "),
                                             ("给我讲个笑话", "抱歉，这个我还帮不上。\n试试：")])
def test_unknown_requests_get_a_clear_fallback(typical: Assistant, text: str, start: str) -> None:
    plan = typical.respond(text, NOW)
    assert [type(t.event) for t in plan] == [ev.Say, ev.Think, ev.Answer]
    (said,) = answers(plan)
    assert said.startswith(start)
    assert ("navigate, pay, translate" in said) or ("导航、付款、翻译" in said)


def test_nothing_heard(typical: Assistant) -> None:
    assert answers(typical.respond("  ", NOW)) == ["I didn't catch that."]


def test_help_lists_what_works(typical: Assistant, offline: Assistant) -> None:
    assert answers(typical.respond("what can you do", NOW))[0].startswith("Try: navigate, pay, translate")
    assert answers(offline.respond("help", NOW)) == [
        "Offline I can help with: translation, meeting notes, music, time."]


# -- offline --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "refusal"), [
    ("navigate to West Lake", "Offline: navigation needs the network."),
    ("pay", "Offline: payment needs the network."),
    ("compare prices for AirPods", "Offline: price comparison needs the network."),
    ("my flight", "Offline: flight info needs the network."),
    ("what's the weather", "Offline: weather needs the network."),
    ("how tall is Mount Everest", "Offline: question answering needs the network."),
    ("导航到西湖", "离线：导航需要联网。"),
    ("扫码支付", "离线：付款需要联网。"),
])
def test_offline_refuses_network_intents_and_says_so(offline: Assistant, text: str, refusal: str) -> None:
    plan = offline.respond(text, NOW)
    assert [type(t.event) for t in plan] == [ev.Say, ev.Think, ev.Answer]
    assert plan[2].at == pytest.approx(HEARD + ON_DEVICE_SECONDS)
    first, still = plan[2].event.text.split("\n")  # type: ignore[attr-defined]
    assert first == refusal
    assert "translation" in still or "翻译" in still
    state = run(plan, HEARD + 2)
    assert state.nav is None and state.pay is None and state.notes.current is None


@pytest.mark.parametrize(("text", "kind"), [("翻译 谢谢", ev.Answer), ("take notes", ev.Notify),
                                            ("播放音乐", ev.Notify), ("what time is it", ev.Answer)])
def test_offline_still_serves_on_device_intents(offline: Assistant, text: str, kind: type[ev.Event]) -> None:
    plan = offline.respond(text, NOW)
    assert of(plan, kind)[0].at == pytest.approx(HEARD + ON_DEVICE_SECONDS)
    assert not any("Offline" in a or "离线：" in a for a in answers(plan))


def test_offline_fallback_only_offers_what_works(offline: Assistant) -> None:
    (said,) = answers(offline.respond("sing me a lullaby", NOW))
    assert said.endswith("Try: translate, notes, music.")


# -- every plan on the HUD ------------------------------------------------------------------------
REQUESTS = [text for _, example in intents() for text in example.split(" / ")] + [
    "take me to Blue Bottle", "pay at Zhiweiguan", "translate", "sing me a lullaby", ""]


@pytest.mark.parametrize("network", list(NETWORKS))
def test_every_plan_applies_cleanly(network: str) -> None:
    assistant = Assistant(network)
    for text in REQUESTS:
        plan = assistant.respond(text, NOW)
        if match(text).intent.name == "payment_reply":
            assert plan == [ev.Timed(NOW, ev.Say(text=text))]
            continue
        state = HudState()
        for timed in plan:
            state = apply(state, timed.event, timed.at)
        state = settle(state, plan[-1].at + 60)
        assert state.caption.mode == "idle", text  # every caption finishes and goes away
        assert state.nav is None, text  # a route ends with NavEnd
        said = of(plan, ev.Answer)
        assert said, text
        for before, after in pairwise(said):  # no caption is cut off mid-stream
            assert after.at >= before.at + len(before.event.text) / CPS, text  # type: ignore[attr-defined]
