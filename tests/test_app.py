"""The demo window's keys and drawing, driven with synthetic key events on SDL's dummy driver."""

from __future__ import annotations

import pytest
from conftest import ROOT

from hud.app import KEYS, DemoWindow
from hud.device import load_device
from hud.output import load_png
from hud.pg import pygame
from hud.session import Options, Session


@pytest.fixture
def demo(tmp_path):
    session = Session.open(Options(background="scene", view=(320, 180)))
    window = DemoWindow(session, screenshots=tmp_path / "shots")
    yield window
    session.close()


def press(demo: DemoWindow, key: int) -> None:
    demo.handle(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))


def test_space_pauses_and_right_steps(demo) -> None:
    demo.update(0.1)
    press(demo, pygame.K_SPACE)
    demo.update(0.2)
    assert demo.session.now == pytest.approx(0.1)
    press(demo, pygame.K_RIGHT)
    assert demo.session.now == pytest.approx(1.1)
    press(demo, pygame.K_SPACE)
    demo.update(0.2)
    assert demo.session.now == pytest.approx(1.3)


def test_restart_help_and_quit(demo) -> None:
    demo.session.seek(20)
    press(demo, pygame.K_r)
    assert demo.session.now == 0
    press(demo, pygame.K_h)
    assert demo.show_help
    press(demo, pygame.K_ESCAPE)
    assert not demo.running


def test_enter_taps_to_confirm_a_payment(demo) -> None:
    demo.session.seek(41.0)
    assert demo.session.state.pay.phase == "awaiting"
    press(demo, pygame.K_RETURN)
    assert demo.session.state.pay.phase == "verifying"
    assert demo.session.state.pay.confirmed_by == "tap"


def test_screenshot_equals_shot_output(demo, tmp_path) -> None:
    from hud.cli import main

    demo.session.seek(16.0)
    path = demo.save_screenshot()
    assert main(["shot", "--at", "16", "--out", str(tmp_path / "shot.png"), "--size", "320x180"]) == 0
    saved, shot = load_png(path), load_png(tmp_path / "shot.png")
    assert pygame.image.tobytes(saved, "RGB") == pygame.image.tobytes(shot, "RGB")


def test_draw_letterboxes_into_any_window_size(demo) -> None:
    window = pygame.Surface((500, 500), depth=32)
    demo.show_help = True
    demo.draw(window)
    assert window.get_at((250, 5))[:3] == (0, 0, 0)  # letterbox bar above the 16:9 picture
    assert window.get_at((250, 250))[:3] != (0, 0, 0)


def test_loops_after_the_scenario_ends(demo) -> None:
    demo.session.seek(demo.session.scenario.duration + 1.9)
    demo.update(0.2)
    assert demo.session.now < 1.0


def test_d_cycles_devices_keeping_the_moment(demo) -> None:
    demo.session.seek(16.0)
    before = demo.session.state
    press(demo, pygame.K_d)
    assert demo.session.device.name != "generic"
    assert demo.session.now == 16.0 and demo.session.state == before
    assert demo.session.render_panel().get_size() == demo.session.device.panel


def test_o_toggles_optics(demo) -> None:
    assert demo.session.optics
    press(demo, pygame.K_o)
    assert not demo.session.optics
    press(demo, pygame.K_o)
    assert demo.session.optics


def test_e_shows_both_eyes_and_i_marks_illegible_text(demo) -> None:
    demo.session = demo.session.rebuilt(device=load_device("brilliant-frame"))
    demo.session.seek(16.0)
    press(demo, pygame.K_e)
    press(demo, pygame.K_i)
    window = pygame.Surface((640, 180), depth=32)
    demo.draw(window)  # a 1000-nit right-eye display in daylight: red boxes on the right eye only
    red = pygame.surfarray.array3d(window)
    marks = (red[..., 0] == 255) & (red[..., 1] == 60)
    assert marks[320:].any() and not marks[:320].any()


def test_typed_request_goes_to_the_assistant(demo) -> None:
    press(demo, pygame.K_l)  # long press: the assistant listens and the input line opens
    assert demo.voice.active and demo.session.state.caption.mode == "listening"
    for text in ("navigate to ", "West Lake"):
        demo.handle(pygame.event.Event(pygame.TEXTINPUT, text=text))
    press(demo, pygame.K_RETURN)
    assert not demo.voice.active
    assert demo.session.state.caption.heard == "navigate to West Lake"
    demo.update(0.25)
    for _ in range(20):
        demo.update(0.25)
    assert demo.session.state.nav is not None and demo.session.state.nav.street


def test_gaze_dwell_confirms_a_waiting_payment(demo) -> None:
    window = pygame.Surface((320, 180), depth=32)
    demo.session.seek(41.0)
    demo.draw(window)
    box = demo.session.compositor.rect
    rect = next(r for s, r in demo.session.panel.rects if s.kind == "payment")
    scale = box.width / demo.session.device.panel[0]
    demo.pointer = (round(box.x + rect.centerx * scale), round(box.y + rect.centery * scale))
    demo.update(0.25)
    assert demo.session.state.pay.phase == "awaiting"
    for _ in range(4):
        demo.update(0.25)
    assert demo.session.state.pay.phase == "verifying" and demo.session.state.pay.confirmed_by == "gaze"


def test_v_cycles_views_and_screenshots_are_numbered(demo) -> None:
    press(demo, pygame.K_v)
    assert demo.view == "panel"
    window = pygame.Surface((640, 480), depth=32)
    press(demo, pygame.K_f)
    demo.draw(window)  # the panel view, sharp, with the frame-time overlay
    first, second = demo.save_screenshot(), demo.save_screenshot()
    assert (first.name, second.name) == ("hud-0001.png", "hud-0002.png")
    from hud.output import load_png

    assert load_png(first).get_size() == demo.session.device.panel
    press(demo, pygame.K_v)
    press(demo, pygame.K_v)
    assert demo.view == "composite"
    press(demo, pygame.K_F11)  # no fullscreen on the dummy driver: said, not raised


def test_a_broken_live_edit_shows_a_banner_and_keeps_the_last_good_layout(tmp_path) -> None:
    import os
    import shutil

    from hud.hotreload import HotReload, session_files

    layout = tmp_path / "mine.yaml"
    shutil.copy(ROOT / "layouts" / "default.yaml", layout)
    session = Session.open(Options(layout=str(layout), background="scene", view=(320, 180)))
    demo = DemoWindow(session, screenshots=tmp_path)
    demo.hot = HotReload(lambda: session_files(demo.session), interval=0.0)
    demo.hot.poll(0.0)
    before = pygame.image.tobytes(demo.session.render_panel(), "RGB")
    layout.write_text(layout.read_text().replace("font_size: 20", "font_size: huge", 1))
    os.utime(layout, (1e9, 1e9))
    demo.update(0.0)
    assert "mine.yaml:" in demo.hot.error and "expected an integer for 'font_size'" in demo.hot.error
    assert pygame.image.tobytes(demo.session.render_panel(), "RGB") == before
    window = pygame.Surface((640, 360), depth=32)
    demo.draw(window)
    assert window.get_at((30, 60))[0] > 100  # the red band
    session.close()


def test_k_records_the_stretch_as_a_gif(demo, tmp_path) -> None:
    from PIL import Image

    demo.recordings = tmp_path / "rec"
    demo.session.seek(10.0)
    press(demo, pygame.K_k)
    demo.session.gesture("tap")
    demo.session.seek(11.0)
    press(demo, pygame.K_k)
    (gif,) = (tmp_path / "rec").glob("hud-*.gif")
    with Image.open(gif) as image:
        assert image.n_frames == 12 and image.size == (320, 180)


def test_z_toggles_between_the_view_and_the_cameras_whole_picture(demo) -> None:
    demo.session.seek(16)
    assert demo.session.view_fov == 50.0
    narrow = demo.session.compositor.rect
    press(demo, pygame.K_z)
    assert demo.session.view_fov == 70.0 and demo.session.now == 16
    assert demo.session.compositor.rect.width < narrow.width  # the display is smaller in the camera's picture
    press(demo, pygame.K_z)
    assert demo.session.view_fov == 50.0 and demo.session.compositor.rect == narrow
    assert ("Z", "view: the screen's field of view / the camera's whole picture") in KEYS


def test_n_switches_the_street_between_day_and_night(demo, capsys) -> None:
    from hud.background.scene import StreetScene

    demo.session.seek(16)
    day = demo.session.render_background().copy()
    press(demo, pygame.K_n)
    assert isinstance(demo.session.background, StreetScene) and demo.session.background.night
    night = demo.session.render_background()
    assert pygame.transform.average_color(night)[:3] < pygame.transform.average_color(day)[:3]
    press(demo, pygame.K_n)
    assert isinstance(demo.session.background, StreetScene) and not demo.session.background.night
    assert ("N", "the built-in street by night / by day") in KEYS


def test_n_says_why_it_does_nothing_over_another_background(demo, tmp_path, capsys) -> None:
    from hud.background.image import ImageBackground
    from hud.output import save_png

    picture = save_png(pygame.Surface((64, 36)), tmp_path / "p.png")
    demo.session.background = ImageBackground(str(picture))
    press(demo, pygame.K_n)
    assert "N switches the built-in street" in capsys.readouterr().err
    assert isinstance(demo.session.background, ImageBackground)
