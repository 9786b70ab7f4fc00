"""MentraOS on hud: its apps' display messages as hud events (`layouts`, `bmp`), and an emulated
MentraOS cloud that real `@mentra/sdk` apps connect to (`cloud`).

Why a translation and not a second renderer: MentraOS's layouts are already hud's card vocabulary
(`hud.events.ShowCard`), so an app's display_event becomes the same typed, validated, recordable
events a scenario or a push client produces, and it renders, replays and fuzzes like them.
"""
