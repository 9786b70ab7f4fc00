"""Codes the camera sees: QR payment codes and EAN-13 product codes read from the background.

`decode` reads them from a frame (zxing-cpp), `payload` says what a code's text asks for (or why
it is refused), `watcher` follows them over time and triggers the assistant when the wearer's gaze
rests on one. README "The camera".
"""
