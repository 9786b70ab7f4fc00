"""The HUD's state, one module per thing on the display; each holds data and pure transitions."""
