"""The Even Hub simulator's automation API, served by hud: a script written for the simulator drives hud.

Even Realities' Even Hub simulator (`evenhub-simulator --automation-port 9898`) lets scripts and
agents take screenshots of the glasses, read the console and press the touchpad over HTTP. hud
serves the same paths with the same replies (`--automation-port`), so those scripts run unmodified
against hud's display, layouts and devices. See README "Automate it like the Even Hub simulator".

    server   the HTTP server beside the frame loop      routes   what each path answers
    desk     requests handed to the frame loop          guard    loopback, Host and Origin checks
    glasses  the panel as the simulator's RGBA PNG      inputs   touchpad actions -> hud gestures
    console  hud's log as the simulator's console buffer
"""
