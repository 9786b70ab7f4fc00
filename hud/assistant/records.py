"""The assistant's bundled data as typed records, one per kind of thing a stub service knows.

Why frozen dataclasses: services and plans only read them, and a plan built from them must not
change if someone mutates the data afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """Words shown to the wearer, in English and Chinese (the reply follows the request's language)."""

    en: str
    zh: str

    def pick(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class Step:
    """In `distance` metres (from the previous maneuver), do `maneuver` onto `street`."""

    maneuver: str
    distance: float
    street: Text
    exit: int | None = None


@dataclass(frozen=True)
class Route:
    names: tuple[str, ...]  # what the wearer may call the destination
    destination: Text
    speed: float  # walking speed, m/s
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Merchant:
    names: tuple[str, ...]
    name: str
    amount: float
    currency: str
    outcome: str = "success"
    reason: str = ""


@dataclass(frozen=True)
class ShopPrice:
    shop: Text
    price: float


@dataclass(frozen=True)
class Product:
    names: tuple[str, ...]
    name: Text
    currency: str
    shops: tuple[ShopPrice, ...]
    ean: tuple[str, ...] = ()  # EAN-13 codes on the product's packaging (the camera reads them)


@dataclass(frozen=True)
class Flight:
    number: str
    to: Text
    boards: str
    gate: str
    status: Text
    leave_by: str


@dataclass(frozen=True)
class Phrase:
    en: str
    zh: str
    pinyin: str


@dataclass(frozen=True)
class Note:
    at: float  # seconds after recording starts
    text: Text


@dataclass(frozen=True)
class Meeting:
    title: Text
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Track:
    title: str
    artist: str
    album: str
    length: str


@dataclass(frozen=True)
class Weather:
    place: Text
    condition: Text
    temp_c: int
    high_c: int
    low_c: int
    advice: Text


@dataclass(frozen=True)
class Fact:
    keywords: tuple[str, ...]
    answer: Text


@dataclass(frozen=True)
class AssistantData:
    routes: tuple[Route, ...]
    merchants: tuple[Merchant, ...]
    products: tuple[Product, ...]
    flights: tuple[Flight, ...]
    phrases: tuple[Phrase, ...]
    conversation: tuple[Text, ...]
    meeting: Meeting
    tracks: tuple[Track, ...]
    weather: Weather
    facts: tuple[Fact, ...]
