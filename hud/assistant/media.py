"""On-device services: phrasebook translation as subtitles, meeting notes, music from local files.

Why these three: they need no server (a bundled phrasebook, the microphone, files on the
glasses), so they are what still works offline.
"""

from __future__ import annotations

import re

from hud import events as ev
from hud.assistant.plan import Request, Steps, answer, in_sequence
from hud.assistant.records import Phrase, Track
from hud.wrap import is_cjk

_PUNCT = re.compile(r"[\s.,!?;:'\"“”‘’。，！？；：、…]+")
_SENTENCE = re.compile(r"[^.!?。！？]+[.!?。！？]*")
_TARGET = re.compile(r"\s+(?:into|to|in)\s+(?:chinese|mandarin|english)$|^(?:成|为)?(?:英文|英语|中文|汉语)[\s:：,，]*",
                     re.IGNORECASE)
_ANY_MUSIC = re.compile(r"^(?:some|me|a|the)?\s*(?:music|songs?|something|a song)?$|^(?:一?首|点)?(?:音乐|歌)?$",
                        re.IGNORECASE)


def phrase_key(text: str) -> str:
    """Words compared without case, punctuation or (for Chinese) spaces: '谢 谢！' == '谢谢'."""
    key = _PUNCT.sub(" ", text).strip().casefold()
    return key.replace(" ", "") if any(is_cjk(c) for c in key) else key


def _lookup(phrases: tuple[Phrase, ...], text: str) -> str | None:
    """The subtitle for one phrase (the phrase, then its translation on a line of its own), or None."""
    key = phrase_key(text)
    for p in phrases:
        if key == phrase_key(p.zh):
            return f"{p.zh}\n→ {p.en}"
        if key == phrase_key(p.en):
            return f"{p.en}\n→ {p.zh}" + (f" ({p.pinyin})" if p.pinyin else "")
    return None


def translate(req: Request) -> Steps:
    """The phrase (or each of its sentences) as a subtitle; with no phrase, live subtitles of a conversation."""
    phrase = _TARGET.sub("", req.arg).strip()
    if not phrase:
        lines = [c.pick(req.lang) for c in req.data.conversation]
        intro = req.say("Live translation: 中文 → English", "实时翻译：English → 中文")
        return in_sequence([intro, *lines])
    whole = _lookup(req.data.phrases, phrase)
    parts = [phrase] if whole else [s.strip() for s in _SENTENCE.findall(phrase) if phrase_key(s)]
    lines = []
    for part in parts:
        line = _lookup(req.data.phrases, part)
        lines.append(line or req.say(f"I don't have that phrase offline: “{part}”", f"离线词库里没有这句：“{part}”"))
    return in_sequence(lines)


def notes(req: Request) -> Steps:
    """A recording card for the whole meeting, and each bundled note as a caption when it is said."""
    meeting = req.data.meeting
    title = meeting.title.pick(req.lang)
    intro = req.say("Recording. I'll note the key points.", "开始录音，我会记下要点。")
    points = [f"• {n.text.pick(req.lang)}" for n in meeting.notes]
    saved = req.say(f"Notes saved: {len(points)} points from “{title}”.", f"已保存“{title}”的 {len(points)} 条要点。")
    ats = [n.at for n in meeting.notes]
    captions = in_sequence([intro, *points, saved], earliest=[0.0, *ats, ats[-1]])
    stopped = captions[-1][0]  # recording ends when the notes are saved
    card = ev.Notify(app=req.say("Notes", "笔记"), title=req.say("● REC Meeting notes", "● REC 会议记录"),
                     body=title, duration=round(max(stopped, 1.0), 3))
    return [(0.0, card), *captions]


def _find_track(tracks: tuple[Track, ...], query: str) -> Track | None:
    q = query.casefold()
    for t in tracks:
        names = (t.title.casefold(), t.artist.casefold())
        if any(n in q for n in names) or (len(q) >= 2 and any(q in n for n in names)):
            return t
    return None


def music(req: Request) -> Steps:
    query = re.sub(r"^(?:some|me|my|the)\s+", "", req.arg.strip(), flags=re.IGNORECASE)
    if _ANY_MUSIC.match(query):
        track: Track | None = req.data.tracks[0]
    else:
        track = _find_track(req.data.tracks, query)
    if track is None:
        return answer(req.say(f"I can't find “{query}” in the music on your glasses.",
                              f"眼镜里的音乐中没有找到“{query}”。"))
    card = ev.Notify(app=req.say("Now playing", "正在播放"), title=track.title,
                     body=" · ".join(x for x in (track.artist, track.album, track.length) if x))
    text = req.say(f"Playing “{track.title}” by {track.artist}.", f"正在播放 {track.artist} 的《{track.title}》。")
    return [(0.0, card), *answer(text, hold=3.0)]

