"""How the screens fit the till's screen: one scale, from the screen's available height,
for the style sheet's sizes (fonts, buttons) and the few sizes the code sets itself.

A 1024×768 screen is the base (scale 1); a 1920×1080 one draws everything about 1.4×
larger, so text stays readable at arm's length and a finger's target grows with the
screen. Smaller screens keep the base: a touch target never shrinks below it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QApplication

BASE_HEIGHT = 768  # px of available height drawn at scale 1
MAX_SCALE = 2.0
# Sizes of this many pixels or fewer are lines (borders, radii), not text or targets.
THIN_PX = 4
_PIXELS = re.compile(r"(?<![\w.#-])(\d+)px")
SCALE_PROPERTY = "uiScale"
SCREEN_PROPERTY = "uiScreen"


def scale_for(available: QSize) -> float:
    """The screens' scale on a screen of `available` size (its work area)."""
    return round(min(MAX_SCALE, max(1.0, available.height() / BASE_HEIGHT)), 2)


def scaled_style_sheet(text: str, scale: float) -> str:
    """The style sheet with its sizes in pixels multiplied by `scale` (lines kept)."""
    def scaled(match: re.Match[str]) -> str:
        pixels = int(match.group(1))
        return f"{pixels if pixels <= THIN_PX else round(pixels * scale)}px"

    return _PIXELS.sub(scaled, text)


def fit_screen(app: QApplication, style_sheet: str, available: QSize | None = None) -> float:
    """Style `app` for its screen (or for a screen of `available` size: screenshots and
    layout tests simulate one); returns the scale, which `px` reads afterwards."""
    if available is None:
        screen = app.primaryScreen()
        available = screen.availableGeometry().size() if screen is not None else QSize(
            1024, BASE_HEIGHT)
    scale = scale_for(available)
    app.setProperty(SCALE_PROPERTY, scale)
    app.setProperty(SCREEN_PROPERTY, available)
    app.setStyleSheet(scaled_style_sheet(style_sheet, scale))
    return scale


def ui_scale() -> float:
    app = QApplication.instance()
    value = app.property(SCALE_PROPERTY) if app is not None else None
    return float(value) if isinstance(value, (int, float)) else 1.0


def available_size() -> QSize:
    """The screen's work area the screens are laid out for."""
    app = QApplication.instance()
    value = app.property(SCREEN_PROPERTY) if app is not None else None
    if isinstance(value, QSize):
        return value
    screen = QApplication.primaryScreen() if app is not None else None
    return screen.availableGeometry().size() if screen is not None else QSize(1024, 768)


def px(pixels: int) -> int:
    """`pixels` at the base scale, on this screen."""
    return round(pixels * ui_scale())
